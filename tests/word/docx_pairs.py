"""Formatted template/contract DOCX pairs built with python-docx, for the Word writers' tests and
benchmarks/docx_fidelity.py: headings, multi-level automatic numbering, bold/italic/underline runs,
tables, headers and footers, footnotes, fields, a template that already holds tracked changes, content
controls, inserted clauses with hyperlinks, notes, bookmarks and comments of their own, notes that Word
numbered anew (one added before the others) and words in text boxes.
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


def _add_notes(document, notes: list[str], kind: str = "footnote") -> None:
    """A footnotes (or endnotes) part with `notes` as ids 1, 2, ... after Word's two separators."""
    style = "FootnoteText" if kind == "footnote" else "EndnoteText"
    body = "".join(
        f'<w:{kind} w:id="{i}"><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:rPr>'
        f'<w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}'
        f"</w:t></w:r></w:p></w:{kind}>" for i, text in enumerate(notes, start=1))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {_W_NS}>'
           f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
           f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           f"</w:{kind}>{body}</w:{kind}s>")
    content_type = _FOOTNOTES_CT.replace("footnotes", f"{kind}s")
    part = Part(PackURI(f"/word/{kind}s.xml"), content_type, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)


def _add_footnotes(document, notes: list[str]) -> None:
    _add_notes(document, notes)


def _note_ref(paragraph, note_id: int, kind: str = "footnote") -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:vertAlign w:val="superscript"/></w:rPr>'))
    run._r.append(parse_xml(f'<w:{kind}Reference {nsdecls("w")} w:id="{note_id}"/>'))


def _footnote_ref(paragraph, note_id: int) -> None:
    _note_ref(paragraph, note_id)


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


def renumbered_notes(contract: bool, kind: str = "footnote") -> bytes:
    """Notes numbered as Word saves them, 1, 2, 3 in the order of their references: the contract adds
    a note to the first paragraph (before every other note), changes a word in the second note and
    removes the third note's reference, so each later note has another id than in the template."""
    document = docx.Document()
    document.add_heading("Delivery and Claims", level=1)
    notes: list[str] = []

    def sentence(text: str, note: str | None, end: str = ".") -> None:
        p = document.add_paragraph(text)
        if note is not None:
            notes.append(note)
            _note_ref(p, len(notes), kind)
        p.add_run(end)

    sentence("The Supplier delivers the goods to the Buyer's site", "Delivery is DDP (Incoterms 2020)." if contract
             else None)
    sentence("Supplier indemnifies Buyer against third-party claims", "Including intellectual property claims.")
    sentence("Claims are notified promptly", "Within fifteen days." if contract else "Within thirty days.")
    sentence("Liability is capped at the fees paid", None if contract else "In the twelve months before the claim.")
    document.add_paragraph("This Agreement is governed by the laws of England and Wales.")
    _add_notes(document, notes, kind)
    return _save(document)


_SHAPES_NS = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
              'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
              'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')


def _box_content(paragraphs: list[str]) -> str:
    return "<w:txbxContent>" + "".join(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
                                       for text in paragraphs) + "</w:txbxContent>"


def _text_box(paragraph, paragraphs: list[str], *, shape_id: int, vml_only: bool = False) -> None:
    """A text box run as Word writes one: a DrawingML shape (wps:txbx) as the mc:Choice and the same box
    in VML (v:textbox) as the mc:Fallback, or (`vml_only`) a bare VML w:pict as older Word versions do."""
    vml = (f'<w:pict><v:rect id="Text Box {shape_id}" o:spid="_x0000_s{1024 + shape_id}" style="width:200pt;'
           f'height:60pt;mso-position-horizontal:right" strokeweight=".5pt"><v:textbox>{_box_content(paragraphs)}'
           "</v:textbox></v:rect></w:pict>")
    if vml_only:
        paragraph._p.append(parse_xml(f'<w:r {_W_NS} {_SHAPES_NS}>{vml}</w:r>'))
        return
    drawing = (
        '<w:drawing><wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:align>right</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2540000" cy="762000"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapSquare wrapText="bothSides"/><wp:docPr id="{shape_id}" name="Text Box {shape_id}"/>'
        '<wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2540000" cy="762000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:ln w="6350"><a:solidFill><a:srgbClr val="000000"/>'
        f'</a:solidFill></a:ln></wps:spPr><wps:txbx>{_box_content(paragraphs)}</wps:txbx><wps:bodyPr/></wps:wsp>'
        "</a:graphicData></a:graphic></wp:anchor></w:drawing>")
    paragraph._p.append(parse_xml(
        f'<w:r {_W_NS} {_SHAPES_NS}><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
        f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>"))


def text_boxes(contract: bool) -> bytes:
    """Words in text boxes: a box (DrawingML with its VML fallback) in a paragraph whose own words stay,
    where the contract changes a word and adds a line, and a VML box in a paragraph whose words change
    too, where the contract changes the address."""
    document = docx.Document()
    document.add_heading("Payment", level=1)
    p = document.add_paragraph("The payment terms are summarised in the box.")
    _text_box(p, ["Fees are payable within fifteen days.", "Late fees accrue at 1% per month.",
                  "Disputed amounts are paid when resolved."] if contract
              else ["Fees are payable within thirty days.", "Late fees accrue at 1% per month."], shape_id=101)
    p = document.add_paragraph("Notices for Beta LLC go to the address shown." if contract
                               else "Notices go to the address shown.")
    _text_box(p, ["Notices: 5 High Street, London." if contract else "Notices: 1 Main Street, London."],
              shape_id=102, vml_only=True)
    document.add_paragraph("Each party bears its own costs.")
    return _save(document)


PAIRS: dict[str, Callable[[bool], bytes]] = {
    "headings_lists": headings_lists, "moved_clause": moved_clause, "tables": tables,
    "headers_footers": headers_footers, "footnotes": footnotes, "fields": fields, "tracked": tracked,
    "formatting": formatting, "content_controls": content_controls, "inserted_references": inserted_references,
    "renumbered_notes": renumbered_notes, "text_boxes": text_boxes,
}


def pair(name: str) -> tuple[bytes, bytes]:
    """(template, contract) .docx bytes of the named pair."""
    build = PAIRS[name]
    return build(False), build(True)

