"""The pages' pure renderings: highlighted text, the comparison view from a body of the comparison API's
shape, its redline DOCX, and the CSV export."""

from __future__ import annotations

import io

from docx import Document as DocxDocument

from contracts.documents import PageSpan
from tests.ui.conftest import read
from ui.render import Span, compare_view, highlight_html, redline_docx, redline_html


def test_highlight_marks_each_span_in_its_colour_and_escapes_text() -> None:
    text = "A <b> clause. Liability is unlimited. Governing law: Delaware."
    spans = [Span("f1", 14, 38, "high", "high: Uncapped Liability"), Span("f2", 30, 61, "low", "low: Governing Law")]
    out = highlight_html(text, spans, selected="f2", pages=[PageSpan(number=1, start=0, end=14),
                                                            PageSpan(number=2, start=14, end=len(text))])
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert out.count('id="lx-f1"') == 1 and out.count('id="lx-f2"') == 1
    # the overlap takes the more severe colour; the selected span is outlined and scrolled to
    assert 'data-severity="high" title="high: Uncapped Liability · low: Governing Law"' in out
    assert out.count("lx-selected") >= 2 and "pane.scrollTop" in out
    assert "page 2" in out and "page 1" in out


def test_highlight_without_selection_has_no_script() -> None:
    assert "<script>" not in highlight_html("abc", [Span("x", 0, 1, "info", "t")])


BODY = {
    "contract": {"name": "msa.pdf"}, "template": {"name": "Standard MSA"}, "aligned": True,
    "pairs": [
        {"status": "matched", "template_clause": {"text": "Term: one year.", "start": 0, "end": 15, "page": 1},
         "contract_clause": {"text": "Term: one year.", "start": 0, "end": 15, "page": 1}, "similarity": 1.0,
         "category": None, "severity": None, "verdict": None, "explanation": "", "suggestion": None,
         "redline": [{"op": "equal", "text": "Term: one year."}]},
        {"status": "modified", "template_clause": {"text": "Liability capped at fees.", "start": 16, "end": 41, "page": 1},
         "contract_clause": {"text": "Liability unlimited.", "start": 16, "end": 36, "page": 1}, "similarity": 0.6,
         "category": "Uncapped Liability", "severity": "high", "verdict": "worse than template",
         "explanation": "The cap is gone.", "suggestion": "Cap liability at 12 months' fees.",
         "redline": [{"op": "equal", "text": "Liability "}, {"op": "delete", "text": "capped at fees"},
                     {"op": "insert", "text": "unlimited"}, {"op": "equal", "text": "."}]},
        {"status": "missing", "template_clause": {"text": "Audit rights.", "start": 42, "end": 55, "page": 2},
         "contract_clause": None, "similarity": 0.0, "category": "Audit Rights", "severity": "medium",
         "verdict": "missing", "explanation": "No audit.", "suggestion": "Add audit rights.", "redline": []},
        {"status": "missing", "template_clause": {"text": "Insurance.", "start": 56, "end": 66, "page": 2},
         "contract_clause": None, "similarity": 0.0, "category": "Insurance", "severity": "high",
         "verdict": "missing", "explanation": "No insurance.", "suggestion": None, "redline": []},
        {"status": "extra", "template_clause": None,
         "contract_clause": {"text": "Exclusivity for 5 years.", "start": 37, "end": 61, "page": 1},
         "similarity": 0.0, "category": "Exclusivity", "severity": "high", "verdict": "added",
         "explanation": "New restriction.", "suggestion": "Delete.", "redline": []},
    ],
    "summary": {"matched": 1, "modified": 1, "missing": 2, "extra": 1},
}


def test_compare_view_sorts_pairs() -> None:
    view = compare_view(BODY)
    assert [p["status"] for p in view.aligned] == ["matched", "modified"]
    assert [p["category"] for p in view.modified] == ["Uncapped Liability"]
    assert list(view.missing) == ["high", "medium"]  # most severe first
    assert [p["category"] for p in view.extra["high"]] == ["Exclusivity"]
    assert view.counts == {"matched": 1, "modified": 1, "missing": 2, "extra": 1}


def test_redline_html_and_docx() -> None:
    out = redline_html(BODY["pairs"][1]["redline"])
    assert "<del" in out and "capped at fees</del>" in out and "unlimited</ins>" in out
    doc = DocxDocument(io.BytesIO(redline_docx(BODY)))
    runs = [r for p in doc.paragraphs for r in p.runs]
    assert any(r.text == "capped at fees" and r.font.strike for r in runs)
    assert any(r.text == "unlimited" and r.font.underline for r in runs)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Suggested fallback: Cap liability at 12 months' fees." in body
    assert body.index("Insurance") < body.index("Audit rights")  # high before medium


def test_compare_page_renders_a_real_body() -> None:
    from streamlit.testing.v1 import AppTest

    def app(body):
        from ui.pages.compare import render_comparison

        render_comparison(body)

    at = AppTest.from_function(app, args=(BODY,)).run()
    assert not at.exception, at.exception
    shown = read("\n".join(str(e.value) for e in at.markdown) + "\n".join(str(e.value) for e in at.info))
    assert "Cap liability at 12 months' fees." in shown and "Exclusivity for 5 years." in shown
    assert [m.value for m in at.metric] == ["1", "1", "2", "1"]


# the comparison API's verdicts as it sends them (contracts/compare/models.py), one per clause status shown
VERDICTS = {
    "contract": {"name": "msa.pdf"}, "template": {"name": "Standard MSA"}, "aligned": True,
    "pairs": [
        {"status": "modified", "template_clause": {"text": "Liability capped at fees.", "start": 0, "end": 25, "page": 1},
         "contract_clause": {"text": "Liability unlimited.", "start": 0, "end": 20, "page": 1}, "similarity": 0.6,
         "category": "Uncapped Liability", "severity": "high", "verdict": "not_acceptable",
         "explanation": "Removes the cap.", "suggestion": "Cap liability at fees paid.",
         "redline": [{"op": "delete", "text": "capped at fees"}, {"op": "insert", "text": "unlimited"}]},
        {"status": "missing", "template_clause": {"text": "Customer may audit.", "start": 26, "end": 45, "page": 1},
         "contract_clause": None, "similarity": 0.0, "category": "Audit Rights", "severity": "medium",
         "verdict": "needs_review", "explanation": "No audit.", "suggestion": None, "redline": []},
        {"status": "extra", "template_clause": None,
         "contract_clause": {"text": "Governed by Delaware law.", "start": 21, "end": 46, "page": 1},
         "similarity": 0.0, "category": "Governing Law", "severity": "low", "verdict": "acceptable",
         "explanation": "A usual choice.", "suggestion": None, "redline": []},
    ],
}


def _compare_page_says(body: dict) -> list[str]:
    """The Markdown the Compare page draws for a comparison body, as a person reads it."""
    from streamlit.testing.v1 import AppTest

    def app(body):
        from ui.pages.compare import render_comparison

        render_comparison(body)

    at = AppTest.from_function(app, args=(body,)).run()
    assert not at.exception, at.exception
    return [read(m.value) for m in at.markdown]


def test_compare_page_says_verdicts_in_words() -> None:
    """In the Redline, Missing and Extra tabs and in the Word redline built here, not the API's codes."""
    said = _compare_page_says(VERDICTS)
    assert "**Uncapped Liability** :red-badge[Not acceptable]" in said
    assert "**Audit Rights** :orange-badge[Needs review]" in said
    assert "**Governing Law** :green-badge[Acceptable]" in said
    assert not any(code in m for m in said for code in ("not_acceptable", "needs_review")), said
    headings = [p.text for p in DocxDocument(io.BytesIO(redline_docx(VERDICTS))).paragraphs
                if p.style is not None and p.style.name == "Heading 3"]
    assert headings == ["Uncapped Liability · high · Not acceptable", "Audit Rights · medium · Needs review",
                        "Governing Law · low · Acceptable"]


def test_compare_page_marks_a_modified_clause_on_the_contracts_side() -> None:
    """"Modified" says that the contract changed the template's clause: it heads the contract's side."""
    said = _compare_page_says(VERDICTS)
    assert "**Template** · Uncapped Liability" in said
    assert "**Contract** · Modified · similarity 60%" in said
    assert not any(m.startswith("**Template**") and "Modified" in m for m in said), said


def test_possible_findings_split_from_the_review():
    from types import SimpleNamespace as NS

    from ui.render import model_words, split_possible

    def f(category, score, possible, status=None, start=0):
        return NS(category=category, score=score, possible=possible, start=start,
                  review=NS(status=status) if status else None)

    sure, accepted, rejected = f("Audit Rights", 0.9, False), f("Insurance", 0.2, True, "accepted"), \
        f("Insurance", 0.3, True, "rejected")
    waiting = [f("Insurance", 0.1, True), f("Audit Rights", 0.05, True), f("Insurance", 0.15, True, start=5)]
    found, possible = split_possible([sure, accepted, rejected, *waiting])
    assert found == [sure, accepted] and possible == waiting
    # the built-in classifier by name, without its version hash, which means nothing to a lawyer
    assert model_words("baseline@07db7b08d0f4") == "lexrisk's built-in clause classifier"
    assert model_words("contract-risk-v2") == "the language model “contract-risk-v2”"


def test_the_selected_span_is_bracketed_at_its_ends_not_boxed_line_by_line() -> None:
    """An outline boxed each line of a long selected clause; its first and last words are bracketed instead,
    outside the marks, so the marked words are still exactly the clause's."""
    import re as _re

    from ui.render import Span, highlight_html

    text = "Before. The selected clause runs long. Overlap here. After."
    spans = [Span("a", text.index("The"), text.index(" Overlap") + len(" Overlap here."), "high", "Cap"),
             Span("b", text.index("Overlap"), text.index("After"), "low", "Notice")]
    out = highlight_html(text, spans, selected="a")
    assert "outline" not in out and out.count("⟦") == 1 and out.count("⟧") == 1
    inner = out[out.index("⟦"):out.index("⟧")]
    marked = "".join(_re.findall(r'<mark class="lx-mark lx-selected"[^>]*>([^<]*)</mark>', inner))
    assert marked == "The selected clause runs long. Overlap here."
    assert "⟦" not in highlight_html(text, spans)  # nothing selected, no brackets
