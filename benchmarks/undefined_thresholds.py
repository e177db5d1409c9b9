"""Proofing (issue 27), undefined_term's evidence thresholds, measured on CUAD's train split only: for each
setting, the recall on injected undefined terms (benchmarks/proofing_quality.py's protocol: the document's
own name not drawn), single-word and multi-word apart, and the items the check reports per contract on the
unchanged contracts, single-word and multi-word apart: what each recall point costs in reading.

    python benchmarks/undefined_thresholds.py [--contracts N]   # prints the table, writes undefined_thresholds_train.json
    python benchmarks/undefined_thresholds.py --new-singles A --seed 2727 --sample 30   # single-word items setting A
                                                                # reports that today's does not (to read and judge)

A setting is (uses after a determiner, mid-sentence uses, per-contract cap of single words, MIN_USES,
MIN_BARE_USES) for contracts.proofing.undefined's MIN_SINGLE_DETERMINED, MIN_SINGLE_USES, MAX_SINGLE_ITEMS,
MIN_USES, MIN_BARE_USES, set on the module for the run and restored after. The own-name row shows how many
draws the second protocol made of the document's own name, which the first rows no longer draw."""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import proofing_quality as pq  # noqa: E402

from contracts.documents import Document  # noqa: E402
from contracts.proofing import undefined  # noqa: E402
from contracts.proofing.definitions import find_definitions, list_definitions, loose_terms, lowered_words, term_words  # noqa: E402
from contracts.proofing.parties import find_parties  # noqa: E402
from contracts.proofing.tokens import tokenize  # noqa: E402

NAMES = ("MIN_SINGLE_DETERMINED", "MIN_SINGLE_USES", "MAX_SINGLE_ITEMS", "MIN_USES", "MIN_BARE_USES")
NO_CAP = 10**9
TODAY = (2, 5, 6, 2, 3)
SETTINGS = [TODAY, (2, 4, 6, 2, 3), (2, 3, 6, 2, 3), (2, 5, 10, 2, 3), (2, 5, NO_CAP, 2, 3), (2, 4, 10, 2, 3),
            (2, 3, 10, 2, 3), (2, 4, NO_CAP, 2, 3), (1, 5, 6, 2, 3), (1, 5, 10, 2, 3), (1, 4, 10, 2, 3),
            (1, 5, NO_CAP, 2, 3), (1, 3, NO_CAP, 2, 3), (2, 5, 6, 2, 2), (2, 4, 10, 2, 2), (1, 4, 10, 2, 2),
            (1, 2, NO_CAP, 2, 2)]  # the last: every single word used twice, no cap: what thresholds alone can reach


def label(setting: tuple[int, ...]) -> str:
    det, uses, cap, least, bare = setting
    return f"det>={det} uses>={uses} cap={'none' if cap == NO_CAP else cap} min={least} bare={bare}"


@contextmanager
def thresholds(setting: tuple[int, ...]) -> Iterator[None]:
    old = [getattr(undefined, n) for n in NAMES]
    for name, value in zip(NAMES, setting, strict=True):
        setattr(undefined, name, value)
    try:
        yield
    finally:
        for name, value in zip(NAMES, old, strict=True):
            setattr(undefined, name, value)


class Prepared:
    """undefined_items' inputs for one text, built once (as contracts.proofing._term_items builds them), so
    that each setting re-runs only the check."""

    def __init__(self, name: str, text: str) -> None:
        self.document = Document.from_text(name, text)
        self.tokens = tokenize(text)
        self.words = lowered_words(self.tokens)
        definitions = find_definitions(text)
        self.defined = {term_words(d.term) for d in definitions} | list_definitions(text, self.tokens) | loose_terms(text)
        self.proper = {p.full for p in find_parties(text, definitions)}

    def items(self) -> list:
        return undefined.undefined_items(self.document, self.tokens, self.defined, self.proper, self.words)


def _single(item) -> bool:
    return " " not in item.message.split('"')[1]


def measure(names: list[str]) -> dict:
    per: dict[tuple[int, ...], Counter] = {s: Counter() for s in SETTINGS}
    own = Counter()
    for n, name in enumerate(names):
        text = pq.read(name)
        old = pq._inject_undefined(text, random.Random(f"{name}:undefined_term"), own=True)
        if old is not None:
            own["drawn"] += 1
            own["own_name"] += pq.own_name(text, old[1]["term"])
        made = pq._inject_undefined(text, random.Random(f"{name}:undefined_term"))
        clean = Prepared(name, text)
        changed = Prepared(name, made[0]) if made else None
        for setting in SETTINGS:
            c = per[setting]
            with thresholds(setting):
                items = clean.items()
                c["items:single-word"] += sum(map(_single, items))
                c["items:multi-word"] += sum(not _single(i) for i in items)
                if changed is not None and made is not None:
                    truth = made[1]
                    hit = pq._found("undefined_term", truth, changed.items())[0]
                    for tally in ("", ":" + truth["group"]):
                        c["injected" + tally] += 1
                        c["found" + tally] += hit
        print(f"\r{n + 1}/{len(names)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    rows = []
    for setting, c in per.items():
        row = {"setting": label(setting), **dict(zip(NAMES, [None if v == NO_CAP else v for v in setting], strict=True))}
        for g in ("", ":single-word", ":multi-word"):
            row["recall" + g] = f"{c['found' + g]}/{c['injected' + g]} = {c['found' + g] / c['injected' + g]:.3f}"
        for g in ("single-word", "multi-word"):
            row[f"items_per_contract:{g}"] = round(c[f"items:{g}"] / len(names), 3)
        row["items_per_contract"] = round((c["items:single-word"] + c["items:multi-word"]) / len(names), 3)
        rows.append(row)
    return {"protocol": __doc__.split("\n\n")[0] + " " + __doc__.split("\n\n")[2], "split": "train",
            "contracts": len(names), "today": label(TODAY),
            "own_name_draws_second_protocol": {**own, "share": round(own["own_name"] / own["drawn"], 3)},
            "settings": rows, "reading_of_new_single_words": reading()}


def new_singles(setting: tuple[int, ...], names: list[str], seed: int, sample: int) -> list[dict]:
    """The single-word items `setting` reports on the unchanged contracts that today's setting does not, a
    random.Random(seed) sample of them, with 150 characters either side, for reading."""
    found = []
    for name in names:
        text = pq.read(name)
        clean = Prepared(name, text)
        with thresholds(TODAY):
            before = {(i.start, i.message) for i in clean.items()}
        with thresholds(setting):
            after = [i for i in clean.items() if _single(i) and (i.start, i.message) not in before]
        found += [{"contract": name, "term": i.message.split('"')[1],
                   "context": text[max(0, i.start - 150):i.end + 150]} for i in after]
    print(f"{len(found)} new single-word items", file=sys.stderr)
    return random.Random(seed).sample(found, min(sample, len(found)))


READING = pq.OUT / "single_word_reading_train_thresholds.jsonl"


def reading() -> dict:
    """The committed verdicts on a sample of the single-word items the most liberal setting short of the
    ceiling adds to today's (`--new-singles 12 --seed 2727 --sample 30`, read and judged by hand)."""
    rows = [json.loads(line) for line in READING.read_text("utf-8").splitlines()]
    verdicts = Counter(r["verdict"] for r in rows)
    return {"file": READING.name, "settings": sorted({r["setting"] for r in rows}), "read": len(rows),
            "true": verdicts["true"], "false": verdicts["false"], "precision": round(verdicts["true"] / len(rows), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=None)
    parser.add_argument("--new-singles", type=int, default=None, help="index into SETTINGS: list its new single-word items")
    parser.add_argument("--seed", type=int, default=2727)
    parser.add_argument("--sample", type=int, default=30)
    args = parser.parse_args()
    names = pq.train_names()[:args.contracts]
    if args.new_singles is not None:
        for row in new_singles(SETTINGS[args.new_singles], names, args.seed, args.sample):
            print(json.dumps(row, ensure_ascii=False))
        return
    report = measure(names)
    if args.contracts is None:
        (pq.OUT / "undefined_thresholds_train.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"undefined_term thresholds ({len(names)} CUAD train contracts; today: {report['today']})")
    print(pq._markdown(["setting", "recall", "single-word", "multi-word", "items/contract", "single", "multi"],
                       [[r["setting"], r["recall"], r["recall:single-word"], r["recall:multi-word"],
                         r["items_per_contract"], r["items_per_contract:single-word"],
                         r["items_per_contract:multi-word"]] for r in report["settings"]]))
    o = report["own_name_draws_second_protocol"]
    print(f"second protocol: {o['own_name']} of {o['drawn']} draws were the document's own name ({o['share']})")
    r = report["reading_of_new_single_words"]
    print(f"reading ({r['file']}, {', '.join(r['settings'])}): {r['true']} true, {r['false']} false of {r['read']} "
          f"new single-word items ({r['precision']})")


if __name__ == "__main__":
    main()
