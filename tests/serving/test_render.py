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
    assert "<p>Proofing: 0 items; not run: undefined term" in proofed and "<th>Check</th>" not in proofed  # no empty table there either
    _, one = _result()
    assert summary_line(one.model_copy(update={"findings": one.findings[:1]})).startswith("1 finding: ")


def test_a_narrow_terminal_gets_each_finding_as_a_block_with_its_words_whole() -> None:
    """At 80 columns (a piped `lexrisk analyze`) the five-column table gave "Why it matters" a dozen characters
    and cut its words ("relations…"); each finding is now its head line, its clause and its reason, wrapped."""
    from contracts.proofing.models import make_item

    document, result = _result()
    why = ("Makes the relationship exclusive; names Customer. Locks a party into one counterparty or blocks "
           "dealing with others.")
    findings = [f.model_copy(update={"explanation": why}) for f in result.findings]
    start = TEXT.index("Renews")
    item = make_item(document, "undefined_term", "medium", "Renews is capitalised but never defined", start, start + 6,
                     suggestion="define it or write it in lower case")
    narrow = result.model_copy(update={"findings": findings, "proofing": [item]})
    console = Console(record=True, width=80)
    render_table(narrow, console)
    out = console.export_text()
    lines = out.splitlines()
    assert "┃" not in out and "│ high" not in out  # no findings table
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)
    assert "high · Uncapped Liability · page 1" in out and "medium · undefined term · page 1" in out
    assert " ".join(out.split()).count("Why it matters: " + why) == 3  # every word of every reason, none cut
    assert "Renews is capitalised but never defined — define it or write it in lower case" in " ".join(out.split())
    assert out.index("Uncapped Liability") < out.index("Cap on Liability")  # still the most severe first
    wide = Console(record=True, width=200)
    render_table(narrow, wide)
    assert "┃ Severity" in wide.export_text()  # a wide terminal keeps the table
