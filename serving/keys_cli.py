"""`lexrisk keys create --tenant NAME`: a new API key, printed once (only its hash is stored)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("keys", help="manage API keys", description="Manage API keys.")
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="create a key for a tenant (created if new) and print it once",
                            description="Create an API key for a tenant and print it; it cannot be shown again.")
    create.add_argument("--tenant", required=True, help="tenant name, e.g. the firm")
    create.set_defaults(handler=run_create)


def run_create(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from contracts.settings import get_settings
    from serving.db import make_engine, migrate
    from serving.keys import create_key

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        key, tenant = create_key(engine, args.tenant)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    print(key)
    import sys

    print(f"key for tenant {tenant.name!r} ({tenant.id}); store it now, it is not shown again", file=sys.stderr)
    return 0
