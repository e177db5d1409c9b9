"""Template comparison: alignment, statuses, severity and verdicts, redline and Word exports."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from lxml import etree

from contracts.compare import compare_documents
from contracts.compare.redline import new_text, old_text, word_redline
from contracts.compare.tables import COMPARISON_COLUMNS, comparison_rows, to_csv, to_xlsx
from contracts.documents import Document
from contracts.findings import Finding
from contracts.ingest import load_document
from contracts.playbook import load_playbook
from word.files import notes_for, redline_docx, review_docx

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def msa() -> Document:
    return load_document(TEMPLATES / "master_services_agreement.txt")


def _draft(template: Document, edits: list[tuple[str, str]]) -> Document:
    text = template.text
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return Document.from_text("draft.txt", text)


def _pair(result, needle: str):
    return next(p for p in result.pairs if needle in ((p.template_clause or p.contract_clause).text))


def test_identical_documents_match_every_clause(msa: Document) -> None:
    result = compare_documents(msa, msa)
    assert result.aligned
    assert {p.status for p in result.pairs} == {"matched"}
    assert result.summary.matched == len(result.pairs) and result.summary.modified == 0


def test_statuses_under_reorder_renumber_delete_insert(msa: Document) -> None:
    text = msa.text
    notices = re.search(r"7\.4 Notices\..*\n", text).group(0)  # type: ignore[union-attr]
    insurance = re.search(r"6\.5 Insurance\..*\n", text).group(0)  # type: ignore[union-attr]
    text = text.replace(notices, "")  # deleted
    text = text.replace(insurance, "")
    text = text.replace("1.3 Subcontracting.", insurance + "\n1.3 Subcontracting.")  # moved up
    text = text.replace("2.4 Late Payment.", "2.7 Late Payment.")  # renumbered
    text = text.replace("twelve (12) months preceding", "three (3) months preceding")  # cap changed
    text += "\n\n7.6 Exclusivity. Customer shall purchase such services exclusively from Provider.\n"
    result = compare_documents(Document.from_text("draft.txt", text), msa)

    assert result.aligned
    assert _pair(result, "7.4 Notices").status == "missing"
    assert _pair(result, "6.5 Insurance").status == "matched"
    assert _pair(result, "Late Payment").status == "matched"  # numbering is not a difference
    extra = _pair(result, "7.6 Exclusivity")
    assert extra.status == "extra" and extra.template_clause is None
    cap = _pair(result, "6.2 Limitation of Liability")
    assert cap.status == "modified"
    assert "twelve (12) months" in cap.explanation and "three (3) months" in cap.explanation
    assert cap.severity in ("medium", "high") and cap.verdict == "needs_review"
    assert cap.suggestion == cap.template_clause.text  # the template supplies the standard
    assert old_text(cap.redline) == cap.template_clause.text and new_text(cap.redline) == cap.contract_clause.text
    assert {"op": "delete", "text": "twelve"} in [o.model_dump() for o in cap.redline]
    assert result.summary.missing == 1 and result.summary.extra == 1 and result.summary.modified == 1
    # offsets index each side's text
    for p in result.pairs:
        for clause, doc in ((p.template_clause, msa), (p.contract_clause, None)):
            if clause is not None and doc is not None:
                assert doc.text[clause.start:clause.end] == clause.text


def test_split_and_merge_are_recovered(msa: Document) -> None:
    draft = _draft(msa, [
        # split 3.1 in two clauses
        ("It then renews for successive", "\n\n3.1A Renewal. It then renews for successive"),
        # merge 5.1 and 5.2
        ("services.\n\n5.2 Data Protection. Provider", "services. Provider"),
    ])
    result = compare_documents(draft, msa)
    term = _pair(result, "3.1 Term.")
    assert term.status in ("matched", "modified") and "3.1A Renewal" in term.contract_clause.text
    assert term.contract_clause.text.startswith("3.1 Term.")
    merged = [p for p in result.pairs if p.template_clause and p.template_clause.text.startswith("5.1")]
    assert merged and "5.2 Data Protection" in merged[0].template_clause.text
    assert result.summary.missing == 0 and result.summary.extra == 0


def test_category_flip_raises_severity_and_playbook_positions(tmp_path: Path, msa: Document) -> None:
    playbook_file = tmp_path / "playbook.yaml"
    playbook_file.write_text("""
categories:
  Cap on Liability:
    severity: medium
    reason: Recovery is limited.
    required: true
    guidance: Partner sign-off below six months' fees.
    fallbacks:
      - text: "in no event shall either party's aggregate liability exceed twice the fees paid"
        pattern: 'twice the fees'
    unacceptable:
      - pattern: 'unlimited'
        note: never accept unlimited liability
""", encoding="utf-8")
    playbook = load_playbook(playbook_file)
    clause = re.search(r"6\.2 Limitation of Liability\..*", msa.text).group(0)  # type: ignore[union-attr]
    t_span = [(msa.text.index(clause), msa.text.index(clause) + len(clause), "Cap on Liability")]

    def run(new_clause: str):
        draft = Document.from_text("d.txt", msa.text.replace(clause, new_clause))
        start = draft.text.index(new_clause)
        return _pair(compare_documents(draft, msa, playbook=playbook, template_categories=t_span,
                                       contract_categories=[(start, start + len(new_clause), "Cap on Liability")]),
                     "6.2 Limitation")

    fallback = run("6.2 Limitation of Liability. Except for breach of confidentiality, in no event shall either "
                   "party's aggregate liability exceed twice the fees paid under this Agreement.")
    assert fallback.verdict == "acceptable" and "fallback position 1" in fallback.explanation
    bad = run("6.2 Limitation of Liability. Provider's liability under this Agreement is unlimited.")
    assert bad.verdict == "not_acceptable" and "never accept unlimited liability" in bad.explanation
    assert "Guidance: Partner sign-off below six months' fees." in bad.explanation
    assert bad.suggestion == "in no event shall either party's aggregate liability exceed twice the fees paid"

    # the cap clause deleted: required by the playbook -> not acceptable, standard text suggested
    draft = Document.from_text("d.txt", msa.text.replace(clause + "\n", ""))
    missing = _pair(compare_documents(draft, msa, playbook=playbook, template_categories=t_span), "6.2 Limitation")
    assert missing.status == "missing" and missing.verdict == "not_acceptable" and missing.severity == "high"
    assert missing.suggestion == clause

    # a cap turned into exclusivity: a category flip is high severity
    flipped = "6.2 Limitation of Liability. Customer shall buy such services exclusively from Provider and no other."
    draft = Document.from_text("d.txt", msa.text.replace(clause, flipped))
    start = draft.text.index(flipped)
    pair = _pair(compare_documents(draft, msa, playbook=playbook, template_categories=t_span,
                                   contract_categories=[(start, start + len(flipped), "Exclusivity")]), "6.2 Limitation")
    assert pair.severity == "high" and "Cap on Liability removed" in pair.explanation
    assert "Exclusivity added" in pair.explanation


def test_unrelated_documents_are_not_aligned(msa: Document) -> None:
    other = load_document(TEMPLATES / "mutual_nda.txt")
    result = compare_documents(other, msa)
    assert not result.aligned and result.full_redline is not None
    assert old_text(result.full_redline) == msa.text and new_text(result.full_redline) == other.text


def test_word_redline_round_trips() -> None:
    old, new = "Pay within 30 days.\n\nNotice: in writing.", "Pay within 45 days;\nNotice by email."
    ops = word_redline(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert [o.op for o in word_redline("", "x")] == ["insert"]


# -- Word -------------------------------------------------------------------------------------------
def _paragraph_views(data: bytes) -> tuple[str, str]:
    """(Accept All, Reject All) of a tracked-changes body, as Word applies them: inserted runs kept /
    dropped, deleted runs dropped / kept, and a tracked paragraph mark joins its paragraph to the next."""
    body = docx.Document(io.BytesIO(data)).element.body
    accept, reject = [], []
    for p in body.iter(f"{W}p"):
        a = r = ""
        for node in p.iter(f"{W}t", f"{W}delText"):
            inserted = any(anc.tag == f"{W}ins" for anc in node.iterancestors())
            if node.tag == f"{W}delText":
                r += node.text or ""
            else:
                a += node.text or ""
                if not inserted:
                    r += node.text or ""
        mark = p.find(f"{W}pPr/{W}rPr")
        mark_ins = mark is not None and mark.find(f"{W}ins") is not None
        mark_del = mark is not None and mark.find(f"{W}del") is not None
        accept.append(a + ("" if mark_del else "\n"))
        reject.append(r + ("" if mark_ins else "\n"))
    return "".join(accept)[:-1], "".join(reject)[:-1]


def test_redline_docx_of_text_inputs_rejects_to_the_template_and_accepts_to_the_contract(msa: Document) -> None:
    from word.generate import generate_docx
    from word.revisions import package_form

    text = msa.text.replace("twelve (12) months preceding", "six (6) months preceding")
    text = text.replace("ARTICLE 2 FEES AND PAYMENT\n\n", "")
    text += "\n\n7.6 Audit. Provider may audit Customer's records once a year.\n"
    draft = Document.from_text("draft.txt", text)
    result = compare_documents(draft, msa)
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    data = redline_docx(result, msa, draft, title="Redline", author="Reviewer", date=when)
    body = "word/document.xml"
    assert package_form(data, False)[body] == package_form(generate_docx(msa), None)[body]
    assert package_form(data, True)[body] == package_form(generate_docx(draft), None)[body]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(body))
    changes = root.findall(f".//{W}ins") + root.findall(f".//{W}del")
    ids = [c.get(f"{W}id") for c in changes]
    assert changes and len(ids) == len(set(ids))
    assert {c.get(f"{W}author") for c in changes} == {"Reviewer"}
    assert {c.get(f"{W}date") for c in changes} == {"2026-01-02T03:04:05Z"}
    assert docx.Document(io.BytesIO(data)).core_properties.title == "Redline"
    # ingestion reads the redline as its accepted view: the contract's words, and says so
    loaded = load_document_bytes(data)
    assert loaded.metadata.get("tracked_changes") == "accepted"
    assert "six (6) months preceding" in loaded.text and "twelve (12) months preceding" not in loaded.text


def load_document_bytes(data: bytes) -> Document:
    from contracts.ingest import load_bytes

    return load_bytes(data, "redline.docx")


def test_review_docx_anchors_comments_on_their_clauses(msa: Document) -> None:
    draft = _draft(msa, [("twelve (12) months preceding", "six (6) months preceding"),
                         ("7.4 Notices. Notices must be in writing and delivered by hand, courier or email to the "
                          "addresses set out in the signature page.\n", "")])
    result = compare_documents(draft, msa)
    quote = "Provider shall maintain commercial general liability insurance"
    start = draft.text.index(quote)
    finding = Finding(category="Insurance", severity="low", quote=quote, start=start, end=start + len(quote),
                      page=1, score=0.9, explanation="Requires insurance cover.")
    notes = notes_for(result, [finding])
    data = review_docx(draft, notes)
    reopened = docx.Document(io.BytesIO(data))
    comments = {c.comment_id: c for c in reopened.comments}
    assert len(comments) == len(notes) == 1 + result.summary.modified + result.summary.missing + result.summary.extra
    anchored: dict[int, str] = {}
    open_ids: set[int] = set()
    for node in reopened.element.body.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t", f"{W}p"):
        if node.tag == f"{W}commentRangeStart":
            open_ids.add(int(node.get(f"{W}id")))
            anchored.setdefault(int(node.get(f"{W}id")), "")
        elif node.tag == f"{W}commentRangeEnd":
            open_ids.discard(int(node.get(f"{W}id")))
        elif node.tag == f"{W}p":
            for i in open_ids:
                anchored[i] += "\n"
        else:
            for i in open_ids:
                anchored[i] += node.text or ""
    texts = {comments[i].text.split("\n")[0]: anchored[i].strip() for i in comments}
    assert texts["LOW · Insurance"] == quote
    cap = _pair(result, "6.2 Limitation")
    cap_comment = next(c for c in comments.values() if "six (6) months" in c.text)
    # the generated copy numbers "6.2" automatically: the label is the list's, not text to anchor on
    assert cap.contract_clause.text == "6.2 " + anchored[cap_comment.comment_id].strip()
    assert "Suggested text: " + cap.suggestion in cap_comment.text
    missing = next(c for c in comments.values() if "missing clause" in c.text)
    assert "7.4 Notices" in missing.text  # the template's text is quoted in the comment


def test_tables_csv_and_xlsx_neutralise_formulas(msa: Document) -> None:
    draft = Document.from_text("d.txt", msa.text.replace("twelve (12)", "six (6)"))
    rows = comparison_rows(compare_documents(draft, msa))
    rows[0]["contract_text"] = '=HYPERLINK("http://x")'  # a contract is untrusted: a cell must never run
    csv_text = to_csv(rows, COMPARISON_COLUMNS)
    assert csv_text.splitlines()[0].split(",")[:4] == ["status", "category", "severity", "verdict"]
    assert "'=HYPERLINK" in csv_text
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx({"comparison": (COMPARISON_COLUMNS, rows)})))
    sheet = book["comparison"]
    assert sheet.max_row == len(rows) + 1
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("=HYPERLINK") for v in values)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_shipped_playbook_positions(msa: Document) -> None:
    from contracts.playbook import default_playbook

    cap = default_playbook().categories["Cap on Liability"]
    assert cap.required and cap.unacceptable[0].pattern
    clause = re.search(r"6\.2 Limitation of Liability\..*", msa.text).group(0)  # type: ignore[union-attr]
    start = msa.text.index(clause)
    uncapped = "6.2 Limitation of Liability. Each party's liability under this Agreement is unlimited."
    draft = Document.from_text("d.txt", msa.text.replace(clause, uncapped))
    spans = [(start, start + len(clause), "Cap on Liability")]
    pair = _pair(compare_documents(draft, msa, template_categories=spans,
                                   contract_categories=[(start, start + len(uncapped), "Cap on Liability")]),
                 "6.2 Limitation")
    assert pair.verdict == "not_acceptable" and "removes the cap" in pair.explanation


def test_too_many_clause_pairs_fall_back_to_full_text(monkeypatch: pytest.MonkeyPatch, msa: Document) -> None:
    from contracts.compare import align

    monkeypatch.setattr(align, "MAX_CELLS", 10)
    draft = Document.from_text("d.txt", msa.text.replace("twelve (12)", "six (6)"))
    result = compare_documents(draft, msa)
    assert not result.aligned and result.full_redline is not None
    assert new_text(result.full_redline) == draft.text and old_text(result.full_redline) == msa.text


def test_word_exports_survive_control_characters() -> None:
    from word.files import Note
    from word.revisions import package_form

    old, new = Document.from_text("a.txt", "Pay\x0bnow."), Document.from_text("b.txt", "Pay\x0bnow \x01later.")
    data = redline_docx(compare_documents(new, old), old, new)
    accepted = package_form(data, True)["word/document.xml"]
    assert [run[1] for block in accepted if block[0] == "p" for run in block[2]] == ["Pay\ufffdnow \ufffdlater."]
    review = docx.Document(io.BytesIO(review_docx(Document.from_text("x.txt", "A\x01B clause."), [Note(0, 3, "t", "b")])))
    assert [c.text.split("\n")[0] for c in review.comments] == ["t"]


def test_a_possible_finding_gives_its_passage_no_category() -> None:
    """A passage scored below the threshold (the template's title at 0.02 for Source Code Escrow, its audit
    clause at 0.01 for Liquidated Damages) had categorised the clause, and the comparison then called the
    contract's clause "missing" that category, with the wrong fallback."""
    from contracts.compare import spans_of
    from contracts.findings import Finding

    def finding(category: str, start: int, possible: bool) -> Finding:
        return Finding(category=category, severity="low", quote="x" * 10, start=start, end=start + 10, page=1,
                       score=0.9 if not possible else 0.02, explanation="", possible=possible)

    assert spans_of([finding("Audit Rights", 0, False), finding("Liquidated Damages", 0, True),
                     finding("Source Code Escrow", 40, True)]) == [(0, 10, "Audit Rights")]
