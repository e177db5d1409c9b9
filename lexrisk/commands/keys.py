"""`lexrisk keys create|list|revoke`: API keys. A key is printed once at creation (only its hash is
stored); list shows ids, prefixes, expiry, revocation and last use, never a key."""

from __future__ import annotations

import argparse

from lexrisk.commands.args import needs_existing_store, real_number

# 100 years: longer than any key should live, and far inside what a date can hold (a billion days is not)
MAX_EXPIRY_DAYS = 36525


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("keys", help="manage API keys", description="Manage API keys.")
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="create a key for a tenant (created if new) and print it once",
                            description="Create an API key for a tenant and print it; it cannot be shown again.")
    create.add_argument("--tenant", required=True, help="tenant name, e.g. the firm")
    create.add_argument("--expires-in-days", default=None, metavar="DAYS",
                        type=real_number(above=0, maximum=MAX_EXPIRY_DAYS, maximum_is="100 years"),
                        help=f"the key stops working after this many days, at most {MAX_EXPIRY_DAYS} (100 years; "
                             "default: never)")
    create.set_defaults(handler=run_create)
    listing = sub.add_parser("list", help="list keys: id, tenant, prefix, state, created, expires, last used",
                             description="List API keys (never the keys themselves).")
    listing.add_argument("--tenant", default=None, help="only this tenant's keys")
    listing.add_argument("--json", action="store_true", help="one JSON object per key")
    needs_existing_store(listing).set_defaults(handler=run_list)
    revoke = sub.add_parser("revoke", help="revoke a key by its id or its prefix",
                            description="Revoke an API key; requests with it get 401 from then on.")
    revoke.add_argument("key", metavar="ID_OR_PREFIX", help="the key's id, or its prefix as `keys list` shows it")
    needs_existing_store(revoke).set_defaults(handler=run_revoke)


def run_create(args: argparse.Namespace) -> int:
    import sys
    from datetime import timedelta

    from serving.command_db import command_engine
    from serving.keys import create_key
    from serving.models import utcnow

    expires = utcnow() + timedelta(days=args.expires_in_days) if args.expires_in_days else None
    with command_engine(refused=(ValueError,)) as engine:
        key, tenant = create_key(engine, args.tenant, expires_at=expires)
    print(key)
    until = f", expires {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
    print(f"key for tenant {tenant.name!r} ({tenant.id}){until}; store it now, it is not shown again", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    import json

    from lexrisk.commands.args import database_url
    from serving.command_db import command_engine
    from serving.keys import list_keys

    with command_engine(database_url(args)) as engine:
        keys = list_keys(engine, args.tenant)

    def when(moment) -> str:
        return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"

    for k in keys:
        if args.json:
            print(json.dumps({"id": k.id, "tenant": k.tenant, "prefix": k.prefix, "state": k.state,
                              "created_at": k.created_at.isoformat(),
                              **{name: getattr(k, name).isoformat() if getattr(k, name) else None
                                 for name in ("expires_at", "revoked_at", "last_used_at")}}))
        else:
            print(f"{k.id}  {k.prefix}…  {k.state:<7}  created {when(k.created_at)}  expires {when(k.expires_at)}  "
                  f"last used {when(k.last_used_at)}  {k.tenant}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    import sys

    from lexrisk.commands.args import database_url
    from serving.command_db import command_engine
    from serving.keys import KeyNotFound, revoke_key

    with command_engine(database_url(args), refused=(KeyNotFound,)) as engine:
        info = revoke_key(engine, args.key)
    print(f"revoked key {info.id} ({info.prefix}…) of tenant {info.tenant!r}", file=sys.stderr)
    _bump_epoch()
    return 0


def _bump_epoch() -> None:
    """Tell the API processes through Redis (when there is one) that a key was revoked: their caches check
    keys again at once. Without Redis a running API trusts its cache up to LEXRISK_AUTH_CACHE_S longer."""
    import sys

    from redis import Redis
    from redis.exceptions import RedisError

    from lexrisk.settings import get_settings
    from serving.api.ratelimit import bump_epoch

    url = get_settings().redis_url
    if not url:
        return
    try:
        with Redis.from_url(url, socket_timeout=5) as redis:
            bump_epoch(redis)
    except RedisError as exc:
        print(f"lexrisk: warning: the key is revoked, but Redis could not be told ({exc}); running API processes "
              "may accept it for up to LEXRISK_AUTH_CACHE_S seconds", file=sys.stderr)
