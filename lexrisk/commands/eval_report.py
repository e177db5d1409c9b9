"""`lexrisk eval report RUN_DIR... --out REPORT_DIR`: runs side by side, with plots and a cost section."""

from __future__ import annotations

import argparse
from pathlib import Path

from contracts.errors import CommandError
from lexrisk.commands.args import folder_to_write


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="put runs side by side: table with intervals, per-category bars, PR curves, cost",
                       description="Write REPORT_DIR/report.md and report.html with per_category.png and "
                                   "pr_curve.png. Cost per 1,000 contracts comes from each run's measured tokens "
                                   "and the throughput and prices given here; what is not given is shown as n/a.")
    p.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help="folders written by `lexrisk eval run`")
    p.add_argument("--out", type=folder_to_write, required=True, metavar="REPORT_DIR", help="folder for report.md, report.html and the PNGs")
    p.add_argument("--gpu-price", type=float, metavar="USD", help="price of one GPU-hour of the serving setup")
    p.add_argument("--throughput", type=float, action="append", default=[], metavar="TOKENS_PER_S",
                   help="measured tokens/s (prompt + generated) of the serving setup per GPU; once for all runs "
                        "or once per run, in order")
    p.add_argument("--api-name", default="hosted API", help="name of the hosted API priced below")
    p.add_argument("--api-input-price", type=float, metavar="USD", help="hosted API price per million input tokens")
    p.add_argument("--api-output-price", type=float, metavar="USD", help="hosted API price per million output tokens")
    p.add_argument("--note", action="append", default=[], help="a paragraph printed at the top (repeatable)")
    p.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    from eval.report import CostInputs, ReportError, load_run, write_report

    for value in [args.gpu_price, args.api_input_price, args.api_output_price, *args.throughput]:
        if value is not None and value < 0:
            raise CommandError("prices and throughput must not be negative")
    if any(v == 0 for v in args.throughput):
        raise CommandError("--throughput must be above 0")
    try:
        runs = [load_run(folder) for folder in args.runs]
        files = write_report(runs, args.out, CostInputs(args.gpu_price, args.throughput, args.api_name,
                                                        args.api_input_price, args.api_output_price),
                             preface=args.note)
    except ReportError as exc:
        raise CommandError(str(exc)) from None
    print(f"wrote {files['md']} and {files['html']}")
    return 0
