"""`lexrisk notices`: one scan for `contract.notice_deadline` webhooks now due (serving/jobs/notices.py), for a
cron job. Worker processes (the API's in-process worker, `lexrisk worker`) also scan every
LEXRISK_NOTICE_SCAN_INTERVAL_S; a deadline is announced once however many of them scan."""

from __future__ import annotations

import argparse
from datetime import date


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("notices", help="send the notice-deadline webhooks now due",
                              description="Send every contract.notice_deadline webhook now due (deadlines within "
                                          "LEXRISK_NOTICE_WEBHOOK_DAYS days) that no process has sent yet.")
    p.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                   help="count days from this date (default: today, UTC)")
    p.set_defaults(handler=run)


def iso_date(text: str) -> date:
    """An argparse type for `--today`: a date as YYYY-MM-DD; an empty value is refused, not taken as today."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def run(args: argparse.Namespace) -> int:
    import sys

    from contracts.errors import CommandError
    from lexrisk.settings import get_settings
    from serving.command_db import command_engine
    from serving.jobs.notices import scan

    settings = get_settings()
    if args.today is not None and (date.max - args.today).days < settings.notice_webhook_days:
        # the scan looks LEXRISK_NOTICE_WEBHOOK_DAYS ahead: past 9999-12-31 is no date at all
        raise CommandError(f"--today {args.today}: {settings.notice_webhook_days} days later is past the last date "
                           f"there is ({date.max})")
    with command_engine() as engine:
        sent = scan(engine, settings, today=args.today)
    for item in sent:
        print(item)
    print(f"{len(sent)} notice webhook(s) sent", file=sys.stderr)
    return 0
