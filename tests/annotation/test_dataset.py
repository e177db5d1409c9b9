from __future__ import annotations

import hashlib
import json

import pytest
from sqlmodel import select

from annotation.cuad import import_cuad
from annotation.dataset import BuildConfig, BuildError, build_dataset, load_tokenizer, split_of
from annotation.store import Annotation, Contract, DatasetVersion, record_review
from contracts.cuad_split import is_dev
from contracts.prompt import system_prompt
from lexrisk.cli import main
from tests.annotation.conftest import SMALL_CUAD

MAX_LENGTH = 4096
TRAIN_SIDE = [name for name in SMALL_CUAD if not is_dev(name)]


@pytest.fixture
def cuad_store(sqlite_store, small_cuad):
    """The small CUAD sample's train side: the set a model may be trained on (build-dataset refuses dev's)."""
    with sqlite_store.session() as session:
        import_cuad(session, small_cuad, split="train")
    return sqlite_store


def _build(store, tokenizer_dir, out, **kwargs):
    config = BuildConfig(tokenizer=str(tokenizer_dir), max_length=kwargs.pop("max_length", MAX_LENGTH), out=out, **kwargs)
    with store.session() as session:
        return build_dataset(session, config)


def _rows(out, split):
    return [json.loads(line) for line in (out / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.cuad
def test_builder_invariants(cuad_store, tokenizer_dir, tmp_path):
    card = _build(cuad_store, tokenizer_dir, tmp_path / "ds", dev_fraction=0.25, test_fraction=0.25)
    tokenizer = load_tokenizer(tokenizer_dir)
    contracts_in: dict[str, set[str]] = {}
    total_items = 0
    for split in ("train", "dev", "test"):
        rows = _rows(tmp_path / "ds", split)
        meta = [json.loads(line) for line in (tmp_path / "ds" / f"{split}.meta.jsonl").read_text().splitlines()]
        assert len(rows) == len(meta) == card["examples"].get(split, 0)
        for row, info in zip(rows, meta, strict=True):
            chat = row["messages"]
            assert [m["role"] for m in chat] == ["system", "user", "assistant"]
            items = json.loads(chat[2]["content"])
            for item in items:  # every quote verbatim in its own user message
                assert item["quote"] in chat[1]["content"]
                assert set(item) == {"category", "severity", "quote", "explanation"}
            total_items += len(items)
            length = len(tokenizer.apply_chat_template(chat, tokenize=True)["input_ids"])
            assert length == info["tokens"] <= MAX_LENGTH
            contracts_in.setdefault(info["contract_sha256"], set()).add(split)
            assert len(info["origins"]) == len(info["annotation_ids"])  # CUAD's lawyers drew every span
            assert set(info["origins"]) <= {"manual"}
    assert all(len(splits) == 1 for splits in contracts_in.values()), "a contract in two splits"
    assert total_items > 0 and card["labels_truncated"] == 0
    with cuad_store.session() as session:
        gold = session.exec(select(Annotation).where(Annotation.status == "accepted")).all()
        version = session.exec(select(DatasetVersion)).one()
    assert card["labels_placed"] == len({(a.contract_id, a.category, a.start, a.end) for a in gold})
    assert version.content_hash == card["content_hash"] and set(version.annotation_ids) == {a.id for a in gold}
    assert set(version.splits.values()) <= {"train", "dev", "test"}
    assert len(version.splits) == len({a.contract_id for a in gold}) == len(TRAIN_SIDE)
    assert card["tokens"]["all"]["max"] <= MAX_LENGTH
    per_origin = {split: sum(c.values()) for split, c in card["label_occurrences_per_origin"].items()}
    assert per_origin == {split: sum(c.values()) for split, c in card["label_occurrences_per_category"].items()}


@pytest.mark.cuad
def test_labels_too_long_for_any_chunk_are_counted(cuad_store, tokenizer_dir, tmp_path):
    card = _build(cuad_store, tokenizer_dir, tmp_path / "ds", max_length=3072)
    with cuad_store.session() as session:
        gold = session.exec(select(Annotation).where(Annotation.status == "accepted")).all()
    assert card["labels_truncated"] > 0
    assert card["labels_placed"] + card["labels_truncated"] == len({(a.contract_id, a.category, a.start, a.end) for a in gold})
    assert card["tokens"]["all"]["max"] <= 3072


@pytest.mark.cuad
def test_build_is_deterministic_and_splits_are_stable(cuad_store, tokenizer_dir, tmp_path):
    first = _build(cuad_store, tokenizer_dir, tmp_path / "a")
    second = _build(cuad_store, tokenizer_dir, tmp_path / "b")
    assert first["content_hash"] == second["content_hash"]
    assert first["dataset_version"] == second["dataset_version"]
    assert (tmp_path / "a" / "train.jsonl").read_bytes() == (tmp_path / "b" / "train.jsonl").read_bytes()
    assert split_of("ab" * 32, 0, 0.1, 0.1) == split_of("ab" * 32, 0, 0.1, 0.1)
    shares = [split_of(f"{i:064x}", 7, 0.1, 0.2) for i in range(2000)]
    assert 0.07 < shares.count("dev") / 2000 < 0.13 and 0.17 < shares.count("test") / 2000 < 0.23


@pytest.mark.cuad
def test_negative_share(cuad_store, tokenizer_dir, tmp_path):
    none = _build(cuad_store, tokenizer_dir, tmp_path / "none", negatives=0.0)
    every = _build(cuad_store, tokenizer_dir, tmp_path / "all", negatives=1.0)
    assert none["negative_examples_kept"] == 0 and none["negative_chunks_seen"] > 0
    assert every["negative_examples_kept"] == every["negative_chunks_seen"]
    for split in ("train", "dev", "test"):
        for row in _rows(tmp_path / "none", split):
            assert json.loads(row["messages"][2]["content"]) != []


@pytest.mark.cuad
def test_risk_only_leaves_out_the_metadata_categories(cuad_store, tokenizer_dir, tmp_path):
    from contracts.taxonomy import risk_categories

    every = _build(cuad_store, tokenizer_dir, tmp_path / "every", negatives=0.0)
    risk = _build(cuad_store, tokenizer_dir, tmp_path / "risk", negatives=0.0, risk_only=True)
    assert risk["params"]["risk_only"] and not every["params"]["risk_only"]
    answered = {item["category"] for split in ("train", "dev", "test") for row in _rows(tmp_path / "risk", split)
                for item in json.loads(row["messages"][2]["content"])}
    assert answered and answered <= set(risk_categories())
    assert "Parties" in every["label_occurrences_per_category"]["train"]  # what risk_only removed was there
    assert risk["content_hash"] != every["content_hash"]


@pytest.mark.cuad
def test_only_gold_labels_are_used(cuad_store, tokenizer_dir, tmp_path):
    with cuad_store.session() as session:
        rejected = session.exec(select(Annotation).where(Annotation.category == "Governing Law")).all()
        for a in rejected:
            record_review(session, "public", a.id, "rejected", "partner", "not a risk for this client")
    _build(cuad_store, tokenizer_dir, tmp_path / "ds", negatives=1.0)
    answers = [json.loads(r["messages"][2]["content"]) for s in ("train", "dev", "test") for r in _rows(tmp_path / "ds", s)]
    assert rejected and not any(i["category"] == "Governing Law" for items in answers for i in items)


def test_build_needs_gold_labels_and_a_real_tokenizer(sqlite_store, tokenizer_dir, tmp_path, capsys):
    url = str(sqlite_store.engine.url)
    argv = ["annotate", "--db", url, "build-dataset", "--max-length", "4096", "--out", str(tmp_path / "o")]
    assert main([*argv, "--tokenizer", str(tokenizer_dir)]) == 2
    assert "no accepted (gold) labels" in capsys.readouterr().err
    assert main([*argv, "--tokenizer", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    with sqlite_store.session() as session:
        session.add(Contract(tenant="public", sha256="0" * 64, name="x", source_type="txt", text="x", pages=[]))
    assert main([*argv, "--tokenizer", str(tmp_path / "empty")]) == 2
    assert "cannot load a tokenizer" in capsys.readouterr().err


@pytest.mark.cuad
def test_max_length_below_the_prompt_is_refused(cuad_store, tokenizer_dir, tmp_path):
    with pytest.raises(BuildError, match=r"leaves .* tokens after the system prompt"):
        _build(cuad_store, tokenizer_dir, tmp_path / "ds", max_length=2048)


@pytest.mark.cuad
def test_brief_prompt_fits_where_the_full_one_does_not(cuad_store, tokenizer_dir, tmp_path):
    """`--prompt brief`: every example carries the brief system prompt, and the card says so (the
    evaluation and the server read it from there), with the hash of that prompt."""
    out = tmp_path / "brief"
    code = main(["annotate", "--db", str(cuad_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
                 "--max-length", "2048", "--prompt", "brief", "--out", str(out)])
    assert code == 0
    card = json.loads((out / "dataset_card.json").read_text())
    assert card["params"]["prompt"] == "brief"
    assert card["params"]["system_prompt_sha256"] == hashlib.sha256(system_prompt("brief").encode()).hexdigest()
    rows = [row for split in ("train", "dev", "test") for row in _rows(out, split)]
    assert rows and {row["messages"][0]["content"] for row in rows} == {system_prompt("brief")}
    assert max(json.loads(line)["tokens"] for split in ("train", "dev", "test")
               for line in (out / f"{split}.meta.jsonl").read_text().splitlines()) <= 2048


@pytest.mark.cuad
def test_build_dataset_command(cuad_store, tokenizer_dir, tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(["annotate", "--db", str(cuad_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
                 "--max-length", str(MAX_LENGTH), "--out", str(out)])
    assert code == 0
    assert "examples" in capsys.readouterr().out
    card = json.loads((out / "dataset_card.json").read_text())
    assert card["params"]["max_length"] == MAX_LENGTH and (out / "README.md").is_file()
    assert main(["annotate", "--db", str(cuad_store.engine.url), "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["latest_dataset_version"] == card["dataset_version"]
    assert card["cuad_dev_contracts"] == 0  # the train side only
    assert sum(stats["by_split"].values()) == stats["by_status"]["accepted"]


@pytest.mark.cuad
def test_the_command_says_how_many_labels_no_example_holds(cuad_store, tokenizer_dir, tmp_path, capsys):
    """Labels too long for any chunk are left out of the set; the card counts them and the command says so,
    so a short --max-length never loses labels without a word."""
    code = main(["annotate", "--db", str(cuad_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
                 "--max-length", "3072", "--out", str(tmp_path / "ds")])
    card = json.loads((tmp_path / "ds" / "dataset_card.json").read_text())
    err = capsys.readouterr().err
    total = card["labels_placed"] + card["labels_truncated"]
    assert code == 0 and card["labels_truncated"] > 0
    assert err.startswith(f"warning: {card['labels_truncated']} of {total} gold labels are in no example: ")
    assert "3072 tokens" in err and err.count("\n") == 1


def test_a_set_that_would_hold_none_of_the_labels_is_refused(sqlite_store, tokenizer_dir, tmp_path, capsys):
    """A contract whose only label spans more text than any chunk (non-ASCII text, a long clause): the set
    would hold only empty answers, so nothing is written and the command says why in one line."""
    from annotation.store import add_annotation
    from annotation.store.repository import get_or_create_contract
    from contracts.documents import Document

    paragraph = "Section {i}. Le Fournisseur s’engage à livrer — «sans délai» — 供应商应按时交货 🚀.\n"
    text = "ACCORD-CADRE Ü\n\n" + "".join(paragraph.format(i=i) for i in range(300))
    start = text.index("Section 10.")
    with sqlite_store.session() as session:
        contract = get_or_create_contract(session, "public", Document.from_text("Vertrag – 合同.txt", text))
        add_annotation(session, contract, "lawyer", category="Governing Law", severity="low", start=start,
                       end=start + 80 * len(paragraph), source="manual", status="accepted")
    out = tmp_path / "ds"
    code = main(["annotate", "--db", str(sqlite_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
                 "--max-length", str(MAX_LENGTH), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert f"none of the 1 gold labels fits an example of --max-length {MAX_LENGTH}" in err
    assert not (out / "dataset_card.json").exists()


def _name_on(side: str, stem: str) -> str:
    """A CUAD-like text file name on `side` of contracts.cuad_split (the split hashes names only): no dev
    contract is read to test the refusal."""
    from itertools import count

    return next(name for i in count() if is_dev(name := f"{stem}_{i}-EX-10.1-AGREEMENT.txt") == (side == "dev"))


def _synthetic_store(store, *, dev: bool):
    """Three public contracts with gold labels: one as `import-cuad` stores CUAD's train side (annotator `cuad`
    of kind source, source cuad), one named as a dev contract but a lawyer's (no CUAD label: not CUAD's), and,
    with `dev`, one as `import-cuad` stores a dev contract."""
    from annotation.store import add_annotation, get_or_create_annotator, get_or_create_contract
    from contracts.documents import Document

    text = "1. Governing Law. This Agreement is governed by the laws of New York.\n2. Term. It lasts five years.\n"
    start, end = 3, text.index("\n")
    sides = [("train", "cuad"), ("dev", "lawyer"), *([("dev", "cuad")] if dev else [])]
    with store.session() as session:
        cuad = get_or_create_annotator(session, "cuad", kind="source")
        for n, (side, who) in enumerate(sides):
            name = _name_on(side, f"SYNTHETIC{n}")
            contract = get_or_create_contract(session, "public", Document.from_text(name, f"{text}{name}\n"))
            add_annotation(session, contract, cuad if who == "cuad" else who, category="Governing Law",
                           severity="info", start=start, end=end, source="cuad" if who == "cuad" else "test",
                           status="accepted")


def test_a_set_holding_cuads_dev_contracts_is_refused_unless_asked(sqlite_store, tokenizer_dir, tmp_path, capsys):
    """A store filled by `import-cuad` without `--split train` holds the contracts the evaluation holds out: the
    set is refused in one line that counts them; --allow-cuad-dev builds it and the card counts them."""
    _synthetic_store(sqlite_store, dev=True)
    with pytest.raises(BuildError, match=r"^1 of the 3 contracts are CUAD's held-out dev contracts"):
        _build(sqlite_store, tokenizer_dir, tmp_path / "refused")
    assert not (tmp_path / "refused").exists()
    argv = ["annotate", "--db", str(sqlite_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
            "--max-length", str(MAX_LENGTH), "--out", str(tmp_path / "cli")]
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1 of the 3 contracts are CUAD's held-out dev contracts" in err
    assert "--split train" in err and "--allow-cuad-dev" in err
    assert main([*argv, "--allow-cuad-dev"]) == 0
    err = capsys.readouterr().err
    card = json.loads((tmp_path / "cli" / "dataset_card.json").read_text())
    assert card["cuad_dev_contracts"] == 1 and sum(card["contracts"].values()) == 3
    assert "holds 1 contract(s) of CUAD's held-out dev split" in err
    assert "contracts of CUAD's held-out dev split (`annotate build-dataset --allow-cuad-dev`): 1" in \
        (tmp_path / "cli" / "README.md").read_text()


def test_a_set_without_cuads_dev_contracts_says_so(sqlite_store, tokenizer_dir, tmp_path, capsys):
    """A lawyer's contract whose name happens to hash to dev is no CUAD contract: counted 0, built without a word."""
    _synthetic_store(sqlite_store, dev=False)
    code = main(["annotate", "--db", str(sqlite_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
                 "--max-length", str(MAX_LENGTH), "--out", str(tmp_path / "ds")])
    assert code == 0 and capsys.readouterr().err == ""
    card = json.loads((tmp_path / "ds" / "dataset_card.json").read_text())
    assert card["cuad_dev_contracts"] == 0 and sum(card["contracts"].values()) == 2


def test_build_dataset_shows_progress_off_a_terminal(sqlite_store, tokenizer_dir, tmp_path, capsys, monkeypatch):
    """Off a terminal (a log, CI) the rich bar is off; a plain line on stderr says how far the build is, at most
    every PLAIN_PROGRESS_EVERY_S seconds (here every contract), so a long build is not minutes of silence."""
    monkeypatch.setattr("lexrisk.commands.annotate_common.PLAIN_PROGRESS_EVERY_S", 0.0)
    _synthetic_store(sqlite_store, dev=False)
    code = main(["annotate", "--db", str(sqlite_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
                 "--max-length", str(MAX_LENGTH), "--out", str(tmp_path / "ds")])
    captured = capsys.readouterr()
    assert code == 0 and captured.err.splitlines() == ["Building dataset: 1/2", "Building dataset: 2/2"]
    assert "Building" not in captured.out
