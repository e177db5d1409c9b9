"""Human-facing renderings of an AnalysisResult: a terminal table and a standalone HTML report."""

from __future__ import annotations

import html
import itertools
import textwrap
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.documents import Document
from contracts.findings import AnalysisResult, reported
from contracts.playbook import SEVERITY_ORDER
from contracts.proofing import not_run
from contracts.proofing.models import ProofingItem
from serving.html_page import severity_css, two_pane_page
from serving.render_terms import anchors, term_rows, terms_html

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
# below this many columns (a piped `lexrisk analyze` prints 80) a five-column table leaves the clause and its
# reason a dozen characters each, cut mid-word ("relations…", "counterpa…"): each finding is a block instead
NARROW = 110


NO_FINDINGS = "No risky clause found."


def counted(n: int, noun: str) -> str:
    """ "1 page", "3 pages": a count as a report's reader reads it."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def shorten(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def ordered(result: AnalysisResult) -> list:
    """Most severe first, then in reading order: how a lawyer triages."""
    return sorted(result.findings, key=lambda f: (-SEVERITY_ORDER[f.severity], f.start))


def summary_line(result: AnalysisResult) -> str:
    counts = Counter(f.severity for f in result.findings)
    parts = [f"{counts.get(s, 0)} {s}" for s in ("high", "medium", "low", "info")]
    return f"{counted(len(result.findings), 'finding')}: " + ", ".join(parts)


def console_on(stream: TextIO) -> Console:
    """The console a command prints its table on: a terminal's own width, else COLUMNS (80 when unset), so
    that `COLUMNS=80 lexrisk compare ... | cat` is as wide as `lexrisk analyze ... | cat`; below NARROW each
    row is a block (`print_block`) instead of a cramped table."""
    return Console(file=stream)


def risks_only(result: AnalysisResult) -> tuple[AnalysisResult, int]:
    """`result` with only the findings a lawyer's file lists (`contracts.findings.reported`), and how many
    passages (distinct spans, as the app's "Possible — check" counts them) the possible ones it leaves out are on."""
    left_out = {(f.start, f.end) for f in result.findings if not reported(f.possible)}
    return result.model_copy(update={"findings": [f for f in result.findings if reported(f.possible)]}), len(left_out)


def possible_line(passages: int) -> str:
    """The line under the findings table saying where the passages it leaves out are (--format json)."""
    if passages == 1:
        return ('1 possible passage to check (scored below the analyzer\'s threshold, so not listed as a risk) '
                'is in --format json, marked "possible"')
    return (f'{passages:,} possible passages to check (scored below the analyzer\'s threshold, so not listed as '
            'risks) are in --format json, marked "possible"')


def render_table(result: AnalysisResult, console: Console, *, possible: int = 0) -> None:
    """The key terms, the findings of `result` most severe first, the summary line and the proofing section;
    `possible`: the passages of possible findings left out of `result` (`risks_only`), said under the table."""
    doc = result.document
    if result.terms is not None:
        terms = Table(title=f"{escape(doc.name)} — key terms", title_justify="left", expand=True, show_header=False)
        terms.add_column("Term", no_wrap=True, style="bold")
        terms.add_column("Value", ratio=1)
        terms.add_column("Page", justify="right", no_wrap=True)
        for label, shown, page, _ in term_rows(result.terms):
            terms.add_row(label, escape(shown), str(page or ""))
        console.print(terms)
    heading = f"{doc.name} — {counted(doc.pages, 'page')}, {counted(doc.chars, 'character')}"
    if result.findings and console.width < NARROW:
        console.print(escape(heading), style="italic", highlight=False)
        for f in ordered(result):
            print_block(console, f"[{SEVERITY_STYLE[f.severity]}]{f.severity}[/] · [bold]{escape(f.category)}[/] · "
                        f"page {f.page}", shorten(f.quote), f"Why it matters: {f.explanation}")
    elif result.findings:
        table = Table(title=escape(heading), title_justify="left", show_lines=True, expand=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Category", min_width=16, max_width=22)
        table.add_column("Page", justify="right", no_wrap=True)
        table.add_column("Clause", ratio=5)
        table.add_column("Why it matters", ratio=3)
        for f in ordered(result):
            table.add_row(f"[{SEVERITY_STYLE[f.severity]}]{f.severity}[/]", f.category, str(f.page),
                          escape(shorten(f.quote)), escape(f.explanation))
        console.print(table)
    else:
        console.print(f"{escape(heading)}: {NO_FINDINGS}", highlight=False)
    console.print(summary_line(result) + f"  (analyzer {result.analyzer.name} {result.analyzer.version},"
                  f" {result.stats.seconds:.2f} s)", highlight=False)
    if possible:
        console.print(textwrap.fill(possible_line(possible), console.width), highlight=False, markup=False)
    if result.proofing is not None:
        render_proofing_table(result.proofing, console)


def proofing_shown(items: Sequence[ProofingItem]) -> list[ProofingItem]:
    """Most severe first, then in reading order; redaction marks (info) only counted, not listed: a
    redacted filing has hundreds and they hide the defects."""
    return sorted((i for i in items if i.kind != "redaction"), key=lambda i: (-SEVERITY_ORDER[i.severity], i.start))


def proofing_line(items: Sequence[ProofingItem]) -> str:
    counts = Counter(i.kind for i in items)
    redacted = f"; {counts.pop('redaction')} redaction marks" if "redaction" in counts else ""
    shown = sum(counts.values())
    parts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.most_common())
    return f"Proofing: {counted(shown, 'item')}" + (f" ({parts})" if parts else "") + redacted + _not_run_note()


def _not_run_note() -> str:
    """The checks this process's LEXRISK_PROOFING_KINDS left off (by default all but redaction), the ones
    `lexrisk analyze` proofread with: "0 items" is no pass of a check that never ran. Worded for the lawyer
    who reads the table or the page: who can turn them on, not the setting's name."""
    from contracts.settings import CommonSettings, load_settings

    off, reason = not_run(load_settings(CommonSettings).proofing_kinds, for_lawyers=True)
    return f"; not run: {', '.join(k.replace('_', ' ') for k in off)} — {reason}" if off else ""


def render_proofing_table(items: Sequence[ProofingItem], console: Console) -> None:
    """The Proofing section: drafting defects, apart from the risks."""
    shown = proofing_shown(items)
    if shown and console.width < NARROW:
        console.print("Proofing", style="italic")
        for i in shown:
            print_block(console, f"[{SEVERITY_STYLE[i.severity]}]{i.severity}[/] · [bold]{i.kind.replace('_', ' ')}[/] · "
                        f"page {i.page}", shorten(i.quote, 80), i.message + (f" — {i.suggestion}" if i.suggestion else ""))
    elif shown:
        table = Table(title="Proofing", title_justify="left", show_lines=True, expand=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Check", min_width=12, max_width=20)
        table.add_column("Page", justify="right", no_wrap=True)
        table.add_column("Text", ratio=2)
        table.add_column("Problem", ratio=4)
        for i in shown:
            problem = i.message + (f" — {i.suggestion}" if i.suggestion else "")
            table.add_row(f"[{SEVERITY_STYLE[i.severity]}]{i.severity}[/]", i.kind.replace("_", " "), str(i.page),
                          escape(shorten(i.quote, 80)), escape(problem))
        console.print(table)
    # wrapped here: Rich's own wrap leaves each line a trailing space
    console.print(textwrap.fill(proofing_line(items), console.width), highlight=False)


def print_block(console: Console, head: str, quote: str, said: str) -> None:
    """One finding (or proofing item) on a narrow console: its head line (markup), then the words it is about
    and what it says, as written (no markup), indented under it and wrapped at word boundaries. Wrapped here,
    not by rich's Padding, which pads every line to the full width with spaces."""
    console.print()
    console.print(head, highlight=False)
    for text, style in ((quote, "dim"), (said, "")):
        console.print(textwrap.fill(text, width=max(20, console.width - 1), initial_indent="  ", subsequent_indent="  "),
                      style=style, markup=False, highlight=False, soft_wrap=True)


def _proofing_html(items: Sequence[ProofingItem]) -> str:
    shown = proofing_shown(items)
    rows = "\n".join(
        f'<tr class="{i.severity}"><td>{i.severity}</td><td><a href="#p{k}">{html.escape(i.kind.replace("_", " "))}'
        f"</a></td><td>{i.page}</td><td>{html.escape(shorten(i.quote, 120))}</td><td>{html.escape(i.message)}"
        + (f"<br><em>{html.escape(i.suggestion)}</em>" if i.suggestion else "") + "</td></tr>"
        for k, i in enumerate(shown))
    table = ("<table><thead><tr><th>Severity</th><th>Check</th><th>Page</th><th>Text</th><th>Problem</th></tr></thead>"
             f"<tbody>\n{rows}\n</tbody></table>") if shown else ""  # no empty table with its headings
    return f'<h2 id="proofing">Proofing</h2><p>{html.escape(proofing_line(items))}</p>{table}'


def _highlighted(text: str, findings: list, proofing: Sequence[ProofingItem] = (),
                 term_anchors: set[int] | frozenset[int] = frozenset()) -> str:
    """The text cut at every finding boundary; each piece inside findings is one <mark> coloured by the
    most severe finding covering it, so overlapping findings still give well-formed HTML. Proofing items
    (in the order of their table) are underlined inside that, each with an anchor the table links to; each
    key term's quote gets an anchor (`t<offset>`) that the key-terms table links to."""
    cuts = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings),
                   *(p.start for p in proofing), *(p.end for p in proofing), *term_anchors})
    pieces: list[str] = []
    for a, b in itertools.pairwise(cuts):
        covering = [i for i, f in enumerate(findings) if f.start <= a and b <= f.end]
        chunk = html.escape(text[a:b])
        if any(p.start <= a and b <= p.end for p in proofing):
            chunk = f'<span class="proofing">{chunk}</span>'
        chunk = "".join(f'<a id="p{k}"></a>' for k, p in enumerate(proofing) if p.start == a) + chunk
        chunk = (f'<a id="t{a}"></a>' if a in term_anchors else "") + chunk
        if not covering:
            pieces.append(chunk)
            continue
        top = max(covering, key=lambda i: SEVERITY_ORDER[findings[i].severity])
        labels = "; ".join(f"{findings[i].category} ({findings[i].severity})" for i in covering)
        anchor = "".join(f'<a id="f{i}"></a>' for i in covering if findings[i].start == a)
        pieces.append(f'{anchor}<mark class="{findings[top].severity}" title="{html.escape(labels)}">{chunk}</mark>')
    return "".join(pieces)


def render_html(document: Document, result: AnalysisResult, *, reviews: Sequence[str] | None = None) -> str:
    """A standalone page: the contract text with every finding highlighted and listed beside it.
    `reviews`, one per finding of `result` in its order, adds a column with the reviewer's decision (the
    service's export of a reviewed analysis)."""
    text = document.text
    findings = sorted(result.findings, key=lambda f: f.start)
    index = {id(f): i for i, f in enumerate(findings)}
    decision = {id(f): r for f, r in zip(result.findings, reviews, strict=True)} if reviews is not None else {}
    body = _highlighted(text, findings, proofing_shown(result.proofing or []), anchors(result.terms))
    rows = "\n".join(
        f'<tr class="{f.severity}"><td>{f.severity}</td><td><a href="#f{index[id(f)]}">'
        f"{html.escape(f.category)}</a></td><td>{f.page}</td><td>{html.escape(shorten(f.quote, 220))}</td>"
        f"<td>{html.escape(f.explanation)}</td>"
        + (f"<td>{html.escape(decision[id(f)])}</td>" if reviews is not None else "") + "</tr>"
        for f in ordered(result))
    review_head = "<th>Your review</th>" if reviews is not None else ""
    findings_table = (f"<table><thead><tr><th>Severity</th><th>Category</th><th>Page</th><th>Clause</th>"
                      f"<th>Why it matters</th>{review_head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>"
                      if findings else f"<p>{NO_FINDINGS}</p>")
    title = html.escape(document.name)
    header = (f"<strong>{title}</strong> — {summary_line(result)} · {counted(document.info.pages, 'page')} ·\n"
              f"analyzer {html.escape(result.analyzer.name)} {html.escape(result.analyzer.version)}")
    side = (f"{terms_html(result.terms)}\n{findings_table}"
            f"{_proofing_html(result.proofing) if result.proofing is not None else ''}")
    css = f"""{severity_css("mark.{s}, tr.{s} td:first-child")}
table.terms {{ margin-bottom: 1rem; }} table.terms caption {{ text-align: left; font-weight: bold; }}
span.proofing {{ border-bottom: 2px dashed #7c3aed; }}
h2 {{ font-size: 1rem; margin-top: 1.5rem; }}"""
    return two_pane_page(title=title, header=header, text=body, side_id="findings", side=side, css=css)

