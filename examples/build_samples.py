"""Rebuild the sample PDF and DOCX from the plain-text samples: `python examples/build_samples.py`.

The outputs are committed so `make demo` needs neither fpdf2 nor a word processor; this script is
how they were made (needs the `dev` extra)."""

from __future__ import annotations

from pathlib import Path

import docx
from fpdf import FPDF

HERE = Path(__file__).parent


def build_pdf(source: Path, target: Path) -> None:
    pdf = FPDF(format="letter")
    pdf.set_creation_date(__import__("datetime").datetime(2026, 3, 1))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    for paragraph in source.read_text("utf-8").split("\n\n"):
        heading = paragraph.isupper() or (len(paragraph) < 60 and paragraph[:1].isdigit() and "." not in paragraph[3:])
        pdf.set_font("Times", "B" if heading else "", 11)
        pdf.multi_cell(0, 5.5, paragraph.replace("\u2019", "'"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    pdf.output(str(target))


def build_docx(source: Path, target: Path) -> None:
    document = docx.Document()
    for paragraph in source.read_text("utf-8").split("\n\n"):
        document.add_paragraph(paragraph)
    document.core_properties.created = __import__("datetime").datetime(2026, 3, 1)
    document.save(str(target))


if __name__ == "__main__":
    for txt in sorted((HERE / "contracts").glob("*.txt")) + sorted((HERE / "templates").glob("*.txt")):
        build_pdf(txt, txt.with_suffix(".pdf"))
        build_docx(txt, txt.with_suffix(".docx"))
        print("built", txt.with_suffix(".pdf").name, txt.with_suffix(".docx").name)
