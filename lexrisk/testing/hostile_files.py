"""Builders of hostile DOCX and PDF bytes: the shapes of attack the ingest guards must refuse (issue #11).

Shared by the guards' tests (tests/contracts/test_ingest_guards.py) and the fuzz benchmark
(benchmarks/fuzz_ingest.py), which may not import tests, so that both attack the same file shapes. Standard
library only: nothing here parses, it only writes bytes, and nothing in the product calls it.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOC_XML = "word/document.xml"


def zip_members(data: bytes) -> dict[str, bytes]:
    """Every member of a zip (a DOCX), by name, to be edited and zipped again."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def paragraph(text: str, ppr: str = "") -> str:
    """One WordprocessingML paragraph of one run, with optional paragraph properties."""
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}<w:r><w:t>{text}</w:t></w:r></w:p>"


def with_body(base: bytes, body_xml: str, **parts: bytes) -> bytes:
    """`base` (a DOCX) with its document.xml replaced by a body of `body_xml`, and `parts` added or replaced."""
    members = zip_members(base)
    members[DOC_XML] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body_xml}</w:body></w:document>'
                        ).encode()
    members.update(parts)
    return make_zip(members)


def streamed_member_docx(base: bytes, head: bytes, chunk: bytes, total: int, tail: bytes) -> bytes:
    """`base` whose document.xml is `head`, about `total` bytes of `chunk` and `tail`, deflated as it is written:
    a zip bomb of a few MB that inflates to `total`, built without holding `total` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in zip_members(base).items():
            if name != DOC_XML:
                archive.writestr(name, body)
        with archive.open(DOC_XML, "w", force_zip64=True) as out:
            out.write(head)
            for _ in range(total // len(chunk)):
                out.write(chunk)
            out.write(tail)
    return buffer.getvalue()


def patch_zip_headers(data: bytes, local_at: int, central_at: int, value: Callable[[int], int]) -> bytes:
    """Rewrite one 16-bit field of every member's local header (at `local_at`) and central-directory entry (at
    `central_at`): 6/8 is the flags word (bit 0: encrypted), 8/10 the compression method."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", local_at), (b"PK\x01\x02", central_at)):
        for match in re.finditer(re.escape(signature), data):
            at = match.start() + offset
            if at + 2 <= len(out):
                struct.pack_into("<H", out, at, value(struct.unpack_from("<H", data, at)[0]) & 0xFFFF)
    return bytes(out)


def raw_pdf(content: bytes, *, filters: str = "", startxref: bytes | None = None, count: int = 1) -> bytes:
    """A one-page PDF with `content` as its page's content stream and a correct xref table, written by hand so
    that the stream's filters, the trailer's startxref and the page tree's /Count can lie."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d %s >>\nstream\n" % (len(content), filters.encode()) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n" % (len(objects) + 1)
    out += startxref if startxref is not None else b"%d" % xref
    return bytes(out + b"\n%%EOF\n")
