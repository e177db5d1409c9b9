"""Text past a sane size for a contract is refused early (issue 29): a text file, a DOCX and a PDF page that
unpacks to megabytes; filenames are made safe without being cut; user messages name no Python exception."""

from __future__ import annotations

import time
import zlib

import pytest

from contracts.errors import CorruptFileError, TextTooLongError, TooComplexError
from contracts.filenames import safe_name
from contracts.ingest import load_bytes
from contracts.limits import MIB, IngestLimits
from lexrisk.testing import hostile_files as hostile
from tests.conftest import SAMPLE_DOCX, SAMPLE_TXT

LINE = b"BT /F1 12 Tf 72 700 Td (The Supplier shall indemnify the Customer against all claims.) Tj ET\n"


def test_the_default_limit_is_far_beyond_cuads_longest_contract(cuad_dir) -> None:
    """The limit is set with a margin over CUAD's longest text: every CUAD contract passes it five times over."""
    from contracts.textnorm import normalize_text

    longest = max(len(normalize_text(p.read_text("utf-8", errors="replace")))
                  for p in (cuad_dir / "full_contract_txt").glob("*.txt"))
    assert 5 * longest < IngestLimits().max_text_chars


@pytest.mark.parametrize("data", [b"(a) x\n" * 400_000, b"lorem ipsum " * 200_000,
                                  ("The Supplier shall indemnify the Customer. " * 60_000).encode()])
def test_text_past_the_limit_is_refused_before_its_clean_up(data: bytes) -> None:
    limits = IngestLimits(max_text_chars=1_000_000)
    started = time.perf_counter()
    with pytest.raises(TextTooLongError, match=r"the limit is 1,000,000 \(far beyond any contract\)") as info:
        load_bytes(data, "long.txt", limits=limits)
    assert info.value.code == "text_too_long" and time.perf_counter() - started < 5
    assert load_bytes(data[:500_000], "short.txt", limits=limits).text  # under the limit: read


def test_a_docx_past_the_limit_is_refused() -> None:
    body = hostile.paragraph("The Supplier shall indemnify the Customer. " * 50) * 400  # about 860,000 chars
    data = hostile.with_body(SAMPLE_DOCX.read_bytes(), body)
    with pytest.raises(TextTooLongError, match="more than"):
        load_bytes(data, "long.docx", limits=IngestLimits(max_text_chars=500_000))
    assert load_bytes(data, "long.docx", limits=IngestLimits(max_text_chars=2_000_000)).text


def test_a_pdf_page_that_unpacks_to_megabytes_is_refused_before_its_text_is_extracted() -> None:
    """60 KB of PDF whose one page unpacks to 18 MB of text operators: refused in about a second, where
    extracting it took a minute."""
    data = hostile.raw_pdf(zlib.compress(LINE * 200_000, 9), filters="/Filter /FlateDecode")
    assert len(data) < 100_000
    started = time.perf_counter()
    with pytest.raises(TooComplexError, match=r"a page of the PDF unpacks to 17\.7 MiB of content; the limit is 1\.0"):
        load_bytes(data, "page.pdf")
    assert time.perf_counter() - started < 10


def test_pdf_text_is_counted_page_by_page() -> None:
    data = hostile.raw_pdf(zlib.compress(LINE * 2_000, 9), filters="/Filter /FlateDecode")  # about 120,000 chars
    with pytest.raises(TextTooLongError, match="more than"):
        load_bytes(data, "page.pdf", limits=IngestLimits(max_text_chars=50_000))
    assert load_bytes(data, "page.pdf", limits=IngestLimits(max_pdf_page_bytes=MIB)).text


@pytest.mark.parametrize("data", [
    hostile.raw_pdf(b"BT ET").replace(b"/Pages 2 0 R", b"/Pagez 2 0 R"),  # a catalog without /Pages
    hostile.raw_pdf(b"BT ET").replace(b"/Kids [3 0 R]", b"/Kids [9 0 R]"),  # a kid that names nothing
    hostile.raw_pdf(b"BT ET").replace(b"/Kids [3 0 R]", b"/Kids 5"),  # kids that are not a list
])
def test_damaged_page_trees_are_damaged_pdfs_without_exception_names(data: bytes) -> None:
    """These raised KeyError, AttributeError and TypeError in our page-tree walk, shown to users as
    "(AttributeError)"."""
    with pytest.raises(CorruptFileError) as info:
        load_bytes(data, "tree.pdf")
    assert "Error" not in str(info.value) and "(" not in str(info.value)


def test_refusals_name_no_python_exception() -> None:
    """Mutated PDFs through the reader: no message names an exception class."""
    import random

    seed = hostile.raw_pdf(b"BT /F1 12 Tf 72 700 Td (The Supplier shall deliver.) Tj ET")
    rng = random.Random(3)
    for _ in range(200):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            load_bytes(bytes(data), "m.pdf")
        except Exception as exc:
            assert not any(word.strip("()").endswith(("Error", "Exception")) for word in str(exc).split()), str(exc)


def test_filenames_are_made_safe_without_being_cut() -> None:
    assert safe_name("…A0<b>x</b>.txt") == "…A0<b>x<_b>.txt"
    assert safe_name("2024/MSA v3.pdf") == "2024_MSA v3.pdf" and safe_name("a\\b.txt") == "a_b.txt"
    assert safe_name("bad\x00\x1b[31mname.txt") == "bad[31mname.txt" and safe_name("..") == "upload"
    long = safe_name("x" * 1000 + ".pdf")
    assert len(long) == 255 and long.endswith("x.pdf") and "…" in long
    document = load_bytes(SAMPLE_TXT.read_bytes(), "…A0<b>x</b>.txt")
    assert document.name == "…A0<b>x<_b>.txt"


@pytest.mark.parametrize(("given", "shown"), [
    ("MSA\tv2.docx", "MSA v2.docx"), ("MSA\r\nv2.docx", "MSA v2.docx"), ("MSA \t\n v2.docx", "MSA v2.docx"),
    ("a\x0bb\x0cc\x85d\x1fe\u2028f.txt", "a b c d e f.txt"),  # VT, FF, NEL, unit separator, line separator
    ("a\t\u202e\tb.txt", "a b.txt"), ("MSA\u202ev2\u200b\u2066.docx", "MSAv2.docx"),  # format characters go
    ("\tMSA.docx\n", "MSA.docx"), ("\t\u202e\r\n", "upload"),
])
def test_white_space_control_characters_separate_words(given: str, shown: str) -> None:
    """A tab or line break was dropped with the other control characters, gluing the words it separated."""
    assert safe_name(given) == shown
