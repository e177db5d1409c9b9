"""File -> Document. The only entry point through which contract bytes enter lexrisk.

Every file is judged as early and as cheaply as possible: its size, then its real type from its bytes,
then its container (zip records, the PDF page tree) before any parser builds text. The limits are one
`IngestLimits` (by default the process's settings). `serving/isolation.py` runs the same function in a
separate process under a time and memory budget, the backstop for whatever a parser still does wrong."""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

from contracts.documents import Document, SourceType
from contracts.errors import (
    CorruptFileError,
    EmptyFileError,
    IngestError,
    MissingFileError,
    TextTooLongError,
    TooLargeError,
    TooManyPagesError,
    UnsupportedTypeError,
)
from contracts.filenames import safe_name
from contracts.limits import IngestLimits, mib
from contracts.textnorm import normalize_text
from contracts.zipguard import check_member_count

SUPPORTED_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".md": "txt"}

# files that are not text whatever their name says (a renamed photo must not reach the text decoder)
_BINARY_SIGNATURES = {
    b"\xff\xd8\xff": "a JPEG image", b"\x89PNG\r\n\x1a\n": "a PNG image", b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image", b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image", b"\x1f\x8b": "a gzip archive",
    b"Rar!\x1a\x07": "a RAR archive", b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive", b"\x7fELF": "a program",
    b"{\\rtf": "an RTF document", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Office document (.doc)",
    b"RIFF": "a media file", b"OggS": "a media file", b"ID3": "an MP3 file", b"\x00\x00\x00\x18ftyp": "a video",
}
# more than this share of control characters (other than tab, line and page breaks) is not a document
_MAX_CONTROL_SHARE = 0.02
_SAMPLE = 64 * 1024


def sniff_type(data: bytes, name: str, limits: IngestLimits | None = None) -> SourceType:
    """The file's real type from its bytes, falling back on the suffix only for plain text.

    Trusting suffixes alone would send a renamed image to the text decoder."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK"):
        check_member_count(data, name, limits or IngestLimits())
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
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
        for signature, what in _BINARY_SIGNATURES.items():
            if data.startswith(signature):
                raise UnsupportedTypeError(name, f"the file is {what}, not text; upload PDF, DOCX or TXT")
        return "txt"
    shown = suffix or "no suffix"
    raise UnsupportedTypeError(name, f"unsupported file type ({shown}); upload PDF, DOCX or TXT")


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where the zero bytes fall: Latin text in
    UTF-16-LE has a zero in every odd byte, in UTF-32-LE in three bytes of four."""
    n = len(sample) - len(sample) % 4
    if n < 4:
        return None

    def zero_share(offset: int, step: int) -> float:
        column = sample[offset:n:step]
        return column.count(0) / max(len(column), 1)

    quads = [zero_share(i, 4) for i in range(4)]
    if min(quads[1:]) > 0.9 and quads[0] < 0.5:
        return "utf-32-le"
    if max(quads[:3]) > 0.9 and min(quads[:3]) > 0.9 and quads[3] < 0.5:
        return "utf-32-be"
    even, odd = zero_share(0, 2), zero_share(1, 2)
    if odd > 0.6 and even < 0.2:
        return "utf-16-le"
    if even > 0.6 and odd < 0.2:
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str) -> str:
    """Bytes of a text file -> str: BOM, then UTF-16/32 by their zero bytes, then UTF-8, then detection.
    What decodes to mostly control characters (random bytes, a renamed binary) is refused."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    sample = data[:_SAMPLE]
    if encoding is None and sample.count(0) > len(sample) // 10:
        encoding = _wide_encoding(sample)
        if encoding is None:
            raise UnsupportedTypeError(name, "the file is binary, not text; upload PDF, DOCX or TXT")
    text: str | None = None
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise CorruptFileError(name, f"the text is not valid {encoding.upper().replace('-SIG', '')}") from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            try:
                # the detector's last resort is "ascii" for bytes no encoding decodes: only a strict decode
                # in the detected encoding is text
                text = data.decode(best.encoding) if best is not None else None
            except (UnicodeDecodeError, LookupError):
                text = None
            if text is None:
                raise UnsupportedTypeError(name, "the file is binary, or text in an encoding that could not be "
                                                 "detected; upload PDF, DOCX or TXT (UTF-8)") from None
    _check_looks_like_text(text, name)
    return text


def _check_looks_like_text(text: str, name: str) -> None:
    head = text[:_SAMPLE]
    controls = sum(1 for c in head if c not in "\t\n\r\f" and unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn"))
    if controls > _MAX_CONTROL_SHARE * len(head):
        raise UnsupportedTypeError(name, "the file is binary, not text; upload PDF, DOCX or TXT")
    start = head.lstrip()[:512].lower()
    if start.startswith(("<!doctype html", "<html")) or "<html" in start[:200]:
        raise UnsupportedTypeError(name, "the file is an HTML page, not plain text; save it as PDF, DOCX or TXT")


def load_bytes(data: bytes, name: str, *, max_bytes: int | None = None, max_pages: int | None = None,
               pdf_extractor: str | None = None, limits: IngestLimits | None = None) -> Document:
    """Read a contract in this process, within `limits` (default: the settings'); `max_bytes` and
    `max_pages` override those two. Raises an IngestError subclass with a stable `code`."""
    limits = (limits or IngestLimits.current()).with_overrides(max_bytes=max_bytes, max_pages=max_pages)
    name = safe_name(name)
    if len(data) > limits.max_bytes:
        raise TooLargeError(name, f"the file is {mib(len(data))}; the limit is {mib(limits.max_bytes)}")
    if not data.strip():
        raise EmptyFileError(name, "the file is empty")
    kind = sniff_type(data, name, limits)
    digest = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        from contracts.pdf_text import DEFAULT_EXTRACTOR, extract_pages

        pages = extract_pages(data, name, pdf_extractor or DEFAULT_EXTRACTOR, max_pages=limits.max_pages,
                              max_chars=limits.max_text_chars, max_page_bytes=limits.max_pdf_page_bytes)
    elif kind == "docx":
        from contracts.docx_text import extract_docx_pages

        pages = extract_docx_pages(data, name, limits)
    else:
        if len(data) > 4 * limits.max_text_chars:  # no encoding takes more than 4 bytes a character
            raise TextTooLongError.of(name, len(data) // 4, limits.max_text_chars, "at least ")
        text = decode_text(data, name)
        if len(text) > limits.max_text_chars:  # before the clean-up, whose time grows with the text
            raise TextTooLongError.of(name, len(text), limits.max_text_chars)
        pages = text.split("\f")  # a form feed starts a page
    if len(pages) > limits.max_pages:
        raise TooManyPagesError(name, f"the document has {len(pages)} pages; the limit is {limits.max_pages}")
    raw_pages = pages
    pages = [normalize_text(p) for p in pages]
    if kind == "pdf":  # a DOCX's header and footer are read once, at its start and end; a text file has none
        from contracts.pdf_furniture import strip_furniture

        pages = strip_furniture(pages)
    metadata: dict[str, str] = {}
    if kind == "docx":
        from contracts.docx_text import tracked_changes

        if tracked_changes(data):
            metadata["tracked_changes"] = "accepted"  # the text is the draft with every change accepted
    chars = sum(len(p) for p in pages)
    if chars > limits.max_text_chars:
        raise TextTooLongError.of(name, chars, limits.max_text_chars)
    while len(pages) > 1 and not pages[-1]:
        pages.pop()
    if not any(pages):
        raise EmptyFileError(name, "the file has no text")
    document = Document.from_pages(name, _separated(kind, pages, raw_pages), source_type=kind, sha256=digest,
                                   separator="")
    return document.model_copy(update={"metadata": metadata}) if metadata else document


def _separated(kind: SourceType, pages: list[str], raw_pages: list[str]) -> list[str]:
    """Each page's text followed by what stands between it and the next page with text, so that the pages
    join into the document's text. An empty page takes no room: it keeps its number, and the page after it
    its own. Between two pages with text:
    - a PDF's, a blank line, or a space where the page's last sentence runs on onto the next page
      (`contracts.segment.runs_on`): the clause and the sentence are one, on the page they start on;
    - a text file's, the line breaks around its form feeds as the text had them, the form feed one of them (a
      blank line, or a line break): the text is what it was before form feeds made pages;
    - a DOCX's, a blank line: its pages break between paragraphs, which a blank line separates."""
    filled = [i for i, page in enumerate(pages) if page]
    out = list(pages)
    for i, j in itertools.pairwise(filled):
        out[i] = pages[i] + _between(kind, pages[i], pages[j], raw_pages[i:j + 1])
    return out


def _between(kind: SourceType, page: str, next_page: str, raw: list[str]) -> str:
    """What stands between `page` and `next_page` in the text (see `_separated`); `raw` are the pages from
    the one to the other as read, before the clean-up."""
    if kind == "pdf":
        from contracts.segment import runs_on

        return " " if runs_on(page, next_page) else "\n\n"
    if kind == "docx":
        return "\n\n"
    # a text file: the form feeds and the line breaks next to them, as the clean-up of the whole text read them
    gap = (raw[0][len(raw[0].rstrip()):] + "\f".join(raw[1:-1])
           + raw[-1][:len(raw[-1]) - len(raw[-1].lstrip())]).replace("\r\n", "\n")
    breaks = len(raw) - 1 + gap.count("\n") + gap.count("\r")
    return "\n\n" if breaks > 1 else "\n"


def read_file(path: str | Path, max_bytes: int) -> bytes:
    """A file's bytes, refused before reading when missing or over `max_bytes`. A file the operating system
    will not let us read (no permission, an I/O error) is refused too: it is the file's fault, not a crash."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(str(path), "no such file" if not path.exists() else "not a file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLargeError(path.name, f"the file is {mib(size)}; the limit is {mib(max_bytes)}")
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})") from None


def load_document(path: str | Path, *, max_bytes: int | None = None, max_pages: int | None = None,
                  pdf_extractor: str | None = None, limits: IngestLimits | None = None) -> Document:
    limits = (limits or IngestLimits.current()).with_overrides(max_bytes=max_bytes, max_pages=max_pages)
    data = read_file(path, limits.max_bytes)
    return load_bytes(data, Path(path).name, pdf_extractor=pdf_extractor, limits=limits)
