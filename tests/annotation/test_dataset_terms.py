"""`build-dataset --terms`: one key-terms example per contract, in the shape the LLM path asks for
(contracts.terms_prompt), answered from the gold labels of CUAD's eight non-clause categories and checked
against CUAD's own normalised answers (master_clauses.csv)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from analyzers.terms_grounding import iso_date
from annotation.cuad import import_cuad
from annotation.dataset import BuildConfig, build_dataset, load_tokenizer
from annotation.store import Annotation, Contract, DatasetVersion
from contracts.key_terms import TERM_CATEGORIES
from contracts.terms_prompt import parse_terms_answer, render_terms_answer, terms_system_prompt
from contracts.training_set import read_card
from lexrisk.cli import main

MAX_LENGTH = 4096
pytestmark = pytest.mark.cuad


@pytest.fixture
def cuad_store(sqlite_store, small_cuad):
    """The whole small sample, dev contract included: its answers are what these tests check the builder
    against, so they build with allow_cuad_dev (as `--allow-cuad-dev` does); no model is trained on them."""
    with sqlite_store.session() as session:
        import_cuad(session, small_cuad)
    return sqlite_store


def _build(store, tokenizer_dir, out, **kwargs):
    config = BuildConfig(tokenizer=str(tokenizer_dir), max_length=MAX_LENGTH, out=out, dev_fraction=0.25,
                         test_fraction=0.25, **kwargs)
    with store.session() as session:
        return build_dataset(session, config, allow_cuad_dev=True)


def _rows(out: Path) -> list[tuple[dict, dict]]:
    rows = []
    for split in ("train", "dev", "test"):
        chats = (out / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
        metas = (out / f"{split}.meta.jsonl").read_text(encoding="utf-8").splitlines()
        rows += [(json.loads(c), json.loads(m)) for c, m in zip(chats, metas, strict=True)]
    return rows


def _cuad_answers(small_cuad: Path) -> dict[str, dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with (small_cuad / "master_clauses.csv").open(encoding="utf-8", newline="") as f:
        return {str(Path(r["Filename"]).with_suffix(".txt")): r for r in csv.DictReader(f)}


def _us_date(answer: str) -> str | None:
    try:
        return dt.datetime.strptime(answer, "%m/%d/%Y").date().isoformat()
    except ValueError:
        return None


def test_terms_examples_follow_the_serving_request_and_the_gold_labels(cuad_store, tokenizer_dir, small_cuad,
                                                                       tmp_path):
    card = _build(cuad_store, tokenizer_dir, tmp_path / "ds", terms=True)
    tokenizer = load_tokenizer(tokenizer_dir)
    with cuad_store.session() as session:
        contracts = {c.sha256: c for c in session.exec(select(Contract)).all()}
        gold = session.exec(select(Annotation).where(Annotation.status == "accepted")).all()
        version = session.exec(select(DatasetVersion)).one()
    texts = {c.id: c.text for c in contracts.values()}
    gold_text: dict[tuple[str, str], list[str]] = {}
    for a in gold:
        sha = next(s for s, c in contracts.items() if c.id == a.contract_id)
        gold_text.setdefault((sha, a.category), []).append(texts[a.contract_id][a.start:a.end])
    answers = _cuad_answers(small_cuad)

    terms_rows = [(chat, meta) for chat, meta in _rows(tmp_path / "ds") if meta["task"] == "terms"]
    assert sorted(meta["contract_sha256"] for _, meta in terms_rows) == sorted(contracts)  # one per contract
    checked = {"date": 0, "law": 0}
    shorts_seen: set[str] = set()
    for row, meta in terms_rows:
        system, user, assistant = row["messages"]
        contract = contracts[meta["contract_sha256"]]
        assert system == {"role": "system", "content": terms_system_prompt()}
        assert user["content"].startswith(f"Contract: {contract.name}\n")
        assert meta["start"] == 0  # the opening is always read
        parsed = parse_terms_answer(assistant["content"])
        assert render_terms_answer(parsed) == assistant["content"]  # the compact shape constrained decoding writes
        length = len(tokenizer.apply_chat_template(row["messages"], tokenize=True)["input_ids"])
        assert length == meta["tokens"] <= MAX_LENGTH
        answer = parsed.model_dump()
        stated = [("parties", p) for p in answer["parties"]] + [(k, v) for k, v in answer.items()
                                                                 if k != "parties" and v]
        short_names = [p["short_name"] for p in answer["parties"] if p["short_name"]]
        assert len(meta["annotation_ids"]) == len(stated) + len(short_names)  # the labels each answer came from
        for field, item in stated:
            assert item["quote"] in user["content"]  # verbatim in what the model reads
            assert any(item["quote"] in words for words in gold_text[(contract.sha256, TERM_CATEGORIES[field])])
        for name in short_names:  # a defined short name is a Parties label too, paired with its party
            assert any(name in words for words in gold_text[(contract.sha256, "Parties")])
        shorts_seen.update(short_names)
        cuad = answers[contract.name]
        for field, column in (("agreement_date", "Agreement Date-Answer"), ("effective_date", "Effective Date-Answer"),
                              ("expiration_date", "Expiration Date-Answer")):
            value = answer[field] and answer[field]["value"]
            if value is not None:
                assert iso_date(value) == value
            if value is not None and len(value) == 10 and _us_date(cuad[column]):
                assert value == _us_date(cuad[column]), (contract.name, field)
                checked["date"] += 1
        if answer["governing_law"]:
            assert answer["governing_law"]["value"] == cuad["Governing Law-Answer"]
            checked["law"] += 1
    assert checked["date"] >= 5 and checked["law"] >= 2  # the comparisons above really ran
    assert {"i-Escrow", "2TheMart", "CCGI", "PVSS", "CONSULTANT"} <= shorts_seen  # '... Inc. (the "CCGI")'

    assert card["params"]["terms"] is True
    assert card["params"]["terms_prompt_sha256"] == hashlib.sha256(terms_system_prompt().encode()).hexdigest()
    assert sum(card["terms_examples"].values()) == len(contracts)
    assert card["terms_filled"]["document_name"] == len(contracts)
    used = {i for _, meta in terms_rows for i in meta["annotation_ids"]}
    assert used <= set(version.annotation_ids)
    assert read_card(tmp_path / "ds").params.terms  # the trainer's side reads the card


def test_terms_add_examples_and_leave_the_findings_examples_alone(cuad_store, tokenizer_dir, tmp_path):
    plain = _build(cuad_store, tokenizer_dir, tmp_path / "plain")
    with_terms = _build(cuad_store, tokenizer_dir, tmp_path / "terms", terms=True)
    findings = [(c, m) for c, m in _rows(tmp_path / "terms") if m["task"] == "findings"]
    assert findings == _rows(tmp_path / "plain")
    assert plain["params"]["terms"] is False and plain["terms_examples"] == {}
    assert plain["params"]["terms_prompt_sha256"] is None
    assert sum(with_terms["examples"].values()) == sum(plain["examples"].values()) + 4
    assert with_terms["negative_examples_kept"] == plain["negative_examples_kept"]
    assert with_terms["labels_placed"] == plain["labels_placed"]


def test_risk_only_keeps_term_labels_for_the_terms_examples(cuad_store, tokenizer_dir, tmp_path):
    card = _build(cuad_store, tokenizer_dir, tmp_path / "ds", terms=True, risk_only=True)
    rows = _rows(tmp_path / "ds")
    findings = [json.loads(c["messages"][2]["content"]) for c, m in rows if m["task"] == "findings"]
    assert not {i["category"] for items in findings for i in items} & set(TERM_CATEGORIES.values())
    assert sum(card["terms_examples"].values()) == 4 and card["terms_filled"]["parties"] == 4


def test_cli_terms_flag(cuad_store, tokenizer_dir, tmp_path):
    out = tmp_path / "cli"
    code = main(["annotate", "--db", str(cuad_store.engine.url), "build-dataset", "--tokenizer", str(tokenizer_dir),
                 "--max-length", str(MAX_LENGTH), "--terms", "--allow-cuad-dev", "--out", str(out)])
    assert code == 0
    card = json.loads((out / "dataset_card.json").read_text())
    assert card["params"]["terms"] is True and sum(card["terms_examples"].values()) == 4
