from __future__ import annotations

import csv
import json
import sys
from collections import Counter

import pytest
from sqlmodel import select

from annotation.cuad import import_cuad
from annotation.report import ImportRecordError
from annotation.store import Annotation, Contract, ReviewEvent, Store
from contracts.textnorm import normalize_text
from lexrisk.cli import main
from tests.annotation.conftest import SMALL_CUAD

pytestmark = pytest.mark.cuad


def _expected(cuad_dir) -> list[dict]:
    rows = [json.loads(line) for line in (cuad_dir / "cuad_spans.jsonl").open(encoding="utf-8")]
    return [r for r in rows if r["contract_txt"] in SMALL_CUAD]


def test_import_matches_the_reference_spans(store, small_cuad, cuad_dir):
    with store.session() as session:
        report = import_cuad(session, small_cuad)
    expected = _expected(cuad_dir)
    assert report.contracts == len(SMALL_CUAD)
    assert report.records_read == report.records_imported == len(expected)
    assert report.not_located == [] and report.skipped == []
    with store.session() as session:
        contracts = {c.id: c for c in session.exec(select(Contract))}
        annotations = session.exec(select(Annotation)).all()
        events = session.exec(select(ReviewEvent)).all()
    for a in annotations:
        assert contracts[a.contract_id].text[a.start:a.end] == a.quote
        assert a.status == "accepted" and a.severity in {"high", "medium", "low", "info"} and a.explanation
    assert len(events) == len(annotations) == sum(len(r["parts"]) for r in expected)
    # every reference excerpt is there, part for part, as the normalised text of its reference offsets
    raw = {name: (small_cuad / "full_contract_txt" / name).read_text(encoding="utf-8") for name in SMALL_CUAD}
    stored = Counter()
    groups: dict[str, list[Annotation]] = {}
    for a in annotations:
        groups.setdefault(a.group_key or f"single:{a.id}", []).append(a)
    for parts in groups.values():
        stored[(contracts[parts[0].contract_id].name, parts[0].category, tuple(p.quote for p in parts))] += 1
    reference = Counter()
    for r in expected:
        a, b = r["offsets"][0]
        assert normalize_text(raw[r["contract_txt"]][a:b]) == normalize_text(r["parts"][0])
        reference[(r["contract_txt"], r["category"], tuple(normalize_text(p) for p in r["parts"]))] += 1
    assert stored == reference
    assert any(len(k[2]) > 1 for k in reference), "the sample should hold an <omitted> excerpt"


def _tiny_cuad(folder, text: str, cells: dict[str, list[str]]):
    (folder / "full_contract_txt").mkdir(parents=True)
    (folder / "full_contract_txt" / "deal.txt").write_text(text, encoding="utf-8")
    with (folder / "master_clauses.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Filename", *[c for name in cells for c in (name, f"{name}-Answer")]])
        writer.writerow(["deal.pdf", *[c for v in cells.values() for c in (repr(v), "Yes")]])
    return folder


def test_occurrences_are_resolved_deterministically(sqlite_store, tmp_path):
    text = ("Either party may terminate on notice.\nNotices go to the address below.\n"
            "Either party may terminate on notice.\nThe cap is $1.\nNotices go to the address below.\n")
    folder = _tiny_cuad(tmp_path / "cuad", text, {
        "Termination For Convenience": ["Either party may terminate on notice.", "Either party may terminate on notice."],
        "Cap On Liability": ["Either party may terminate on notice.<omitted>Notices go to the address below.",
                             "The cap is $1.<omitted>Notices go to the address below."],
    })
    with sqlite_store.session() as session:
        report = import_cuad(session, folder)
        rows = session.exec(select(Annotation).order_by(Annotation.id)).all()
    assert report.records_imported == 4 and report.annotations_created == 6
    second = text.index("Either", 1)
    later_notice = text.rindex("Notices")
    assert [(a.category, a.start) for a in rows] == [
        ("Termination for Convenience", 0), ("Termination for Convenience", second),  # n-th listing, n-th occurrence
        ("Cap on Liability", 0), ("Cap on Liability", text.index("Notices")),  # next part: first one after
        ("Cap on Liability", text.index("The cap")), ("Cap on Liability", later_notice),
    ]
    assert rows[2].group_key == rows[3].group_key != rows[4].group_key


def test_excerpt_not_in_the_text_is_reported_not_invented(sqlite_store, tmp_path):
    folder = _tiny_cuad(tmp_path / "cuad", "The cap is $1.\n", {"Cap On Liability": ["The cap is $2 million."]})
    with sqlite_store.session() as session:
        report = import_cuad(session, folder)
    assert report.records_read == 1 and report.records_imported == 0
    assert report.not_located == ["master_clauses.csv row 1 (deal.pdf) Cap on Liability #0"]


def test_import_is_deterministic_and_idempotent(sqlite_store, small_cuad):
    with sqlite_store.session() as session:
        import_cuad(session, small_cuad)
        first = [(a.contract_id, a.category, a.start, a.end) for a in session.exec(select(Annotation))]
    with sqlite_store.session() as session:
        again = import_cuad(session, small_cuad)
        second = [(a.contract_id, a.category, a.start, a.end) for a in session.exec(select(Annotation))]
    assert again.contracts_already_present == len(SMALL_CUAD) and again.annotations_created == 0
    assert first == second


def _edit_master(folder, row: int, column: str, value: str) -> None:
    csv.field_size_limit(sys.maxsize)
    path = folder / "master_clauses.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    if column not in fields:
        fields = [*fields, column]
    rows[row - 1][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, restval="[]")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("Governing Law", "['unterminated", "column 'Governing Law' is not a list of excerpts"),
    ("Governing Law", "[1, 2]", "not a list of strings"),
    ("Weather Clause", "[]", "unknown category column 'Weather Clause'"),
])
def test_bad_record_names_file_and_row_and_imports_nothing(sqlite_store, small_cuad, column, value, message):
    _edit_master(small_cuad, 3, column, value)
    with pytest.raises(ImportRecordError, match=rf"master_clauses.csv row \d .*{message}"), sqlite_store.session() as s:
        import_cuad(s, small_cuad)
    with sqlite_store.session() as session:
        assert session.exec(select(Contract)).all() == []


def test_missing_text_file_is_a_bad_record_and_skip_bad_imports_the_rest(sqlite_store, small_cuad, capsys):
    (small_cuad / "full_contract_txt" / SMALL_CUAD[1]).unlink()
    url = str(sqlite_store.engine.url)
    assert main(["annotate", "--db", url, "import-cuad", str(small_cuad)]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "cannot read" in err and "nothing imported" in err and "Traceback" not in err
    with sqlite_store.session() as session:
        assert session.exec(select(Contract)).all() == []
    assert main(["annotate", "--db", url, "import-cuad", str(small_cuad), "--skip-bad"]) == 0
    with sqlite_store.session() as session:
        assert len(session.exec(select(Contract)).all()) == len(SMALL_CUAD) - 1


def test_not_a_cuad_folder(sqlite_store, tmp_path, capsys):
    assert main(["annotate", "--db", str(sqlite_store.engine.url), "import-cuad", str(tmp_path)]) == 2
    assert "not a CUAD folder" in capsys.readouterr().err


def test_split_imports_one_side_of_the_evaluations_split(tmp_path, small_cuad, capsys):
    """`--split dev` takes exactly the contracts `eval run --split dev` scores on, `--split train` the rest,
    so a store built for training never holds a held-out contract."""
    from contracts.cuad_split import is_dev

    dev = {n for n in SMALL_CUAD if is_dev(n)}
    assert dev and dev != set(SMALL_CUAD)  # the fixture has both sides, so the test can tell them apart
    names = {}
    for side in ("train", "dev"):
        url = f"sqlite:///{tmp_path / side}.db"
        assert main(["annotate", "--db", url, "import-cuad", str(small_cuad), "--split", side]) == 0
        with Store(url).session() as session:
            names[side] = {c.name for c in session.exec(select(Contract))}
    assert names["dev"] == dev
    assert names["train"] == set(SMALL_CUAD) - dev
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["annotate", "--db", f"sqlite:///{tmp_path / 'x.db'}", "import-cuad", str(small_cuad), "--split", "test"])
    assert "invalid choice: 'test'" in capsys.readouterr().err


def test_a_spans_file_that_is_not_utf8_is_named(tmp_path):
    """Its lines are decoded as the file is iterated, outside each record's check: a UnicodeDecodeError escaped."""
    from contracts.cuad import CuadError, read_spans

    (tmp_path / "cuad_spans.jsonl").write_bytes(b'{"pdf_filename": "a.pdf"}\n\xff\xfe\n')
    with pytest.raises(CuadError, match=r"cuad_spans.jsonl: not UTF-8 text"):
        list(read_spans(tmp_path))
