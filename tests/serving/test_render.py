from __future__ import annotations

from html.parser import HTMLParser

from rich.console import Console

from contracts.documents import Document
from contracts.findings import AnalysisResult, AnalyzerInfo, Finding
from contracts.terms import extract_terms
from serving.render import NO_FINDINGS, render_html, render_table, summary_line

TEXT = "1. Liability. Liability is unlimited <for fraud>. 2. Term. Renews automatically."


def _finding(category: str, severity: str, quote: str) -> Finding:
    start = TEXT.index(quote)
    return Finding(category=category, severity=severity, quote=quote, start=start, end=start + len(quote), page=1,
                   score=0.9, explanation=f"why {category}")


def _result() -> tuple[Document, AnalysisResult]:
    document = Document.from_text("c.txt", TEXT)
    findings = [
        _finding("Cap on Liability", "medium", "Liability is unlimited <for fraud>."),
        _finding("Uncapped Liability", "high", "unlimited <for fraud>"),  # overlaps the first
        _finding("Renewal Term", "high", "Renews automatically."),
    ]
    return document, AnalysisResult(document=document.info, analyzer=AnalyzerInfo(name="t", version="1"),
                                    findings=findings)


class _Marks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.max_depth = 0
        self.text = ""
        self.in_text = False

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
        if ("id", "text") in attrs:
            self.in_text = True

    def handle_endtag(self, tag):
        if tag == "mark":
            self.depth -= 1
        if tag == "div":
            self.in_text = False

    def handle_data(self, data):
        if self.in_text:
            self.text += data


def test_html_is_well_formed_with_overlapping_findings():
    document, result = _result()
    page = render_html(document, result)
    parser = _Marks()
    parser.feed(page)
    assert parser.depth == 0 and parser.max_depth == 1
    assert parser.text == TEXT  # the contract text survives escaping intact
    assert page.index('class="high" title="Cap on Liability (medium); Uncapped Liability (high)"') > 0
    assert "&lt;for fraud&gt;" in page


def test_table_orders_by_severity_and_summarises():
    _, result = _result()
    console = Console(record=True, width=200)
    render_table(result, console)
    out = console.export_text()
    assert out.index("Uncapped Liability") < out.index("Cap on Liability")
    assert summary_line(result) == "3 findings: 2 high, 1 medium, 0 low, 0 info"


def test_contract_text_that_looks_like_rich_markup_is_printed_as_written() -> None:
    # "[/i]" made rich raise MarkupError (the whole table lost as a crash); "[bold]" was eaten as a style
    text = ('This Agreement is made between Acme [bold] Inc. ("Seller") and Beta LLC ("Buyer").\n\n'
            "1. Liability. Liability is unlimited for [/i] fraud.")
    document = Document.from_text("draft [v2].txt", text)
    quote = "Liability is unlimited for [/i] fraud."
    start = text.index(quote)
    finding = Finding(category="Uncapped Liability", severity="high", quote=quote, start=start, end=start + len(quote),
                      page=1, score=0.9, explanation="why [/b] it matters")
    result = AnalysisResult(document=document.info, analyzer=AnalyzerInfo(name="t", version="1"), findings=[finding],
                            terms=extract_terms(document))
    console = Console(record=True, width=250)
    render_table(result, console)
    out = console.export_text()
    assert "draft [v2].txt — key terms" in out and "draft [v2].txt — 1 page" in out
    assert "Acme [bold] Inc." in out and "[/i] fraud." in out and "why [/b] it matters" in out


def test_no_findings_reads_as_a_sentence_and_counts_read_as_words() -> None:
    document = Document.from_text("c.txt", "1. Payment. Payment is due on delivery.")
    result = AnalysisResult(document=document.info, analyzer=AnalyzerInfo(name="t", version="1"), findings=[])
    console = Console(record=True, width=200)
    render_table(result, console)
    out = console.export_text()
    assert f"c.txt — 1 page, {len(document.text)} characters: {NO_FINDINGS}" in out
    assert "Severity" not in out and "0 findings: 0 high" in out
    page = render_html(document, result)
    assert f"<p>{NO_FINDINGS}</p>" in page and "<th>Severity</th>" not in page and " · 1 page ·" in page
    proofed = render_html(document, result.model_copy(update={"proofing": []}))
    assert "<p>Proofing: 0 items</p>" in proofed and "<th>Check</th>" not in proofed  # no empty table there either
    _, one = _result()
    assert summary_line(one.model_copy(update={"findings": one.findings[:1]})).startswith("1 finding: ")
