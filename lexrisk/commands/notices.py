"""`lexrisk notices`: one scan for `contract.notice_deadline` webhooks now due (serving/jobs/notices.py), for a
cron job. Worker processes (the API's in-process worker, `lexrisk worker`) also scan every
LEXRISK_NOTICE_SCAN_INTERVAL_S; a deadline is announced once however many of them scan."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("notices", help="send the notice-deadline webhooks now due",
                              description="Send every contract.notice_deadline webhook now due (deadlines within "
                                          "LEXRISK_NOTICE_WEBHOOK_DAYS days) that no process has sent yet.")
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="count days from this date (default: today, UTC)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from datetime import date

    from contracts.errors import CommandError
    from lexrisk.settings import get_settings
    from serving.command_db import command_engine
    from serving.jobs.notices import scan

    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        raise CommandError(f"--today: {args.today!r} is not a date (YYYY-MM-DD)") from None
    with command_engine() as engine:
        sent = scan(engine, get_settings(), today=today)
    for item in sent:
        print(item)
    print(f"{len(sent)} notice webhook(s) sent", file=sys.stderr)
    return 0
