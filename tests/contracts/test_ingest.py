from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from contracts.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    MissingFileError,
    NeedsOCRError,
    TooLargeError,
    UnsupportedTypeError,
)
from contracts.ingest import load_bytes, load_document
from contracts.pdf_text import extract_pages
from contracts.textnorm import normalize_text
from eval.extraction import cuad_pdf_pairs, word_similarity
from tests.conftest import SAMPLE_PDF, SAMPLE_TXT


def test_sample_pdf_reads_like_its_source_text():
    document = load_document(SAMPLE_PDF)
    assert document.source_type == "pdf"
    assert len(document.pages) == 2
    assert word_similarity(document.text, SAMPLE_TXT.read_text("utf-8")) > 0.98
    assert document.pages[0].start == 0 and document.pages[-1].end == len(document.text)
    second_page_offset = document.pages[1].start + 5
    assert document.page_of(second_page_offset) == 2
    assert document.page_of(0) == 1


def test_sha256_is_of_the_source_bytes():
    import hashlib

    document = load_document(SAMPLE_PDF)
    assert document.sha256 == hashlib.sha256(SAMPLE_PDF.read_bytes()).hexdigest()


@pytest.mark.cuad
@pytest.mark.slow
def test_cuad_pdfs_match_cuads_own_text(cuad_dir):
    """Every CUAD PDF whose text CUAD ships reads back with >= 0.98 word similarity (measured: mean
    1.000, min 0.996 with pypdf; see eval/results/pdf_extractors.json)."""
    pairs = cuad_pdf_pairs(cuad_dir)
    assert len(pairs) == 39
    scores = {}
    for pair in pairs:
        text = normalize_text("\n\n".join(extract_pages(pair.pdf.read_bytes(), pair.pdf.name)))
        scores[pair.pdf.name] = word_similarity(text, pair.txt.read_text("utf-8"))
    worst = min(scores, key=scores.get)
    assert scores[worst] >= 0.98, (worst, scores[worst])
    assert sum(scores.values()) / len(scores) >= 0.995


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_keeps_list_numbers_tables_headers_and_page_breaks():
    def build(d):
        d.sections[0].header.paragraphs[0].text = "CONFIDENTIAL"
        d.sections[0].footer.paragraphs[0].text = "Page footer text"
        d.add_paragraph("SUPPLY AGREEMENT")
        d.add_paragraph("Term", style="List Number")
        d.add_paragraph("Termination", style="List Number")
        table = d.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Fee", "Amount"
        table.cell(1, 0).text, table.cell(1, 1).text = "Setup", "$5,000"
        d.add_page_break()
        d.add_paragraph("Signature page")

    document = load_bytes(_docx_bytes(build), "supply.docx")
    assert document.source_type == "docx"
    assert len(document.pages) == 2
    text = document.text
    assert text.startswith("CONFIDENTIAL")
    assert "1. Term" in text and "2. Termination" in text
    assert "Fee | Amount" in text and "Setup | $5,000" in text
    assert text.index("SUPPLY AGREEMENT") < text.index("1. Term") < text.index("Fee | Amount")
    assert text.rstrip().endswith("Page footer text")
    assert document.page_of(text.index("Signature page")) == 2


def test_txt_encodings_are_detected():
    source = "Licensee shall pay the “Royalty” to Café Société within 30 days.\nSection 2. Term."
    for encoding in ("utf-8", "utf-16", "cp1252"):
        document = load_bytes(source.encode(encoding), f"notes-{encoding}.txt")
        assert "“Royalty”" in document.text and "Café Société" in document.text, encoding


def test_text_is_normalised_but_quotes_are_kept():
    document = load_bytes("A\u00a0 clause\r\n\r\n\r\n\r\nwith “quotes”\t \n".encode(), "a.txt")
    assert document.text == "A clause\n\nwith “quotes”"


def _pdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_is_refused_clearly():
    writer = PdfWriter(clone_from=PdfReader(SAMPLE_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with pytest.raises(EncryptedFileError, match="password"):
        load_bytes(_pdf_bytes(writer), "locked.pdf")


def test_pdf_with_empty_user_password_is_read():
    writer = PdfWriter(clone_from=PdfReader(SAMPLE_PDF))
    writer.encrypt(user_password="", owner_password="owner")
    assert "MASTER SERVICES AGREEMENT" in load_bytes(_pdf_bytes(writer), "owner-locked.pdf").text


def test_scanned_pdf_says_ocr_is_needed():
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=612, height=792)
    with pytest.raises(NeedsOCRError, match="needs OCR"):
        load_bytes(_pdf_bytes(writer), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "broken.pdf", CorruptFileError),
        (b"hello, not a pdf at all", "fake.pdf", CorruptFileError),
        (b"PK\x03\x04 not really a zip", "broken.docx", CorruptFileError),
        (b"", "empty.txt", EmptyFileError),
        (b"   \n\n  ", "blank.txt", EmptyFileError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.png", UnsupportedTypeError),
        (b"\x00\x01\x02binary", "data.txt", UnsupportedTypeError),
        (b"some text", "contract.doc", UnsupportedTypeError),
    ],
)
def test_bad_bytes_get_a_named_error(data, name, error):
    with pytest.raises(error) as info:
        load_bytes(data, name)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and "\n" not in message


def test_size_limit_and_missing_file(tmp_path: Path):
    with pytest.raises(TooLargeError, match="limit"):
        load_document(SAMPLE_PDF, max_bytes=1000)
    with pytest.raises(TooLargeError, match="more than 1 page, the limit"):
        load_document(SAMPLE_PDF, max_pages=1)
    with pytest.raises(MissingFileError, match="no such file"):
        load_document(tmp_path / "nope.pdf")
    with pytest.raises(MissingFileError, match="not a file"):
        load_document(tmp_path)


def test_page_of_follows_a_copy_that_has_other_pages() -> None:
    from contracts.documents import Document

    doc = Document.from_pages("x", ["aaa", "bbb", "ccc"], source_type="pdf", sha256="0")
    assert [doc.page_of(i) for i in (0, 4, 5, 12)] == [1, 1, 2, 3]
    other = Document.from_pages("x", ["aaaaaaaa", "bbbbb"], source_type="pdf", sha256="0")
    copy = doc.model_copy(update={"pages": other.pages, "text": other.text})
    assert [copy.page_of(i) for i in (9, 10, 14)] == [1, 2, 2]
    assert doc == Document.from_pages("x", ["aaa", "bbb", "ccc"], source_type="pdf", sha256="0")
