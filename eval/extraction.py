"""How close an extracted text is to a reference text, word by word.

Used to choose the PDF extractor and to bound regressions: CUAD ships its own text for each PDF, so
"reads contracts well" becomes a number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Indel

from contracts.cuad import TEXT_DIR, pdf_files, pdf_to_txt

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def word_similarity(extracted: str, reference: str) -> float:
    """1 - normalised insert/delete distance over word sequences: reading order, lost and invented
    words all count, while line breaks, spacing and punctuation do not."""
    return float(Indel.normalized_similarity(words(extracted), words(reference)))


@dataclass(frozen=True)
class PdfPair:
    pdf: Path
    txt: Path


def cuad_pdf_pairs(cuad_dir: Path) -> list[PdfPair]:
    """The CUAD PDFs whose text CUAD ships: matched through cuad_spans.jsonl's file names, else by stem.

    (One of the 40 PDFs has no text among the 408 contracts and is left out.)"""
    txt_dir = cuad_dir / TEXT_DIR
    names = pdf_to_txt(cuad_dir)
    pairs = []
    for pdf in pdf_files(cuad_dir):
        txt = txt_dir / names.get(pdf.name, f"{pdf.stem}.txt")
        if txt.is_file():
            pairs.append(PdfPair(pdf, txt))
    return pairs
