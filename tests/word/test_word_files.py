"""The Word exports are the firm's own documents: the redline is the template's package with tracked
changes (Reject All gives the template, Accept All the contract), the review copy is the contract's
own file with comments, and a PDF/TXT gets a generated file that looks like a contract."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from contracts.compare import compare_documents
from contracts.compare.engine import redline_anchors
from contracts.documents import Document
from contracts.ingest import load_bytes, load_document
from tests.word.docx_pairs import PAIRS, pair
from word.comments import Commenter
from word.files import Note, redline_docx, review_docx
from word.generate import generate_docx
from word.revisions import package_form, resolve

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"


def _redline(name: str) -> tuple[bytes, bytes, bytes]:
    t, c = pair(name)
    template, contract = load_bytes(t, "template.docx"), load_bytes(c, "contract.docx")
    data = redline_docx(compare_documents(contract, template), template, contract, template_data=t,
                        contract_data=c, title="Redline: template -> contract")
    return t, c, data


@pytest.mark.parametrize("name", list(PAIRS))
def test_reject_all_gives_the_template_and_accept_all_the_contract(name: str) -> None:
    t, c, data = _redline(name)
    assert package_form(data, False) == package_form(t, False)  # body, headers, footers, notes
    assert package_form(data, True) == package_form(c, True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml"))
    assert any(f"<w:{tag} ".encode() in xml for tag in ("ins", "del", "rPrChange", "pPrChange"))
    with zipfile.ZipFile(io.BytesIO(t)) as before, zipfile.ZipFile(io.BytesIO(data)) as after:
        for part in ("word/styles.xml", "word/numbering.xml"):  # the firm's definitions, as they were
            assert etree.tostring(etree.fromstring(after.read(part)), method="c14n") == \
                etree.tostring(etree.fromstring(before.read(part)), method="c14n")
    assert docx.Document(io.BytesIO(data)).core_properties.title == "Redline: template -> contract"


def test_changes_are_word_level_in_the_runs_where_they_occur() -> None:
    _, _, data = _redline("headings_lists")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    deleted = root.findall(f".//{W}del/{W}r")
    inserted = root.findall(f".//{W}ins/{W}r")
    by_text = {"".join(r.itertext()): r for r in deleted + inserted}
    assert "thirty" in by_text and "ninety" in by_text  # one word each, not the sentence
    for word in ("thirty", "ninety"):  # the bold run's formatting travels with the change
        assert by_text[word].find(f"{W}rPr/{W}b") is not None
    ids = [e.get(f"{W}id") for e in root.iter(f"{W}ins", f"{W}del")]
    assert len(ids) == len(set(ids))
    reopened = docx.Document(io.BytesIO(data))
    styles = [p.style.name for p in reopened.paragraphs]
    assert styles[:3] == ["Title", "Normal", "Heading 1"] and styles.count("Heading 1") == 3
    assert all(p._p.find(f"{W}pPr/{W}numPr") is not None for p in reopened.paragraphs[2:])


def test_a_clause_the_alignment_moved_is_a_deletion_and_an_insertion() -> None:
    t, c = pair("moved_clause")
    template, contract = load_bytes(t, "template.docx"), load_bytes(c, "contract.docx")
    comparison = compare_documents(contract, template)
    in_place = {p.template_clause.text for p in redline_anchors(comparison) if p.template_clause}
    moved = [p for p in comparison.pairs if p.template_clause and p.contract_clause
             and p.template_clause.text not in in_place]
    assert any("warrants" in p.template_clause.text for p in moved if p.template_clause)
    data = redline_docx(comparison, template, contract, template_data=t, contract_data=c)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    deleted = "".join(root.xpath("//w:del//w:delText/text()", namespaces={"w": W[1:-1]}))
    inserted = "".join(root.xpath("//w:ins//w:t/text()", namespaces={"w": W[1:-1]}))
    assert "Supplier warrants the services" in deleted and "Supplier warrants the services" in inserted


def test_inserted_clauses_refer_only_to_what_the_template_package_holds() -> None:
    """An inserted clause's hyperlink, footnote, bookmark, comment and tracked changes came from the
    contract's package: in the template's they must resolve (a comment anchor without its comment
    made the redline a file LibreOffice could not load)."""
    _, _, data = _redline("inserted_references")
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(archive.read("word/document.xml"))
    rels = {r.get("Id"): r for r in etree.fromstring(archive.read("word/_rels/document.xml.rels"))}
    links = {"".join(h.itertext()): rels[h.get(f"{R}id")].get("Target") for h in root.iter(f"{W}hyperlink")}
    assert links == {"acme.example/notices": "https://acme.example/notices",
                     "beta.example/dpa": "https://beta.example/dpa"}
    notes = {n.get(f"{W}id"): "".join(n.itertext()) for n in etree.fromstring(archive.read("word/footnotes.xml"))}
    referenced = [notes[r.get(f"{W}id")] for r in root.iter(f"{W}footnoteReference")]
    assert [text.strip() for text in referenced] == ["Schedule 3 of the contract.", "Email suffices."]
    assert "word/comments.xml" not in archive.namelist() and not list(root.iter(f"{W}commentRangeStart",
                                                                              f"{W}commentReference"))
    for tags in (("ins", "del", "rPrChange", "pPrChange"), ("bookmarkStart",)):
        ids = [e.get(f"{W}id") for e in root.iter(*(f"{W}{t}" for t in tags))]
        assert len(ids) == len(set(ids)), tags
    assert "EUR" not in "".join(root.itertext())  # the counterparty's own deletion is accepted, not redlined


def test_content_controls_are_read_and_redlined() -> None:
    _, c = pair("content_controls")
    contract = load_bytes(c, "contract.docx")
    assert "governed by the laws of Switzerland." in contract.text
    assert "The courts of Zurich have exclusive jurisdiction." in contract.text
    _, _, data = _redline("content_controls")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    inserted = {"".join(e.itertext()) for e in root.iter(f"{W}ins")}
    assert {"Switzerland", "Zurich", "Arbitration is excluded."} <= inserted


def _anchored(document) -> dict[str, str]:
    """Comment id -> the text between its range marks."""
    open_ranges: dict[str, list[str]] = {}
    done: dict[str, str] = {}
    for element in document.element.body.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if element.tag == f"{W}commentRangeStart":
            open_ranges[element.get(f"{W}id")] = []
        elif element.tag == f"{W}commentRangeEnd":
            done[element.get(f"{W}id")] = "".join(open_ranges.pop(element.get(f"{W}id")))
        else:
            for parts in open_ranges.values():
                parts.append(element.text or "")
    return done


def test_review_copy_is_the_uploaded_docx_with_comments_on_the_offsets() -> None:
    _, c = pair("headings_lists")
    contract = load_bytes(c, "contract.docx")
    quote = "capped at twice the fees"
    start = contract.text.index(quote)
    across = contract.text.index("Liability")  # from a heading into the next paragraph
    until = contract.text.index("Neither party") + len("Neither party")
    notes = [Note(start, start + len(quote), "HIGH · Cap", "Doubles the cap.", "the fees"),
             Note(across, until, "INFO", "Spans two paragraphs.")]
    data = review_docx(contract, notes, data=c, title="Review: contract")
    reopened = docx.Document(io.BytesIO(data))
    anchored = _anchored(reopened)
    by_title = {c.text.split("\n")[0]: anchored[str(c.comment_id)] for c in reopened.comments}
    assert by_title == {"HIGH · Cap": quote, "INFO": "LiabilityNeither party"}
    assert "Suggested text: the fees" in next(c.text for c in reopened.comments if c.text.startswith("HIGH"))
    # nothing else changed in the body: the same paragraphs, styles, numbering and run formatting
    assert package_form(data, None)["word/document.xml"] == package_form(c, None)["word/document.xml"]
    assert reopened.core_properties.title == "Review: contract"


def test_a_comment_on_a_counterpartys_insertion_survives_rejecting_it() -> None:
    """The reference of a comment whose span ends in someone's tracked insertion stays outside it:
    rejecting their change in Word would otherwise delete lexrisk's comment too."""
    _, c = pair("inserted_references")
    contract = load_bytes(c, "contract.docx")
    start = contract.text.index("payable in CHF")
    data = review_docx(contract, [Note(start, start + len("payable in CHF"), "MEDIUM · Currency", "Francs.")], data=c)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    ours = next(str(x.comment_id) for x in docx.Document(io.BytesIO(data)).comments if x.text.startswith("MEDIUM"))
    assert _anchored(docx.Document(io.BytesIO(data)))[ours] == "payable in CHF"
    rejected = resolve(root, accept=False)
    assert [r.get(f"{W}id") for r in rejected.iter(f"{W}commentReference") if r.get(f"{W}id") == ours] == [ours]


def test_commenter_adds_a_comment_on_any_offsets_and_falls_back_to_the_nearest_paragraph() -> None:
    _, c = pair("tables")
    contract = load_bytes(c, "contract.docx")
    commenter = Commenter(contract, c)
    cell = contract.text.index("EUR 1,200")
    assert commenter.add(cell, cell + len("EUR 1,200"), "Price rose.")
    assert commenter.add(len(contract.text), len(contract.text), "At the end.")
    reopened = docx.Document(io.BytesIO(commenter.save()))
    texts = {c.text: _anchored(reopened)[str(c.comment_id)] for c in reopened.comments}
    assert texts["Price rose."] == "EUR 1,200" and texts["At the end."]


def test_generated_docx_for_text_looks_like_a_contract() -> None:
    msa = load_document(TEMPLATES / "master_services_agreement.txt")
    data = generate_docx(msa)
    reopened = docx.Document(io.BytesIO(data))
    paragraphs = reopened.paragraphs
    assert all(p.text.strip() for p in paragraphs)  # no empty paragraph between paragraphs
    assert {"Title", "Heading 1"} <= {p.style.name for p in paragraphs}
    numbered = [p for p in paragraphs if p._p.find(f"{W}pPr/{W}numPr") is not None]
    assert len(numbered) >= 10
    # the automatic numbers say exactly what the typed labels said: read back, the words are the same
    assert load_bytes(data, "msa.docx").text.split() == msa.text.split()


def test_a_label_the_list_would_not_reproduce_stays_typed() -> None:
    document = Document.from_text("x.txt", "1. Scope\n\nThe work.\n\n4. Fees\n\nPaid monthly.\n")
    reopened = docx.Document(io.BytesIO(generate_docx(document)))
    assert [p.text for p in reopened.paragraphs] == ["Scope", "The work.", "4. Fees", "Paid monthly."]
    assert [p.style.name for p in reopened.paragraphs][::2] == ["Heading 1", "Heading 1"]


def test_a_text_contract_against_a_docx_template_changes_words_not_formatting() -> None:
    """A TXT has no bold or list of its own: only its words are tracked against the firm's file."""
    t, _ = pair("headings_lists")
    template = load_bytes(t, "template.docx")
    contract = Document.from_text("draft.txt", template.text.replace("thirty (30)", "sixty (60)"))
    data = redline_docx(compare_documents(contract, template), template, contract, template_data=t)
    assert package_form(data, False) == package_form(t, False)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "rPrChange" not in xml and "pPrChange" not in xml
    accepted = package_form(data, True)["word/document.xml"]
    texts = ["".join(text for _, text in block[2]) for block in accepted if block[0] == "p"]
    assert any("within sixty (60) days" in text for text in texts)
    assert package_form(data, True) != package_form(t, None) and len(texts) == len(docx.Document(io.BytesIO(t)).paragraphs)
