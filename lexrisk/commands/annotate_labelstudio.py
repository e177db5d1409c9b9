"""`lexrisk annotate import-labelstudio` and `export-labelstudio`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lexrisk.commands.annotate_common import add_tenant_argument
from lexrisk.commands.args import analyzer_named, file_to_write, needs_existing_store


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("import-labelstudio", help="import a Label Studio JSON export (labels per annotator)",
                       description="Import a Label Studio JSON export: each annotator's labels become pending annotations for agreement and adjudication.")
    s.add_argument("file", type=Path, metavar="FILE", help="the JSON export (Label Studio: Export > JSON)")
    s.add_argument("--skip-bad", action="store_true", help="leave out bad tasks instead of importing nothing")
    add_tenant_argument(s)
    s.set_defaults(handler=_import)

    s = sub.add_parser("export-labelstudio", help="export tasks, pre-annotated by an analyzer, for Label Studio",
                       description="Export the store's contracts as Label Studio tasks, pre-annotated by an analyzer's findings.")
    s.add_argument("--out", type=file_to_write, required=True, help="tasks JSON file to write")
    s.add_argument("--analyzer", help="analyzer whose findings become predictions (e.g. baseline); none by default")
    s.add_argument("--contract", action="append", metavar="SHA256", help="only this contract (repeatable)")
    s.add_argument("--with-annotations", action="store_true", help="include the stored labels as annotations")
    s.add_argument("--config", type=file_to_write, help="also write the labelling interface XML here")
    add_tenant_argument(s)
    needs_existing_store(s).set_defaults(handler=_export)


def _import(args: argparse.Namespace) -> int:
    from annotation.labelstudio import import_labelstudio
    from annotation.report import ImportRecordError, ImportSourceError
    from contracts.errors import CommandError
    from lexrisk.commands.annotate_common import open_store, print_report, progress_bar
    from serving.records import list_in_service

    store = open_store(args)
    bar, update = progress_bar("Importing Label Studio tasks")
    try:
        with bar, store.session() as session:
            report = import_labelstudio(session, args.file, tenant=args.tenant, skip_bad=args.skip_bad, progress=update)
            listed = list_in_service(session, args.tenant, report.contract_ids)
    except ImportSourceError as exc:  # the file itself: leaving out bad tasks cannot help
        raise CommandError(str(exc)) from None
    except ImportRecordError as exc:
        raise CommandError(f"{exc} (nothing imported; --skip-bad leaves out bad tasks)") from None
    print_report(report.as_dict(), report.skipped)
    print(_where_shown(args.tenant, len(report.contract_ids), listed))
    return 0


def _where_shown(tenant: str, contracts: int, listed: int) -> str:
    """Where the imported contracts can be labelled in the app: a firm's are in its annotation queue."""
    from annotation.store.models import RESERVED_TENANTS

    if tenant in RESERVED_TENANTS:
        return (f"The {tenant} tenant is no firm, so its contracts are in no annotation queue of the app; import "
                "with --tenant FIRM to label them on that firm's Annotate page.")
    return (f"{contracts} contract(s) in {tenant}'s annotation queue (the app's Annotate page), {listed} of them "
            "added by this import.")


def _export(args: argparse.Namespace) -> int:
    from annotation.labelstudio import export_tasks, label_config
    from annotation.store import StoreError
    from contracts.errors import CommandError
    from lexrisk.commands.annotate_common import open_tenant_store, progress_bar

    # the command root injects the factory (annotation does not import serving)
    analyze = analyzer_named(args.analyzer).analyze if args.analyzer else None
    store = open_tenant_store(args)
    bar, update = progress_bar("Exporting tasks")
    try:
        with bar, store.session() as session:
            tasks = export_tasks(session, args.tenant, analyze=analyze, contracts=args.contract,
                                 with_annotations=args.with_annotations, progress=update)
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.config:
        args.config.parent.mkdir(parents=True, exist_ok=True)
        args.config.write_text(label_config(), encoding="utf-8")
    spans = sum(r["type"] == "labels" for t in tasks for p in t.get("predictions", []) for r in p["result"])
    print(f"wrote {len(tasks)} tasks to {args.out} ({spans} pre-annotated spans)")
    return 0
