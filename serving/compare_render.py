"""Human-facing renderings of a Comparison: a terminal table and a standalone HTML redline."""

from __future__ import annotations

import html

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.compare.models import Comparison, RedlineOp
from serving.html_page import severity_css, two_pane_page
from serving.render import NARROW, SEVERITY_STYLE, print_block, shorten

VERDICT_STYLE = {"acceptable": "green", "needs_review": "yellow", "not_acceptable": "bold red"}


def summary_line(comparison: Comparison) -> str:
    s = comparison.summary
    verdicts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in s.by_verdict.items() if n)
    return (f"{s.matched} matched, {s.modified} modified, {s.missing} missing, {s.extra} extra"
            + (f" — {verdicts}" if verdicts else ""))


def render_table(comparison: Comparison, console: Console) -> None:
    """Every deviation (matched clauses left out) as a table, or below NARROW columns (`COLUMNS=80`, a pipe) as
    one block each, as `lexrisk analyze` prints its findings: six columns in 80 leave a word or two a line."""
    if console.width < NARROW:
        _blocks(comparison, console)
    else:
        _table(comparison, console)
    if not comparison.aligned:
        console.print("[yellow]Clause alignment is not confident: read the full-text redline "
                      "(--format html or docx).[/yellow]")
    console.print(summary_line(comparison), highlight=False)


def _blocks(comparison: Comparison, console: Console) -> None:
    console.print(escape(f"{comparison.contract.name} against {comparison.template.name}"), style="italic",
                  highlight=False)
    for pair in comparison.pairs:
        if pair.status == "matched":
            continue
        clause = pair.contract_clause or pair.template_clause
        assert clause is not None  # every pair has a side
        verdict, severity = pair.verdict or "", pair.severity or ""
        head = " · ".join(x for x in (
            pair.status, f"[{VERDICT_STYLE.get(verdict, '')}]{verdict.replace('_', ' ')}[/]" if verdict else "",
            f"[{SEVERITY_STYLE.get(severity, '')}]{severity}[/]" if severity else "",
            f"[bold]{escape(pair.category)}[/]" if pair.category else "") if x)
        print_block(console, head, shorten(clause.text, 120), pair.explanation)


def _table(comparison: Comparison, console: Console) -> None:
    table = Table(title=escape(f"{comparison.contract.name} against {comparison.template.name}"), title_justify="left",
                  show_lines=True, expand=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Verdict", max_width=14)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Category", max_width=22)
    table.add_column("Clause", ratio=3)
    table.add_column("What changed", ratio=4)
    for pair in comparison.pairs:
        if pair.status == "matched":
            continue
        clause = pair.contract_clause or pair.template_clause
        assert clause is not None  # every pair has a side
        verdict = pair.verdict or ""
        severity = pair.severity or ""
        table.add_row(pair.status, f"[{VERDICT_STYLE.get(verdict, '')}]{verdict.replace('_', ' ')}[/]",
                      f"[{SEVERITY_STYLE.get(severity, '')}]{severity}[/]", pair.category or "",
                      escape(shorten(clause.text, 120)), escape(pair.explanation))
    console.print(table)


def redline_html(ops: list[RedlineOp]) -> str:
    out = []
    for op in ops:
        text = html.escape(op.text)
        out.append(text if op.op == "equal" else f"<{op.op[:3]}>{text}</{op.op[:3]}>")
    return "".join(out)


def _clause_and_suggestion(text: str, suggestion: str | None) -> tuple[str, str]:
    """The Clause cell and the suggestion, as HTML. A missing clause's suggestion is, unless the playbook has
    a standard wording, the template's clause itself, which the Clause cell already shows: the row printed it
    twice, once cut short and once whole. It is then shown once, whole, in the Clause cell."""
    if suggestion is not None and suggestion.strip() == text.strip():
        return html.escape(text), "<p>Suggested: restore this clause in the template's words.</p>"
    shown = html.escape(shorten(text, 200))
    if suggestion:
        return shown, f"<details><summary>Suggested text</summary>{html.escape(suggestion)}</details>"
    return shown, ""


def render_html(comparison: Comparison, document_ops: list[RedlineOp]) -> str:
    """A standalone page: the whole redline (template -> contract) beside the list of deviations."""
    rows = []
    for pair in comparison.pairs:
        if pair.status == "matched":
            continue
        clause = pair.contract_clause or pair.template_clause
        assert clause is not None
        shown, suggestion = _clause_and_suggestion(clause.text, pair.suggestion)
        rows.append(f'<tr class="{pair.severity or "info"}"><td>{pair.severity or ""}</td><td>{pair.status}</td>'
                    f"<td>{(pair.verdict or '').replace('_', ' ')}</td><td>{html.escape(pair.category or '')}</td>"
                    f"<td>{clause.page}</td><td>{shown}</td>"
                    f"<td>{html.escape(pair.explanation)}{suggestion}</td></tr>")
    title = f"{html.escape(comparison.contract.name)} against {html.escape(comparison.template.name)}"
    warning = "" if comparison.aligned else "<p><strong>Clause alignment is not confident; the redline is full-text.</strong></p>"
    side = ("<table><thead><tr><th>Severity</th><th>Status</th><th>Verdict</th><th>Category</th><th>Page</th>\n"
            f"<th>Clause</th><th>What changed</th></tr></thead>\n<tbody>\n{chr(10).join(rows)}\n</tbody></table>")
    css = f"""ins {{ color: #1d4ed8; }} del {{ color: #b91c1c; }}
{severity_css("tr.{s} td:first-child")}"""
    return two_pane_page(title=title, header=f"<strong>{title}</strong> — {html.escape(summary_line(comparison))}{warning}",
                         text=redline_html(document_ops), side_id="pairs", side=side, css=css)
