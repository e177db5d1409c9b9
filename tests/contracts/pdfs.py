"""PDFs written for tests, line by line, so that what a reader takes from a page is known exactly."""

from __future__ import annotations

import fpdf


def lines_pdf(pages: list[list[str]], *, size: int = 10) -> bytes:
    """One PDF page per list, one text line per string, in order (header first, footer last), in Helvetica of
    `size` points, with no page break of fpdf's own."""
    pdf = fpdf.FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=size)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
