"""`lexrisk tenants list|set`: the tenants and whether their reviews may become training data.

A tenant is the service's (it has API keys) and the label store's (it owns contracts and labels);
both go by the same name. Sharing is off until the tenant agrees: its lawyers' reviews stay its own
and `lexrisk annotate build-dataset` leaves them out. The setting lives in the store, so the dataset
builder reads it without knowing about the service; this command sits in serving because it checks
both sides."""

from __future__ import annotations

import argparse

from lexrisk.commands.args import add_db_command_group, add_subcommand, needs_existing_store


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = add_db_command_group(subparsers, "tenants", help="list tenants; opt their labels in or out of training data",
                               description="Tenants of the service and of the label store (LEXRISK_DATABASE_URL).",
                               dest="tenants_command", metavar="ACTION")
    s = add_subcommand(sub, "list", run_list, help="every tenant: API keys, contracts and labels in the store, sharing",
                       description="List the tenants with their API keys, stored contracts and labels, and sharing.")
    needs_existing_store(s)
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")
    s = add_subcommand(sub, "set", run_set, help="change a tenant's settings",
                       description="Change a tenant's settings. --share-labels on lets build-dataset use its "
                                   "accepted labels (datasets already built are not changed).")
    needs_existing_store(s)
    s.add_argument("name", metavar="NAME", help="the tenant's name (as given to `lexrisk keys create --tenant`)")
    s.add_argument("--share-labels", required=True, choices=["on", "off"],
                   help="whether the tenant's reviews and labels may become training data")


def run_list(args: argparse.Namespace) -> int:
    import json

    from sqlmodel import Session

    from lexrisk.commands.args import database_url
    from serving.command_db import command_engine
    from serving.service import tenants

    with command_engine(database_url(args)) as engine, Session(engine) as session:
        rows = tenants.rows(session)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Tenants")
    for column in ("name", "API keys", "contracts", "labels", "shares labels"):
        table.add_column(column, justify="left" if column == "name" else "right")
    for row in rows:
        table.add_row(escape(row["name"]), str(row["api_keys"]), str(row["contracts"]), str(row["labels"]),
                      "on" if row["share_labels"] else "off")
    Console().print(table)
    return 0


def run_set(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from annotation.store import set_share_labels
    from lexrisk.commands.annotate_common import require_tenant
    from lexrisk.commands.args import database_url
    from serving.command_db import command_engine

    name = args.name.strip()
    with command_engine(database_url(args)) as engine, Session(engine) as session:
        require_tenant(session, name)
        tenant = set_share_labels(session, name, args.share_labels == "on")
        session.commit()
        print(f"tenant {tenant.name!r}: share labels {'on' if tenant.share_labels else 'off'}")
    return 0
