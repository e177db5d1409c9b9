"""Reading a CUAD-layout gold folder: spans from cuad_spans.jsonl or, without it, found in the text from
master_clauses.csv; PDFs through ingestion with the spans placed again in the extracted text."""

import csv
import json

import pytest

from contracts.cuad_split import is_dev
from contracts.ingest import load_document
from eval.gold import GoldError, cuad_entries, read_cuad_contract
from tests.eval.fakes import ASSIGN, CAP, CONTRACTS, write_cuad


def test_spans_file_gives_offsets_in_the_ingested_text(tmp_path):
    folder = write_cuad(tmp_path / "cuad")
    entries = cuad_entries(folder)
    assert [e.name for e in entries] == ["alpha.txt", "beta.txt", "gamma.txt"]
    alpha = read_cuad_contract(entries[0], load_document)
    spans = {s.category: s for s in alpha.spans}
    assert alpha.document.text[spans["Cap on Liability"].start:spans["Cap on Liability"].end] == CAP
    assert set(spans) == {"Anti-Assignment", "Cap on Liability", "Governing Law"}


def test_master_clauses_without_spans_are_found_in_the_text(tmp_path):
    folder = write_cuad(tmp_path / "cuad")
    (folder / "cuad_spans.jsonl").unlink()
    with (folder / "master_clauses.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Filename", "Anti-Assignment", "Anti-Assignment-Answer", "Cap On Liability"])
        writer.writerow(["alpha.pdf", json.dumps([ASSIGN]).replace('"', "'"), "Yes", "[]"])
    alpha = read_cuad_contract(cuad_entries(folder, names=["alpha.txt"])[0], load_document)
    assert [(s.category, s.start) for s in alpha.spans] == [("Anti-Assignment", 0)]


def test_pdfs_are_ingested_and_spans_placed_again(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    folder = write_cuad(tmp_path / "cuad")
    (folder / "full_contract_pdf").mkdir()
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, CONTRACTS["alpha.txt"][0])
    pdf.output(str(folder / "full_contract_pdf" / "alpha.pdf"))
    [entry] = cuad_entries(folder, source="pdf")
    assert entry.name == "alpha.txt"  # keyed by CUAD's text name, from cuad_spans.jsonl
    contract = read_cuad_contract(entry, load_document)
    assert contract.document.source_type == "pdf"
    cap = next(s for s in contract.spans if s.category == "Cap on Liability")
    assert cap.start is not None and "fees paid" in contract.document.text[cap.start:cap.end]


def test_bad_folders_and_names_are_clear_errors(tmp_path):
    with pytest.raises(GoldError, match="not found"):
        cuad_entries(tmp_path / "missing")
    (tmp_path / "empty" / "full_contract_txt").mkdir(parents=True)
    with pytest.raises(GoldError, match=r"neither cuad_spans\.jsonl nor master_clauses\.csv"):
        cuad_entries(tmp_path / "empty")
    folder = write_cuad(tmp_path / "cuad")
    with pytest.raises(GoldError, match="not in"):
        cuad_entries(folder, names=["nope.txt"])


def test_dev_split_is_the_baselines():
    from training.baseline.corpus import is_dev as baseline_is_dev

    assert baseline_is_dev is is_dev
