"""Hostile files, built here, each refused with a named error or read within bounded time and memory.
Every case escaped as a traceback, a hang or gigabytes of memory before the guards (issue #11)."""

from __future__ import annotations

import io
import random
import re
import time
import tracemalloc
import zipfile
import zlib

import docx
import pytest
from pypdf import PdfWriter

from contracts.errors import (
    CorruptFileError,
    EncryptedFileError,
    TooComplexError,
    TooLargeError,
    TooManyPagesError,
    UnsupportedTypeError,
)
from contracts.ingest import load_bytes
from contracts.limits import MIB, IngestLimits
from contracts.textnorm import normalize_text
from lexrisk.testing.hostile_files import (
    DOC_XML,
    W_NS,
    make_zip,
    paragraph,
    patch_zip_headers,
    raw_pdf,
    streamed_member_docx,
    with_body,
    zip_members,
)


def _base_docx(build=None) -> bytes:
    document = docx.Document()
    document.add_paragraph("MASTER AGREEMENT")
    if build:
        build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bounded(call, *, seconds: float = 10.0, peak_mib: float = 200.0):
    """Run `call`, asserting it ends within `seconds` and allocates under `peak_mib` of Python memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        return call()
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert elapsed < seconds, f"took {elapsed:.1f} s"
        assert peak < peak_mib * MIB, f"peak {peak / MIB:.0f} MiB"


# -- DOCX: the container ----------------------------------------------------------------------------------

def test_a_zip_bomb_of_valid_paragraphs_is_refused_before_parsing():
    """A small DOCX whose document.xml inflates to 300 MB took 3.7 GB and 300 s; now refused while unpacking."""
    data = streamed_member_docx(_base_docx(), f'<w:document xmlns:w="{W_NS}"><w:body>'.encode(),
                                (paragraph("The Supplier shall deliver the Products.") * 20_000).encode(), 300 * MIB,
                                b"</w:body></w:document>")
    assert len(data) < 2 * MIB
    with pytest.raises(TooLargeError) as info:  # too_complex (ratio) or too_large (size), before any parse
        _bounded(lambda: load_bytes(data, "bomb.docx"), peak_mib=64)
    assert info.value.code in ("too_complex", "too_large")


def test_one_huge_text_node_is_refused_by_the_xml_size_limit():
    body = "<w:p><w:r><w:t>" + "x" * (3 * MIB) + "</w:t></w:r></w:p>"
    limits = IngestLimits(max_xml_bytes=2 * MIB, max_zip_ratio=10_000)
    with pytest.raises(TooLargeError, match=r"more than 2\.0 MiB of XML"):
        load_bytes(with_body(_base_docx(), body), "node.docx", limits=limits)


def test_declared_unpacked_size_is_checked_before_unpacking():
    members = zip_members(_base_docx())
    members["word/media/blob.bin"] = bytes(range(256)) * 4096  # 1 MiB
    limits = IngestLimits(max_unpacked_bytes=512 * 1024)
    with pytest.raises(TooLargeError, match=r"unpacks to 1\.\d MiB; the limit is 0\.5 MiB"):
        load_bytes(make_zip(members), "big.docx", limits=limits)


def test_a_zip_of_thousands_of_members_is_refused_from_its_end_record():
    members = zip_members(_base_docx())
    members.update({f"junk/{i}.txt": b"" for i in range(3000)})
    with pytest.raises(TooComplexError, match=r"3\d{3} parts; the limit is 2000"):
        load_bytes(make_zip(members, zipfile.ZIP_STORED), "many.docx")


def test_an_xml_entity_bomb_is_refused():
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">{laughs}]>'
           f'<w:document xmlns:w="{W_NS}"><w:body>{paragraph("&l9;")}</w:body></w:document>')
    members = zip_members(_base_docx())
    members[DOC_XML] = xml.encode()
    with pytest.raises(TooComplexError, match="DTD"):
        load_bytes(make_zip(members), "laughs.docx")


def test_zip_level_damage_gets_named_errors():
    base = _base_docx()
    with pytest.raises(EncryptedFileError, match="password"):
        load_bytes(patch_zip_headers(base, 6, 8, lambda v: v | 0x1), "flagged.docx")  # was RuntimeError from zipfile
    with pytest.raises(CorruptFileError, match="unsupported compression method"):
        load_bytes(patch_zip_headers(base, 8, 10, lambda v: 98), "ppmd.docx")  # was NotImplementedError
    members = zip_members(base)
    raw = make_zip(members)
    start = raw.index(b"word/document.xml") + len("word/document.xml")
    flipped = raw[:start + 40] + bytes(b ^ 0xFF for b in raw[start + 40:start + 80]) + raw[start + 80:]
    with pytest.raises(CorruptFileError):
        load_bytes(flipped, "flipped.docx")  # was zlib.error


@pytest.mark.parametrize("part", ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"])
def test_garbage_package_parts_are_corrupt_files(part):
    members = zip_members(_base_docx())
    for garbage in (b"<Types/>", b"not xml at all <<<", b"<a>" * 300 + b"</a>" * 300):
        members[part] = garbage
        with pytest.raises(CorruptFileError):
            load_bytes(make_zip(members), "garbage.docx")


def test_a_document_without_a_body_is_a_corrupt_file():
    members = zip_members(_base_docx())
    members[DOC_XML] = f'<w:document xmlns:w="{W_NS}"/>'.encode()
    with pytest.raises(CorruptFileError, match="no document body"):
        load_bytes(make_zip(members), "nobody.docx")  # was AttributeError


# -- DOCX: the content ------------------------------------------------------------------------------------

NUMBERING = (f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="1">'
             '<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
             '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
             '<w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num></w:numbering>')


def _with_numbering(body: str, *, start: str = "1", ilvl: str = "0", fmt: str = "decimal", styles: bytes | None = None) -> bytes:
    members = zip_members(_base_docx(lambda d: d.add_paragraph("x", style="List Number")))
    members["word/numbering.xml"] = NUMBERING.format(ilvl=ilvl, start=start, fmt=fmt).encode()
    members[DOC_XML] = (f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>').encode()
    if styles is not None:
        members["word/styles.xml"] = styles
    return make_zip(members)


def test_a_huge_roman_list_start_is_clamped_not_looped():
    """w:start of 10^11 in lowerRoman: `_roman()` looped 10^8 times."""
    data = _with_numbering(paragraph("Term", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr>'),
                           start="100000000000", fmt="lowerRoman")
    text = _bounded(lambda: load_bytes(data, "roman.docx").text, seconds=5)
    assert "32767. Term" in text


@pytest.mark.parametrize(("start", "ilvl", "num_id"), [("x", "0", "7"), ("1", "one", "7"), ("1", "0", "seven")])
def test_non_numeric_numbering_attributes_do_not_stop_reading(start, ilvl, num_id):
    """int() on "x" in w:start, w:ilvl or w:numId raised ValueError."""
    body = paragraph("Term", f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>') + paragraph("After")
    text = load_bytes(_with_numbering(body, start=start, ilvl=ilvl), "odd.docx").text
    assert "Term" in text and "After" in text


def test_a_style_based_on_itself_does_not_loop():
    styles = (f'<w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="Loop">'
              '<w:name w:val="Loop"/><w:basedOn w:val="Loop"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/></w:style></w:styles>').encode()
    body = paragraph("Looped", '<w:pStyle w:val="Loop"/>') + paragraph("Cycled", '<w:pStyle w:val="A"/>')
    text = _bounded(lambda: load_bytes(_with_numbering(body, styles=styles), "loop.docx").text, seconds=5)
    assert "Looped" in text and "Cycled" in text


def test_huge_grid_span_and_bad_merges_are_read_as_stored():
    """gridSpan of 10^8 made python-docx build 10^8 cells; vMerge without an origin raised."""
    table = ('<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr>' + paragraph("Fee") + "</w:tc>"
             '<w:tc><w:tcPr><w:gridSpan w:val="many"/><w:vMerge/></w:tcPr>' + paragraph("$5") + "</w:tc></w:tr>"
             '<w:tr><w:tc><w:tcPr><w:vMerge w:val="continue"/></w:tcPr>' + paragraph("") + "</w:tc></w:tr></w:tbl>")
    text = _bounded(lambda: load_bytes(with_body(_base_docx(), table), "span.docx").text, seconds=5)
    assert "Fee | $5" in text


def test_missing_external_or_wrong_type_relationships_are_skipped():
    members = zip_members(_base_docx())
    members[DOC_XML] = (f'<w:document xmlns:w="{W_NS}" '
                        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
                        + paragraph("Body text") + '<w:sectPr><w:headerReference w:type="default" r:id="rIdMissing"/>'
                        '<w:footerReference w:type="default" r:id="rIdStyles"/></w:sectPr></w:body></w:document>').encode()
    rels = members["word/_rels/document.xml.rels"].decode()
    rels = re.sub(r'Id="(\w+)" Type="([^"]+/styles)" Target="styles.xml"',
                  r'Id="rIdStyles" Type="\2" Target="http://example.com/styles.xml" TargetMode="External"', rels)
    members["word/_rels/document.xml.rels"] = rels.encode()
    assert "TargetMode" in rels
    assert load_bytes(make_zip(members), "rels.docx").text == "Body text"


# -- PDF --------------------------------------------------------------------------------------------------

def _pdf(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_10000_page_pdf_is_refused_from_its_page_tree():
    writer = PdfWriter()
    for _ in range(10_000):
        writer.add_blank_page(width=612, height=792)
    data = _pdf(writer)
    with pytest.raises(TooManyPagesError, match="more than 500 pages, the limit") as info:
        _bounded(lambda: load_bytes(data, "long.pdf"), seconds=10)
    assert info.value.code == "too_many_pages"


def test_the_max_pages_setting_is_honoured(monkeypatch):
    """LEXRISK_MAX_PAGES was ignored by load_bytes, which used its own default of 500."""
    from contracts.settings import clear_settings

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=612, height=792)
    monkeypatch.setenv("LEXRISK_MAX_PAGES", "2")
    clear_settings()
    try:
        with pytest.raises(TooManyPagesError):
            load_bytes(_pdf(writer), "three.pdf")
    finally:
        clear_settings()


TEXT = b"BT /F1 12 Tf 72 700 Td (The Supplier shall deliver the Products on time.) Tj ET"


def test_the_raw_pdf_builder_makes_a_readable_pdf():
    assert "The Supplier shall deliver" in load_bytes(raw_pdf(TEXT), "ok.pdf").text


@pytest.mark.parametrize(("what", "data"), [
    ("deeply nested operands (RecursionError)", lambda: raw_pdf(b"[" * 5000 + b"]" * 5000 + b" " + TEXT)),
    ("a decompression bomb (pypdf's LimitReachedError)",
     lambda: raw_pdf(zlib.compress(b" " * (100 * MIB), 9), filters="/Filter /FlateDecode")),
    ("a huge startxref (OverflowError)", lambda: raw_pdf(TEXT, startxref=b"9" * 40)),
])
def test_parser_failures_are_corrupt_files_not_tracebacks(what, data):
    try:
        document = _bounded(lambda: load_bytes(data(), "hostile.pdf"), seconds=20, peak_mib=600)
    except (CorruptFileError, TooLargeError):
        return
    assert document.text  # pypdf recovered (it rebuilds a bad xref): reading it is fine too


def test_an_unknown_filter_is_damage_not_encryption():
    """NotImplementedError from an unknown filter was reported as `encrypted_file`."""
    with pytest.raises(CorruptFileError):
        load_bytes(raw_pdf(TEXT, filters="/Filter /NoSuchDecode"), "filter.pdf")


# -- text -------------------------------------------------------------------------------------------------

SOURCE = "Licensee shall pay the Royalty within thirty days.\nSection 2. Term.\n" * 20


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_a_bom_are_read(encoding):
    assert load_bytes(SOURCE.encode(encoding), "wide.txt").text.startswith("Licensee shall pay")


def test_a_stray_nul_byte_does_not_make_text_binary():
    data = SOURCE.encode()
    assert load_bytes(data[:50] + b"\x00" + data[50:], "nul.txt").text.startswith("Licensee shall pay")


@pytest.mark.parametrize(("data", "what"), [
    (random.Random(3).randbytes(20_000).replace(b"\x00", b"\x01"), "binary"),  # no NUL to give it away
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 20, "JPEG"),
    (b"<!DOCTYPE html><html><body><p>An agreement</p></body></html>", "HTML"),
])
def test_binary_images_and_html_named_txt_are_refused(data, what):
    with pytest.raises(UnsupportedTypeError, match=what):
        load_bytes(data, "renamed.txt")


def test_long_runs_of_combining_marks_normalise_in_linear_time():
    """NFC sorts a run of combining marks by insertion: 80,000 marks took 10 s."""
    text = "a" + "\u0301\u0316" * 40_000
    started = time.process_time()
    out = normalize_text(text)
    assert time.process_time() - started < 1.0
    marks = out.replace("\u034f", "")  # the grapheme joiners the stream-safe format inserts
    assert marks[0] == "\u00e1" and marks.count("\u0316") == 40_000 and marks.count("\u0301") == 39_999


def test_size_messages_use_one_unit():
    with pytest.raises(TooLargeError, match=r"the file is 1\.0 MiB; the limit is 0\.5 MiB"):
        load_bytes(b"x" * MIB, "big.txt", max_bytes=MIB // 2)


def test_a_page_count_the_tree_does_not_hold_is_not_believed():
    """/Count 10^12 on a one-page PDF: the pages are counted, not read from the claim."""
    assert "The Supplier shall deliver" in load_bytes(raw_pdf(TEXT).replace(b"/Count 1", b"/Count 1000000000000"),
                                                      "claim.pdf").text


def test_a_page_tree_with_a_cycle_is_refused():
    data = raw_pdf(TEXT).replace(b"/Kids [3 0 R]", b"/Kids [3 0 R 2 0 R]")
    with pytest.raises(CorruptFileError, match="cycle"):
        load_bytes(data, "cycle.pdf")
