"""Formatted template/contract DOCX pairs built with python-docx, for the Word writers' tests and
benchmarks/docx_fidelity.py: headings, multi-level automatic numbering, bold/italic/underline runs,
tables, headers and footers, footnotes, fields, a template that already holds tracked changes, content
controls, and inserted clauses with hyperlinks, notes, bookmarks and comments of their own.
Each contract is the template edited the way a counterparty edits one: words changed, a clause
added, one deleted, one moved, a cell changed, a row added."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _numbering(document) -> str:
    """A three-level list (1. / 1.1 / (a)) in the numbering part; returns its numId."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate((("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "(%3)"))))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document, text: str, level: int, style: str | None = None):
    paragraph = document.add_paragraph(style=style)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    _runs(paragraph, text)
    return paragraph


def _runs(paragraph, text: str) -> None:
    """`text` with **bold**, *italic* and _underlined_ stretches as formatted runs."""
    import re

    for piece in re.split(r"(\*\*[^*]+\*\*|\*[^*]+\*|_[^_]+_)", text):
        if not piece:
            continue
        if piece.startswith("**"):
            paragraph.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*"):
            paragraph.add_run(piece[1:-1]).italic = True
        elif piece.startswith("_"):
            paragraph.add_run(piece[1:-1]).underline = True
        else:
            paragraph.add_run(piece)


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _clauses(contract: bool) -> list[tuple[int, str]]:
    payment = ("Buyer shall pay each invoice within **ninety (90)** days of receipt." if contract
               else "Buyer shall pay each invoice within **thirty (30)** days of receipt.")
    items = [
        (0, "Payment"),
        (1, payment),
        (2, "Late amounts bear interest at *one percent* per month."),
        (2, "Disputed amounts are notified in writing within _ten_ days."),
        (0, "Liability"),
        (1, "Neither party is liable for indirect or consequential damages."),
        (1, "Each party's total liability is capped at the fees paid in the prior twelve months."),
        (0, "Term"),
        (1, "This Agreement runs for two years and renews for one-year terms."),
    ]
    if contract:
        items[6] = (1, "Each party's total liability is capped at twice the fees paid in the prior twelve months.")
        items.insert(8, (1, "Either party may terminate for convenience on ninety days' notice."))
        del items[3]
    return items


def headings_lists(contract: bool) -> bytes:
    document = docx.Document()
    _numbering(document)
    document.add_paragraph("MASTER SUPPLY AGREEMENT", style="Title")
    intro = document.add_paragraph()
    _runs(intro, "This Agreement is made between **Acme Corp** (the *Supplier*) and **Beta LLC** (the Buyer).")
    for level, text in _clauses(contract):
        if level == 0:
            _numbered(document, text, 0, style="Heading 1")
        else:
            _numbered(document, text, level)
    return _save(document)


def moved_clause(contract: bool) -> bytes:
    document = docx.Document()
    document.add_heading("Services Agreement", level=0)
    sections = [("CONFIDENTIALITY", "Each party keeps the other's information confidential for five years."),
                ("WARRANTY", "Supplier warrants the services for ninety days after acceptance."),
                ("GOVERNING LAW", "This Agreement is governed by the laws of England and Wales."),
                ("NOTICES", "Notices are given in writing to the addresses on the first page.")]
    if contract:
        sections = [sections[0], sections[2], sections[3], sections[1]]
        sections[2] = ("NOTICES", "Notices are given in writing, including by email, to the addresses above.")
    for heading, body in sections:
        document.add_heading(heading, level=1)
        document.add_paragraph(body)
    if contract:
        document.add_heading("ASSIGNMENT", level=1)
        document.add_paragraph("Neither party may assign this Agreement without consent.")
    return _save(document)


def tables(contract: bool) -> bytes:
    document = docx.Document()
    document.add_heading("Schedule 1 — Fees", level=1)
    document.add_paragraph("The fees below apply from the Effective Date.")
    rows = [("Service", "Fee", "Payment"), ("Hosting", "EUR 1,000", "monthly"), ("Support", "EUR 500", "monthly")]
    if contract:
        rows[1] = ("Hosting", "EUR 1,200", "monthly")
        rows.append(("Training", "EUR 300", "once"))
    table = document.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.paragraphs[0].add_run(value).bold = row is rows[0]
    document.add_paragraph("Fees exclude VAT." if not contract else "Fees exclude VAT and other taxes.")
    return _save(document)


def headers_footers(contract: bool) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Acme Corp — Confidential"
    footer = section.footer.paragraphs[0]
    footer.text = "Version 1.0" if not contract else "Version 1.1 (Beta LLC comments)"
    document.add_heading("Definitions", level=1)
    document.add_paragraph("“Affiliate” means any entity controlling or controlled by a party.")
    document.add_paragraph("“Business Day” means a day on which banks in London are open.")
    if contract:
        document.paragraphs[-1].runs[0].text = "“Business Day” means a day on which banks in London and New York are open."
    return _save(document)


def _add_footnotes(document, notes: list[str]) -> None:
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
        f'<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}'
        f"</w:t></w:r></w:p></w:footnote>" for i, text in enumerate(notes, start=1))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {_W_NS}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           f"</w:footnote>{body}</w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"), _FOOTNOTES_CT, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def _footnote_ref(paragraph, note_id: int) -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:vertAlign w:val="superscript"/></w:rPr>'))
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{note_id}"/>'))


def footnotes(contract: bool) -> bytes:
    document = docx.Document()
    document.add_heading("Indemnity", level=1)
    p = document.add_paragraph("Supplier indemnifies Buyer against third-party claims")
    _footnote_ref(p, 1)
    p.add_run(" arising from the services." if not contract else " arising from the services or the software.")
    document.add_paragraph("Claims are notified promptly.")
    _add_footnotes(document, ["Including claims of intellectual property infringement.",
                              "Within thirty days." if not contract else "Within fifteen days."])
    q = document.paragraphs[-1]
    _footnote_ref(q, 2)
    return _save(document)


def _field(paragraph, instruction: str, result: str) -> None:
    for xml in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r {nsdecls("w")}><w:t>{result}</w:t></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))


def fields(contract: bool) -> bytes:
    document = docx.Document()
    footer = document.sections[0].footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    document.add_heading("Term", level=1)
    p = document.add_paragraph("This Agreement starts on ")
    _field(p, 'DATE \\@ "d MMMM yyyy"', "1 January 2026")
    p.add_run(" and ends after three years." if not contract else " and ends after five years.")
    simple = document.add_paragraph("Reference: ")
    simple._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" TITLE "><w:r><w:t>Supply</w:t></w:r></w:fldSimple>'))
    document.add_paragraph("Renewal needs written agreement." if not contract else "Renewal is automatic.")
    return _save(document)


def tracked(contract: bool) -> bytes:
    """The template already holds a reviewer's tracked insertion and deletion."""
    document = docx.Document()
    document.add_heading("Price", level=1)
    p = document.add_paragraph("The price is fixed for ")
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="901" w:author="Partner" w:date="2026-01-01T00:00:00Z">'
                          '<w:r><w:delText xml:space="preserve">one year</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="902" w:author="Partner" w:date="2026-01-01T00:00:00Z">'
                          '<w:r><w:t xml:space="preserve">two years</w:t></w:r></w:ins>'))
    p.add_run(" from signature.")
    document.add_paragraph("Prices are in euros." if not contract else "Prices are in euros and exclude VAT.")
    document.add_paragraph("Invoices are sent monthly.")
    return _save(document)


def formatting(contract: bool) -> bytes:
    """The contract only changes formatting: a defined term made bold, an italic sentence made plain,
    a paragraph restyled."""
    document = docx.Document()
    document.add_heading("Definitions", level=1)
    p = document.add_paragraph()
    _runs(p, "**Confidential Information** means all information disclosed by a party." if contract
          else "Confidential Information means all information disclosed by a party.")
    q = document.add_paragraph()
    _runs(q, "It excludes public information." if contract else "*It excludes public information.*")
    document.add_paragraph("Headings are for convenience only.", style="Heading 2" if contract else None)
    document.add_paragraph("This clause survives termination.")
    return _save(document)


def content_controls(contract: bool) -> bytes:
    """A firm template's content controls: a block one (a whole clause) and an inline one (a word),
    both filled in differently by the counterparty, and a block one the contract adds."""
    document = docx.Document()
    document.add_heading("Law and Jurisdiction", level=1)
    law = "Switzerland" if contract else "England and Wales"
    document.element.body.sectPr.addprevious(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="Governing law"/><w:id w:val="7001"/></w:sdtPr><w:sdtContent>'
        f"<w:p><w:r><w:t>This Agreement is governed by the laws of {law}.</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    p = document.add_paragraph("The courts of ")
    p._p.append(parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:id w:val="7002"/><w:text/></w:sdtPr><w:sdtContent>'
                          f'<w:r><w:t>{"Zurich" if contract else "London"}</w:t></w:r></w:sdtContent></w:sdt>'))
    p.add_run(" have exclusive jurisdiction.")
    if contract:
        document.element.body.sectPr.addprevious(parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:id w:val="7003"/></w:sdtPr><w:sdtContent><w:p><w:r>'
            "<w:t>Arbitration is excluded.</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    document.add_paragraph("Each party waives any objection to venue.")
    return _save(document)


def _hyperlink(paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:rPr><w:u w:val="single"/>'
                                  f"</w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>"))


def _bookmarked(document, bookmark_id: int, name: str, text: str) -> None:
    p = document.add_paragraph()
    p._p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{bookmark_id}" w:name="{name}"/>'))
    p.add_run(text)
    p._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{bookmark_id}"/>'))


def inserted_references(contract: bool) -> bytes:
    """Clauses the contract adds that refer to its own package: a hyperlink (a relationship), a new
    footnote, a bookmark whose id the template already uses, a counterparty's comment, and the
    counterparty's own tracked changes."""
    document = docx.Document()
    document.add_heading("General", level=1)
    p = document.add_paragraph("Notices go to ")
    _hyperlink(p, "https://acme.example/notices", "acme.example/notices")
    notes = ["Email suffices."]
    if contract:
        p = document.add_paragraph("Data protection terms are at ")
        _hyperlink(p, "https://beta.example/dpa", "beta.example/dpa")
        p.add_run(" and apply")
        _footnote_ref(p, 2)
        p.add_run(".")
        notes.append("Schedule 3 of the contract.")
        _bookmarked(document, 0, "_RefAudit", "The Customer may audit once a year.")
        p = document.add_paragraph("Fees are payable in ")
        p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="Beta" w:date="2026-01-01T00:00:00Z">'
                              "<w:r><w:delText>EUR</w:delText></w:r></w:del>"))
        p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="Beta" w:date="2026-01-01T00:00:00Z">'
                              "<w:r><w:t>CHF</w:t></w:r></w:ins>"))
        p.add_run(".")
        document.add_paragraph("Service credits are the sole remedy.")
    _bookmarked(document, 0, "_RefRecords", "The Supplier keeps records for six years.")
    p = document.add_paragraph("Warranty claims are made in writing")
    _footnote_ref(p, 1)
    p.add_run(".")
    _add_footnotes(document, notes)
    if contract:
        credits = next(q for q in document.paragraphs if q.text.startswith("Service credits"))
        document.add_comment(credits.runs, text="Non-negotiable.", author="Beta")
    return _save(document)


PAIRS: dict[str, Callable[[bool], bytes]] = {
    "headings_lists": headings_lists, "moved_clause": moved_clause, "tables": tables,
    "headers_footers": headers_footers, "footnotes": footnotes, "fields": fields, "tracked": tracked,
    "formatting": formatting, "content_controls": content_controls, "inserted_references": inserted_references,
}


def pair(name: str) -> tuple[bytes, bytes]:
    """(template, contract) .docx bytes of the named pair."""
    build = PAIRS[name]
    return build(False), build(True)

