"""The one reader of CUAD's folder: its records on the real data, its errors, and that no other product
module opens CUAD's files itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contracts import cuad

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ["contracts", "analyzers", "annotation", "training", "eval", "serving", "ui", "lexrisk"]


@pytest.mark.cuad
def test_spans_master_rows_and_texts_agree_on_the_real_folder(cuad_dir: Path) -> None:
    folder = cuad_dir
    texts = {p.name for p in cuad.text_files(folder)}
    spans = list(cuad.read_spans(folder))
    assert len(texts) == 408
    assert {s.contract_txt for s in spans} <= texts
    assert all(len(s.parts) == len(s.offsets) for s in spans)
    rows = list(cuad.read_master(folder / cuad.CLAUSES_FILE))
    assert len(rows) == len(texts)
    assert all("Governing Law" in row.answers and "Governing Law" in row.cells for row in rows)
    with_law = [row for row in rows if cuad.excerpts(row.cells["Governing Law"])]
    assert with_law and all(row.answers["Governing Law"].strip() for row in with_law[:50])


def test_a_folder_that_is_not_cuad_is_one_error_naming_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(cuad.CuadError, match="CUAD folder not found"):
        cuad.check_folder(tmp_path / "nowhere")
    with pytest.raises(cuad.CuadError, match=r"it has no cuad_spans\.jsonl"):
        cuad.check_folder(tmp_path)
    (tmp_path / cuad.CLAUSES_FILE).write_text("Name,Parties\nx,[]\n")
    with pytest.raises(cuad.CuadError, match="no 'Filename' column"):
        list(cuad.read_master(tmp_path / cuad.CLAUSES_FILE))
    (tmp_path / cuad.SPANS_FILE).write_text('{"pdf_filename": "a.pdf"}\n')
    with pytest.raises(cuad.CuadError, match=r"cuad_spans.jsonl:1: not a CUAD span record"):
        list(cuad.read_spans(tmp_path))


def test_excerpt_cells_are_read_as_cuad_writes_them() -> None:
    assert cuad.excerpts("") == []
    assert cuad.excerpts("['a', \"b\"]") == ["a", "b"]
    with pytest.raises(ValueError, match="not a list of excerpts"):
        cuad.excerpts("[unclosed")
    with pytest.raises(ValueError, match="not a list of strings"):
        cuad.excerpts("[1, 2]")


def test_no_other_product_module_names_cuad_files() -> None:
    """Only contracts/cuad.py spells CUAD's file names in code (docstrings and help texts may name them)."""
    pattern = re.compile(r"""["'](full_contract_txt|full_contract_pdf|cuad_spans\.jsonl|master_clauses\.csv)["']""")
    offenders = [str(path.relative_to(REPO)) for package in PRODUCT for path in (REPO / package).rglob("*.py")
                 if path != REPO / "contracts" / "cuad.py" and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
