"""`lexrisk compare CONTRACT --template TEMPLATE`: how a draft differs from the firm's standard, and
whether it matters. It lives in serving because it runs the analyzer on both documents, whose
categories help align clauses and set each deviation's severity.

Comparing grows faster than the texts (the redline diffs paired paragraphs word by word: one 234k-character
pair takes 14 s for the Word redline; the review copy anchors a comment per deviation), so, as the API does, every
costly step runs in the file worker under the file budget (LEXRISK_FILE_BUDGET_S, LEXRISK_FILE_MEMORY_MB;
serving/file_worker.py): reading and analysing each file, the comparison, the HTML's full-document redline and
each Word file, each step a budget of its own. Past it, or for an unreadable file: one line and status 2; a crash
in lexrisk's own code: one line and status 1, the traceback with --debug. LEXRISK_INGEST_ISOLATION off runs it
all in the command itself."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexrisk.commands.args import CONTRACT_FILES, folder_to_write
from lexrisk.commands.file_budget import crash_line, load, start_worker
from lexrisk.commands.output import make_folder, write_file

if TYPE_CHECKING:
    from contracts.documents import Document
    from contracts.findings import Finding
    from contracts.key_terms import KeyTerms
    from serving.file_worker import Call, FileWorker

EXIT_CRASH = 1
FORMATS = ("table", "json", "html", "docx", "csv", "xlsx")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("compare", help="compare a contract with a template (clause by clause)",
                              description="Align a contract's clauses with a template's, redline every difference "
                                          "and judge it against the playbook's positions.")
    p.add_argument("contract", type=Path, metavar="CONTRACT", help=f"the counterparty's draft ({CONTRACT_FILES})")
    p.add_argument("--template", type=Path, required=True, help=f"the firm's standard ({CONTRACT_FILES})")
    p.add_argument("--playbook", type=Path, help="YAML playbook (severities and positions) overriding the shipped one")
    p.add_argument("--analyzer", default="baseline",
                   help="analyzer for clause categories (default: baseline); 'none' compares the text alone")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="docx writes a redline (tracked changes) and a review copy (comments); docx, csv and "
                        "xlsx need --out; table with --out prints the table on stderr and writes the JSON, as "
                        "analyze does")
    p.add_argument("--out", type=folder_to_write, help="write the report(s) into this folder")
    p.add_argument("--debug", action="store_true", help="print the traceback of a crash")
    p.set_defaults(handler=run)


class _Crashed(Exception):
    """A crash in lexrisk's own code during one step: its one line and its traceback."""

    def __init__(self, line: str, trace: str | None) -> None:
        super().__init__(line)
        self.line, self.trace = line, trace


def run(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from contracts.playbook import PlaybookError, load_playbook
    from lexrisk.settings import get_settings
    from serving.file_worker import process_memory

    caller_bytes = process_memory("self")  # what the interpreter held before this command loaded anything
    settings = get_settings()
    if args.format in ("docx", "csv", "xlsx") and not args.out:
        raise CommandError(f"--format {args.format} writes files: give --out DIR")
    if args.out:
        make_folder(args.out)  # before the work: a folder the OS refuses is one line, not a lost comparison
    try:
        playbook = load_playbook(args.playbook or settings.playbook)
    except PlaybookError as exc:
        raise CommandError(str(exc)) from None
    analyzer = None
    if args.analyzer != "none":
        from analyzers import AnalyzerLoadError, UnknownAnalyzerError, get_analyzer

        try:
            analyzer = get_analyzer(args.analyzer, settings, playbook)
        except (UnknownAnalyzerError, AnalyzerLoadError) as exc:
            raise CommandError(str(exc)) from None
    try:
        return _compare(args, settings, playbook, analyzer, caller_bytes)
    except _Crashed as crash:
        print(f"lexrisk: crash: {crash.line}" + ("" if args.debug else "; run with --debug for the traceback"),
              file=sys.stderr)
        if args.debug and crash.trace:
            print(crash.trace, file=sys.stderr, end="")
        return EXIT_CRASH


def _compare(args: argparse.Namespace, settings: Any, playbook: Any, analyzer: Any, caller_bytes: int) -> int:
    # imported before the worker forks, so that it inherits the steps' code rather than import it within a budget
    from contracts.compare import document_redline
    from contracts.findings import reported
    from serving.comparisons import compute, word_export, word_title
    from serving.file_worker import Call
    from serving.render import console_on

    worker = start_worker(analyzer, settings, caller_bytes)
    try:
        contract, contract_findings, contract_terms = _read(args.contract, settings, analyzer, worker)
        template, template_findings, template_terms = _read(args.template, settings, analyzer, worker)

        def within(phase: str, fn: Any, *fn_args: Any) -> Any:
            # each step's budget line begins with the contract's name: "draft.txt: redlining the file took ..."
            return _within(worker, Call(fn, fn_args, phase), contract.name)

        comparison = within("comparing the template with", compute, contract, template, contract_findings,
                            template_findings, playbook, contract_terms, template_terms)
        # the Word and table files list the risks the table and the HTML do: the possible findings (passages to
        # check, in the JSON) are no risk; the comparison's categories leave them out too (spans_of)
        risks = [f for f in contract_findings if reported(f.possible)]
        stem = args.contract.stem
        if args.format == "table":
            from serving.compare_render import render_table

            # as `analyze --format table --out`: the table on stderr, the report a program reads (JSON) in the folder
            render_table(comparison, console_on(sys.stderr if args.out else sys.stdout))
            if args.out:
                _emit(comparison.model_dump_json(indent=2), args.out, f"{stem}.compare.json")
        elif args.format == "json":
            _emit(comparison.model_dump_json(indent=2), args.out, f"{stem}.compare.json")
        elif args.format == "html":
            from serving.compare_render import render_html

            redline = within("redlining", document_redline, comparison, template, contract)
            _emit(render_html(comparison, redline), args.out, f"{stem}.compare.html")
        elif args.format == "docx":
            contract_data = args.contract.read_bytes()
            redline_data = within("building the redline of", word_export, "redline.docx", comparison, contract,
                                  template, risks, word_title("redline.docx", contract.name, template.name),
                                  contract_data, args.template.read_bytes())
            review_data = within("building the review copy of", word_export, "review.docx", comparison, contract,
                                 template, risks, word_title("review.docx", contract.name, template.name),
                                 contract_data, None)
            write_file(args.out / f"{stem}.redline.docx", redline_data)
            write_file(args.out / f"{stem}.review.docx", review_data)
        else:
            _tables(args, comparison, risks, stem)
        return 0
    finally:
        if worker is not None:
            worker.close()


def _read(path: Path, settings: Any, analyzer: Any,
          worker: FileWorker | None) -> tuple[Document, list[Finding], KeyTerms | None]:
    """The file's document, findings and key terms (none without an analyzer), read and analysed in the worker
    under the file budget, or here with isolation off. Raises CommandError for the file's fault, _Crashed for ours."""
    from contracts.errors import CommandError

    loaded = load(path, settings, worker)
    if loaded.refused is not None:
        raise CommandError(loaded.refused)
    if loaded.crashed is not None:
        raise _Crashed(loaded.crashed, loaded.trace)
    assert loaded.document is not None  # neither refused nor crashed
    if analyzer is None:
        return loaded.document, [], None
    try:
        result = loaded.result or analyzer.analyze(loaded.document)
    except Exception as exc:
        raise _Crashed(crash_line(path, exc), traceback.format_exc()) from None
    return loaded.document, list(result.findings), result.terms


def _within(worker: FileWorker | None, call: Call, name: str) -> Any:
    """`call`'s value, from the worker under the file budget, or here with isolation off. Past the budget: a
    CommandError with BudgetExceeded's line ("draft.txt: building the redline of the file took longer than
    20 s, the budget of one file; it was stopped"); a crash: _Crashed."""
    from contracts.errors import CommandError

    if worker is None:
        try:
            return call.fn(*call.args)
        except Exception as exc:
            raise _Crashed(crash_line(name, exc), traceback.format_exc()) from None
    outcome = worker.call(call, name)
    if outcome.refusal is not None:
        raise CommandError(str(outcome.refusal))
    if outcome.crash is not None:
        raise _Crashed(outcome.crash, outcome.trace)
    return outcome.value


def _tables(args: argparse.Namespace, comparison: Any, findings: list[Finding], stem: str) -> None:
    """--format csv or xlsx: the comparison's rows and the contract's findings, the API's download files."""
    from contracts.errors import CommandError
    from serving.comparisons import table_export

    if args.format == "csv":
        for kind in ("comparison.csv", "findings.csv"):
            write_file(args.out / f"{stem}.{kind}", table_export(kind, comparison, findings))
        return
    try:
        data = table_export("comparison.xlsx", comparison, findings)
    except ImportError as exc:
        raise CommandError(str(exc)) from None
    write_file(args.out / f"{stem}.comparison.xlsx", data)


def _emit(body: str, out: Path | None, name: str) -> None:
    if out is None:
        sys.stdout.write(body if body.endswith("\n") else body + "\n")
    else:
        write_file(out / name, body)
