"""File -> Document. The only entry point through which contract bytes enter lexrisk."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path

from contracts.documents import Document, SourceType
from contracts.errors import (
    CorruptFileError,
    EmptyFileError,
    MissingFileError,
    TooLargeError,
    UnsupportedTypeError,
)
from contracts.textnorm import normalize_text

SUPPORTED_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".md": "txt"}
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_PAGES = 500


def sniff_type(data: bytes, name: str) -> SourceType:
    """The file's real type from its bytes, falling back on the suffix only for plain text.

    Trusting suffixes alone would send a renamed image to the text decoder."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            if suffix == ".docx":
                raise CorruptFileError(name, "the DOCX is damaged and cannot be read (bad zip archive)") from None
        raise UnsupportedTypeError(name, "a zip archive that is not a Word document; upload PDF, DOCX or TXT")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and suffix == ".docx":
        return "docx"  # an encrypted DOCX is an OLE container; the DOCX reader says so
    if suffix == ".pdf":
        raise CorruptFileError(name, "the file is named .pdf but is not a PDF")
    if suffix == ".docx":
        raise CorruptFileError(name, "the file is named .docx but is not a Word document")
    if suffix in SUPPORTED_SUFFIXES:
        return "txt"
    shown = suffix or "no suffix"
    raise UnsupportedTypeError(name, f"unsupported file type ({shown}); upload PDF, DOCX or TXT")


def decode_text(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedTypeError(name, "the file is binary, not text; upload PDF, DOCX or TXT")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise CorruptFileError(name, "the text's encoding could not be detected")
    return str(best)


def load_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pages: int = DEFAULT_MAX_PAGES,
               pdf_extractor: str | None = None) -> Document:
    if len(data) > max_bytes:
        raise TooLargeError(name, f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB")
    if not data.strip():
        raise EmptyFileError(name, "the file is empty")
    kind = sniff_type(data, name)
    digest = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        from contracts.pdf_text import DEFAULT_EXTRACTOR, extract_pages

        pages = extract_pages(data, name, pdf_extractor or DEFAULT_EXTRACTOR)
    elif kind == "docx":
        from contracts.docx_text import extract_docx_pages

        pages = extract_docx_pages(data, name)
    else:
        pages = [decode_text(data, name)]
    if len(pages) > max_pages:
        raise TooLargeError(name, f"the document has {len(pages)} pages; the limit is {max_pages}")
    pages = [normalize_text(p) for p in pages]
    metadata: dict[str, str] = {}
    if kind == "docx":
        from contracts.docx_text import tracked_changes

        if tracked_changes(data):
            metadata["tracked_changes"] = "accepted"  # the text is the draft with every change accepted
    while len(pages) > 1 and not pages[-1]:
        pages.pop()
    if not any(pages):
        raise EmptyFileError(name, "the file has no text")
    document = Document.from_pages(Path(name).name, pages, source_type=kind, sha256=digest)
    return document.model_copy(update={"metadata": metadata}) if metadata else document


def load_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pages: int = DEFAULT_MAX_PAGES,
                  pdf_extractor: str | None = None) -> Document:
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(str(path), "no such file" if not path.exists() else "not a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise TooLargeError(str(path), f"the file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB")
    return load_bytes(path.read_bytes(), path.name, max_bytes=max_bytes, max_pages=max_pages,
                      pdf_extractor=pdf_extractor)
