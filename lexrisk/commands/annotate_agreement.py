"""`lexrisk annotate agreement` and `adjudicate`."""

from __future__ import annotations

import argparse
import json

from lexrisk.commands.annotate_common import add_tenant_argument
from lexrisk.commands.args import file_to_write, needs_existing_store


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("agreement", help="inter-annotator agreement (kappa per category, span F1, severity)",
                       description="Inter-annotator agreement on the store's labels: Cohen's kappa per category, span F1 and severity kappa.")
    s.add_argument("--json", type=file_to_write, help="write the full figures (per annotator pair) here")
    s.add_argument("--iou", type=float, default=0.5, help="least character IoU for two spans to match (default 0.5)")
    s.add_argument("--annotator", action="append", help="only these annotators (repeatable)")
    add_tenant_argument(s)
    needs_existing_store(s).set_defaults(handler=_agreement)

    s = sub.add_parser("adjudicate", help="list disagreements; record an adjudicator's decisions as gold",
                       description="Without --accept/--reject/--accept-agreed, list the undecided disagreements.")
    s.add_argument("--reviewer", help="the adjudicator's name (needed to decide)")
    s.add_argument("--accept", type=int, action="append", default=[], metavar="ID",
                   help="make this label gold, rejecting the others of its cluster (repeatable)")
    s.add_argument("--reject", type=int, action="append", default=[], metavar="ID", help="reject this label (repeatable)")
    s.add_argument("--accept-agreed", action="store_true", help="accept every label all annotators agree on")
    s.add_argument("--comment", help="why (kept with the decision)")
    s.add_argument("--json", type=file_to_write, help="write the disagreements here")
    add_tenant_argument(s)
    needs_existing_store(s).set_defaults(handler=_adjudicate)


def _agreement(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from annotation.agreement import agreement
    from contracts.errors import CommandError
    from lexrisk.commands.annotate_common import open_tenant_store

    if not 0 < args.iou <= 1:
        raise CommandError(f"--iou {args.iou} must be in (0, 1]")
    store = open_tenant_store(args)
    with store.session() as session:
        figures = agreement(session, args.tenant, annotators=args.annotator, min_iou=args.iou)
    if figures["contracts"] == 0:
        raise CommandError("no contract is labelled by two or more annotators yet")
    table = Table(title=f"Agreement on {figures['contracts']} contracts ({', '.join(figures['annotators'])})")
    for column in ("category", "clauses", "votes", "Fleiss κ", "Cohen κ (mean)", f"span F1 (IoU≥{args.iou})"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for name, row in figures["categories"].items():
        table.add_row(name, str(row["clause_items"]), str(row["positive_votes"]), _fmt(row["fleiss_kappa"]),
                      _fmt(row["cohen_kappa_mean"]), _fmt(row["span_f1"]))
    console = Console()
    console.print(table)
    severity = figures["severity"]
    console.print(f"severity, quadratic-weighted κ on {severity['matched_spans']} matched spans: "
                  f"{_fmt(severity['weighted_kappa'])}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _adjudicate(args: argparse.Namespace) -> int:
    from annotation.adjudication import accept_agreed, decide, disagreements
    from annotation.store import StoreError
    from contracts.errors import CommandError
    from lexrisk.commands.annotate_common import open_tenant_store

    deciding = args.accept or args.reject or args.accept_agreed
    if deciding and not args.reviewer:
        raise CommandError("--reviewer NAME is needed to record a decision")
    store = open_tenant_store(args)
    try:
        with store.session() as session:
            if args.accept_agreed:
                print(f"accepted {accept_agreed(session, args.tenant, args.reviewer)} agreed labels")
            if args.accept or args.reject:
                counts = decide(session, args.tenant, args.reviewer, accept=args.accept, reject=args.reject, comment=args.comment)
                print(f"accepted {counts['accepted']}, rejected {counts['rejected']}")
            if not deciding:
                listed = disagreements(session, args.tenant)
                _print(listed)
                if args.json:
                    args.json.write_text(json.dumps(listed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _print(listed: list[dict]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(listed)} undecided disagreements")
    for column in ("contract", "category", "labels (id annotator severity start..end)", "why"):
        table.add_column(column)
    for d in listed:
        labels = "\n".join(f"#{x['id']} {escape(x['annotator'])} {x['severity']} {x['start']}..{x['end']}" for x in d["labels"])
        table.add_row(escape(d["contract"]), d["category"], labels, "; ".join(d["reasons"]))
    Console().print(table)
