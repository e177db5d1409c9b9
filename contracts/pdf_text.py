"""PDF text extraction. Two extractors are kept because they fail differently: pypdf is fast and
keeps reading order on most filings; pdfplumber lays text out by position, which helps on columns
and tables. `benchmarks/pdf_extractors.py` measures both against CUAD's own text; the default is
the one that measured better (see its results)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from contracts.errors import CorruptFileError, EncryptedFileError, NeedsOCRError

PageTexts = list[str]
Extractor = Callable[[bytes, str], PageTexts]

# fewer characters than this per page on average means there is no text layer to speak of
_MIN_CHARS_PER_PAGE = 20


def extract_pypdf(data: bytes, name: str) -> PageTexts:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFileError(name, "the PDF is password-protected; remove the password and upload it again")
        return [page.extract_text() or "" for page in reader.pages]
    except (FileNotDecryptedError, NotImplementedError) as exc:
        raise EncryptedFileError(name, f"the PDF is encrypted and cannot be opened ({exc})") from None
    except EncryptedFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CorruptFileError(name, f"the PDF is damaged and cannot be read ({type(exc).__name__})") from None


def extract_pdfplumber(data: bytes, name: str) -> PageTexts:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]
    except PDFPasswordIncorrect:
        raise EncryptedFileError(name, "the PDF is password-protected; remove the password and upload it again") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CorruptFileError(name, f"the PDF is damaged and cannot be read ({type(exc).__name__})") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own, version by version
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedFileError(name, "the PDF is password-protected; remove the password and upload it again") from None
        raise CorruptFileError(name, f"the PDF is damaged and cannot be read ({type(exc).__name__})") from None


EXTRACTORS: dict[str, Extractor] = {"pypdf": extract_pypdf, "pdfplumber": extract_pdfplumber}
DEFAULT_EXTRACTOR = "pypdf"


def extract_pages(data: bytes, name: str, extractor: str = DEFAULT_EXTRACTOR) -> PageTexts:
    pages = EXTRACTORS[extractor](data, name)
    if not pages:
        raise CorruptFileError(name, "the PDF has no pages")
    chars = sum(len(p.strip()) for p in pages)
    if chars < _MIN_CHARS_PER_PAGE * len(pages):
        raise NeedsOCRError(name, f"the PDF has no text layer ({len(pages)} pages, {chars} characters of text): "
                                  "it looks scanned and needs OCR before it can be analyzed")
    return pages
