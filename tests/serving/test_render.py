from __future__ import annotations

from html.parser import HTMLParser

from rich.console import Console

from contracts.documents import Document
from contracts.findings import AnalysisResult, AnalyzerInfo, Finding
from serving.render import render_html, render_table, summary_line

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
