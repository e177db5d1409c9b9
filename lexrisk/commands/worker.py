"""`lexrisk worker`: an RQ worker for analysis jobs (needs LEXRISK_REDIS_URL)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("worker", help="run analysis jobs from Redis (RQ)",
                              description="Take analysis jobs from the Redis queue at LEXRISK_REDIS_URL and run "
                                          "them; start as many as the machine allows.")
    p.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    p.add_argument("--name", help="worker name shown by RQ (default: generated)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import logging

    from contracts.errors import CommandError
    from lexrisk.settings import get_settings

    if not get_settings().redis_url:
        raise CommandError("LEXRISK_REDIS_URL is not set; without Redis the API runs jobs itself")
    try:
        from serving.jobs.worker import work
    except ImportError as exc:
        raise CommandError(f"the serving extra is not installed ({exc.name}); pip install 'lexrisk[serving]'") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        work(burst=args.burst, name=args.name)
    except ConnectionError as exc:
        raise CommandError(f"cannot reach Redis: {exc}") from None
    return 0
