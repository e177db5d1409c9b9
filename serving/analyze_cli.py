"""`lexrisk analyze FILE...`: the lawyer's command."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contracts.errors import IngestError
from contracts.findings import AnalysisResult
from contracts.playbook import PlaybookError, load_playbook


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("analyze", help="find the risks in contracts (PDF, DOCX, TXT)",
                              description="Analyze contracts and report every risk clause with its severity.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="contracts to analyze (PDF, DOCX or TXT)")
    p.add_argument("--analyzer", default="baseline", help="analyzer backend (default: baseline, embedded)")
    p.add_argument("--format", choices=["table", "json", "html"], default="table",
                   help="table on the terminal (default), JSON (the AnalysisResult schema) or an HTML report")
    p.add_argument("--out", type=Path, help="write one report per input into this folder")
    p.add_argument("--playbook", type=Path, help="YAML severity playbook overriding the shipped one")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from contracts.errors import CommandError
    from contracts.settings import get_settings
    from serving.analyzers import AnalyzerLoadError, UnknownAnalyzerError, get_analyzer
    from serving.render import render_html, render_table

    settings = get_settings()
    err = Console(stderr=True)
    try:
        playbook = load_playbook(args.playbook or settings.playbook)
        analyzer = get_analyzer(args.analyzer, settings, playbook)
    except (PlaybookError, UnknownAnalyzerError, AnalyzerLoadError) as exc:
        raise CommandError(str(exc)) from None
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)

    results: list[AnalysisResult] = []
    failures = 0
    for path, document, error in _load_all(args.files, settings, err):
        if error is not None:
            failures += 1
            err.print(f"[red]lexrisk: {error}[/red]", highlight=False, soft_wrap=True)
            continue
        result = analyzer.analyze(document)
        results.append(result)
        if args.format == "table":
            render_table(result, Console() if not args.out else err)
        if args.out:
            suffix = {"json": ".json", "html": ".html", "table": ".json"}[args.format]
            target = args.out / f"{_report_stem(path, args.files)}{suffix}"
            body = render_html(document, result) if args.format == "html" else _json(result)
            target.write_text(body, encoding="utf-8")
        elif args.format == "html":
            sys.stdout.write(render_html(document, result))

    if args.format == "json" and not args.out:
        payload = [r.model_dump(mode="json") for r in results]
        print(json.dumps(payload[0] if len(args.files) == 1 and payload else payload, indent=2, ensure_ascii=False))
    return 1 if failures else 0


def _report_stem(path: Path, inputs: list[Path]) -> str:
    """The input's stem, or its whole name when another input shares the stem (contract.pdf and
    contract.docx), so that no report overwrites another."""
    clashes = sum(p.stem == path.stem for p in inputs) > 1
    return path.name if clashes else path.stem


def _json(result: AnalysisResult) -> str:
    return result.model_dump_json(indent=2)


def _load_all(paths: list[Path], settings, console):
    """Yield (path, document, error) per input, with a progress bar when there are several."""
    from rich.progress import Progress

    from contracts.ingest import load_document

    def load(path: Path):
        try:
            return path, load_document(path, max_bytes=settings.max_upload_bytes, max_pages=settings.max_pages,
                                       pdf_extractor=settings.pdf_extractor), None
        except IngestError as exc:
            return path, None, str(exc)

    if len(paths) == 1:
        yield load(paths[0])
        return
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Analyzing", total=len(paths))
        for path in paths:
            yield load(path)
            progress.advance(task)
