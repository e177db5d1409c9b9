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

from contracts.errors import CorruptFileError, EncryptedFileError, NeedsOCRError, TooComplexError, TooManyPagesError

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


def _damaged(name: str, exc: BaseException) -> CorruptFileError:
    return CorruptFileError(name, f"the PDF is damaged and cannot be read ({type(exc).__name__})")


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
    from pypdf.generic import DictionaryObject, IndirectObject

    pages = visits = 0
    seen: set[int] = set()
    stack = [reader.root_object["/Pages"]]
    while stack:
        node = stack.pop()
        ref = node if isinstance(node, IndirectObject) else getattr(node, "indirect_reference", None)
        node = node.get_object()
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
                raise TooManyPagesError(name, f"the PDF has more than {max_pages} pages, the limit")
        else:
            stack.extend(reversed(list(kids.get_object())))


def extract_pypdf(data: bytes, name: str, max_pages: int | None = None) -> PageTexts:
    reader = _open_pypdf(data, name, max_pages)
    try:
        return [page.extract_text() or "" for page in reader.pages]
    except NotImplementedError as exc:
        raise CorruptFileError(name, f"the PDF uses a feature that cannot be read ({exc})") from None
    except _pypdf_damage() as exc:
        raise _damaged(name, exc) from None


def extract_pdfplumber(data: bytes, name: str, max_pages: int | None = None) -> PageTexts:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if max_pages is not None:
        _open_pypdf(data, name, max_pages)  # pdfminer would build every page object before we could count
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]
    except PDFPasswordIncorrect:
        raise EncryptedFileError(name, _ENCRYPTED) from None
    except (PDFSyntaxError, *_DAMAGE) as exc:
        raise _damaged(name, exc) from None
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own, version by version
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedFileError(name, _ENCRYPTED) from None
        raise _damaged(name, exc) from None


EXTRACTORS: dict[str, Extractor] = {"pypdf": extract_pypdf, "pdfplumber": extract_pdfplumber}
DEFAULT_EXTRACTOR = "pypdf"


def extract_pages(data: bytes, name: str, extractor: str = DEFAULT_EXTRACTOR, *,
                  max_pages: int | None = None) -> PageTexts:
    pages = EXTRACTORS[extractor](data, name, max_pages)
    if not pages:
        raise CorruptFileError(name, "the PDF has no pages")
    chars = sum(len(p.strip()) for p in pages)
    if chars < _MIN_CHARS_PER_PAGE * len(pages):
        raise NeedsOCRError(name, f"the PDF has no text layer ({len(pages)} pages, {chars} characters of text): "
                                  "it looks scanned and needs OCR before it can be analyzed")
    return pages
