"""PDF text extraction. Two extractors are kept because they fail differently: pypdf is fast and
keeps reading order on most filings; pdfplumber lays text out by position, which helps on columns
and tables. `benchmarks/pdf_extractors.py` measures both against CUAD's own text; the default is
the one that measured better (see its results).

The pages are counted in the page tree before any text is extracted, so a 1 MB file of 10,000 pages
is refused in a fraction of a second, not after a minute of extraction. Every failure of the parsers on a
damaged file (pypdf's limit errors, a missing codec, recursion on nested operands, overflow on a huge
offset) is reported as a damaged PDF; only a real encryption is reported as one."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from collections.abc import Callable
from typing import Any

from contracts.errors import (
    CorruptFileError,
    EncryptedFileError,
    IngestError,
    NeedsOCRError,
    TextTooLongError,
    TooComplexError,
    TooManyPagesError,
)
from contracts.limits import mib

PageTexts = list[str]
Extractor = Callable[..., PageTexts]

# fewer characters than this per page on average means there is no text layer to speak of
_MIN_CHARS_PER_PAGE = 20
# a page tree node per page is normal (a leaf), a few intermediate nodes too; far more is an attack
_MAX_TREE_NODES_PER_PAGE = 4
_ENCRYPTED = "the PDF is password-protected; remove the password and upload it again"

# what the parsers raise on damaged input: their own errors and the builtins their code trips on
_DAMAGE = (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OverflowError,
           AssertionError, ArithmeticError, LookupError, zlib.error, struct.error, EOFError, OSError)


def _pypdf_damage() -> tuple[type[BaseException], ...]:
    from pypdf.errors import DependencyError, PyPdfError

    return (PyPdfError, DependencyError, *_DAMAGE)


log = logging.getLogger(__name__)


def _damaged(name: str, exc: BaseException) -> CorruptFileError:
    """The user's message says what is wrong with the file; which exception the parser raised is for the
    log, where a parser bug can be told from a damaged file."""
    log.info("%s: the PDF parser failed: %s: %s", name, type(exc).__name__, str(exc)[:200])
    return CorruptFileError(name, "the PDF is damaged and cannot be read")


def _open_pypdf(data: bytes, name: str, max_pages: int | None) -> Any:
    """A pypdf reader, decrypted if it has an empty user password, with its page count checked."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                decrypted = reader.decrypt("")
            except NotImplementedError as exc:  # an encryption algorithm pypdf cannot do
                raise EncryptedFileError(name, f"the PDF is encrypted and cannot be opened ({exc})") from None
            if not decrypted:
                raise EncryptedFileError(name, _ENCRYPTED)
        if max_pages is not None:
            check_page_count(reader, name, max_pages)
        return reader
    except FileNotDecryptedError:
        raise EncryptedFileError(name, _ENCRYPTED) from None
    except NotImplementedError as exc:
        raise CorruptFileError(name, f"the PDF uses a feature that cannot be read ({exc})") from None
    except _pypdf_damage() as exc:
        raise _damaged(name, exc) from None


def check_page_count(reader: Any, name: str, max_pages: int) -> None:
    """Count the pages in the page tree, stopping at the first page past the limit, before any page's
    content is parsed. The tree's own /Count is not trusted (a damaged file may declare 10^12 pages and
    hold two); cycles and trees of empty nodes are refused, so the walk is bounded either way."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

    root = reader.root_object
    tree = root.get("/Pages") if isinstance(root, DictionaryObject) else None
    if not isinstance(tree, PdfObject):  # a catalog without pages, or one whose /Pages names nothing
        raise CorruptFileError(name, "the PDF is damaged: it has no page tree")
    pages = visits = 0
    seen: set[int] = set()
    stack: list[PdfObject] = [tree]
    while stack:
        entry = stack.pop()
        ref = entry if isinstance(entry, IndirectObject) else getattr(entry, "indirect_reference", None)
        node = entry.get_object()  # None where a reference names a missing object: skipped below
        if ref is not None:
            if ref.idnum in seen:
                raise CorruptFileError(name, "the PDF's page tree has a cycle")
            seen.add(ref.idnum)
        visits += 1
        if visits > _MAX_TREE_NODES_PER_PAGE * max_pages + 100:
            raise TooComplexError(name, "the PDF's page tree holds far more nodes than pages")
        if not isinstance(node, DictionaryObject):
            continue  # a damaged entry: pypdf skips it too
        kids = node.get("/Kids")
        if kids is None:
            pages += 1
            if pages > max_pages:
                raise TooManyPagesError(
                    name, f"the PDF has more than {max_pages} page{'' if max_pages == 1 else 's'}, the limit")
        else:
            kids = kids.get_object()
            if not isinstance(kids, ArrayObject):
                raise CorruptFileError(name, "the PDF is damaged: a node of its page tree has no list of pages")
            stack.extend(reversed([kid for kid in kids if isinstance(kid, PdfObject)]))


def extract_pypdf(data: bytes, name: str, max_pages: int | None = None, *, max_chars: int | None = None,
                  max_page_bytes: int | None = None) -> PageTexts:
    reader = _open_pypdf(data, name, max_pages)
    texts: PageTexts = []
    budget = _TextBudget(name, max_chars, max_page_bytes)
    try:
        for page in reader.pages:
            budget.content(page)
            texts.append(budget.text(page.extract_text() or ""))
        return texts
    except NotImplementedError as exc:
        raise CorruptFileError(name, f"the PDF uses a feature that cannot be read ({exc})") from None
    except _pypdf_damage() as exc:
        raise _damaged(name, exc) from None


class _TextBudget:
    """What a PDF may unpack to, checked page by page: the decoded content of each page before its text is
    extracted (the extraction's time grows with it: a 60 KB file's page of repeated text operators unpacks to
    40 MB and took a minute), then the text extracted so far."""

    def __init__(self, name: str, max_chars: int | None, max_page_bytes: int | None) -> None:
        self.name, self.max_chars, self.max_page_bytes = name, max_chars, max_page_bytes
        self.chars = 0

    def content(self, page: Any) -> None:
        if self.max_page_bytes is None:
            return
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
        if size > self.max_page_bytes:
            raise TooComplexError(self.name, f"a page of the PDF unpacks to {mib(size)} of content; the limit is "
                                             f"{mib(self.max_page_bytes)} (far beyond any contract page)")

    def text(self, text: str) -> str:
        self.chars += len(text)
        if self.max_chars is not None and self.chars > self.max_chars:
            raise TextTooLongError.of(self.name, self.chars, self.max_chars, "more than ")
        return text


def extract_pdfplumber(data: bytes, name: str, max_pages: int | None = None, *, max_chars: int | None = None,
                       max_page_bytes: int | None = None) -> PageTexts:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    budget = _TextBudget(name, max_chars, max_page_bytes)
    if max_pages is not None or max_page_bytes is not None:
        # pdfminer would build every page object before we could count, and unpack every page to lay it out
        reader = _open_pypdf(data, name, max_pages)
        try:
            for page in reader.pages:
                budget.content(page)
        except _pypdf_damage() as exc:
            raise _damaged(name, exc) from None
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [budget.text(page.extract_text() or "") for page in pdf.pages]
    except PDFPasswordIncorrect:
        raise EncryptedFileError(name, _ENCRYPTED) from None
    except IngestError:
        raise
    except (PDFSyntaxError, *_DAMAGE) as exc:
        raise _damaged(name, exc) from None
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own, version by version
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedFileError(name, _ENCRYPTED) from None
        raise _damaged(name, exc) from None


EXTRACTORS: dict[str, Extractor] = {"pypdf": extract_pypdf, "pdfplumber": extract_pdfplumber}
DEFAULT_EXTRACTOR = "pypdf"


def extract_pages(data: bytes, name: str, extractor: str = DEFAULT_EXTRACTOR, *, max_pages: int | None = None,
                  max_chars: int | None = None, max_page_bytes: int | None = None) -> PageTexts:
    pages = EXTRACTORS[extractor](data, name, max_pages, max_chars=max_chars, max_page_bytes=max_page_bytes)
    if not pages:
        raise CorruptFileError(name, "the PDF has no pages")
    chars = sum(len(p.strip()) for p in pages)
    if chars < _MIN_CHARS_PER_PAGE * len(pages):
        raise NeedsOCRError(name, f"the PDF has no text layer ({len(pages)} pages, {chars} characters of text): "
                                  "it looks scanned and needs OCR before it can be analyzed")
    return pages
