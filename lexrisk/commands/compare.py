"""`lexrisk compare CONTRACT --template TEMPLATE`: how a draft differs from the firm's standard, and
whether it matters. It lives in serving because it runs the analyzer on both documents, whose
categories help align clauses and set each deviation's severity."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("table", "json", "html", "docx", "csv", "xlsx")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("compare", help="compare a contract with a template (clause by clause)",
                              description="Align a contract's clauses with a template's, redline every difference "
                                          "and judge it against the playbook's positions.")
    p.add_argument("contract", type=Path, metavar="CONTRACT", help="the counterparty's draft (PDF, DOCX or TXT)")
    p.add_argument("--template", type=Path, required=True, help="the firm's standard (PDF, DOCX or TXT)")
    p.add_argument("--playbook", type=Path, help="YAML playbook (severities and positions) overriding the shipped one")
    p.add_argument("--analyzer", default="baseline",
                   help="analyzer for clause categories (default: baseline); 'none' compares the text alone")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="docx writes a redline (tracked changes) and a review copy (comments); docx, csv and "
                        "xlsx need --out")
    p.add_argument("--out", type=Path, help="write the report(s) into this folder")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from contracts.compare import compare_documents, document_redline, spans_of
    from contracts.errors import CommandError, IngestError
    from contracts.ingest import load_document
    from contracts.playbook import PlaybookError, load_playbook
    from lexrisk.settings import get_settings

    settings = get_settings()
    if args.format in ("docx", "csv", "xlsx") and not args.out:
        raise CommandError(f"--format {args.format} writes files: give --out DIR")
    try:
        playbook = load_playbook(args.playbook or settings.playbook)
    except PlaybookError as exc:
        raise CommandError(str(exc)) from None
    try:
        contract = load_document(args.contract, max_bytes=settings.max_upload_bytes, max_pages=settings.max_pages,
                                 pdf_extractor=settings.pdf_extractor)
        template = load_document(args.template, max_bytes=settings.max_upload_bytes, max_pages=settings.max_pages,
                                 pdf_extractor=settings.pdf_extractor)
    except IngestError as exc:
        raise CommandError(str(exc)) from None
    contract_findings, template_findings = [], []
    if args.analyzer != "none":
        from analyzers import AnalyzerLoadError, UnknownAnalyzerError, get_analyzer

        try:
            analyzer = get_analyzer(args.analyzer, settings, playbook)
        except (UnknownAnalyzerError, AnalyzerLoadError) as exc:
            raise CommandError(str(exc)) from None
        contract_findings = analyzer.analyze(contract).findings
        template_findings = analyzer.analyze(template).findings
    comparison = compare_documents(contract, template, playbook=playbook,
                                   contract_categories=spans_of(contract_findings),
                                   template_categories=spans_of(template_findings))
    stem = args.contract.stem
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    if args.format == "table":
        from serving.compare_render import render_table

        render_table(comparison, Console(width=None if sys.stdout.isatty() else 160))
        return 0
    if args.format == "json":
        body = comparison.model_dump_json(indent=2)
        _emit(body, args.out, f"{stem}.compare.json")
    elif args.format == "html":
        from serving.compare_render import render_html

        _emit(render_html(comparison, document_redline(comparison, template, contract)), args.out,
              f"{stem}.compare.html")
    elif args.format == "docx":
        from word.files import notes_for, redline_docx, review_docx
        from word.proofing_notes import proofing_notes

        title = f"Redline: {template.name} (template) -> {contract.name} (contract)"
        (args.out / f"{stem}.redline.docx").write_bytes(redline_docx(
            comparison, template, contract, template_data=args.template.read_bytes(),
            contract_data=args.contract.read_bytes(), title=title))
        (args.out / f"{stem}.review.docx").write_bytes(review_docx(
            contract, notes_for(comparison, contract_findings) + proofing_notes(contract), data=args.contract.read_bytes(),
            title=f"Review: {contract.name} against {template.name}"))
        print(f"wrote {args.out / (stem + '.redline.docx')} and {args.out / (stem + '.review.docx')}")
    else:
        from contracts.compare.tables import (
            COMPARISON_COLUMNS,
            FINDING_COLUMNS,
            comparison_rows,
            finding_rows,
            to_csv,
            to_xlsx,
        )

        rows, found = comparison_rows(comparison), finding_rows(contract_findings)
        if args.format == "csv":
            (args.out / f"{stem}.comparison.csv").write_text(to_csv(rows, COMPARISON_COLUMNS), encoding="utf-8")
            (args.out / f"{stem}.findings.csv").write_text(to_csv(found, FINDING_COLUMNS), encoding="utf-8")
            print(f"wrote {stem}.comparison.csv and {stem}.findings.csv in {args.out}")
        else:
            try:
                data = to_xlsx({"comparison": (COMPARISON_COLUMNS, rows), "findings": (FINDING_COLUMNS, found)})
            except ImportError as exc:
                raise CommandError(str(exc)) from None
            (args.out / f"{stem}.comparison.xlsx").write_bytes(data)
            print(f"wrote {args.out / (stem + '.comparison.xlsx')}")
    return 0


def _emit(body: str, out: Path | None, name: str) -> None:
    if out is None:
        sys.stdout.write(body if body.endswith("\n") else body + "\n")
    else:
        (out / name).write_text(body, encoding="utf-8")
