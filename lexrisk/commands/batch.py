"""`lexrisk batch submit DIR` / `lexrisk batch status DIR`: a folder of contracts as a queue of jobs.

The logic and the reasons for its shape (HTTP, journal, retries) are in lexrisk/batch_client.py."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from lexrisk.commands.args import file_to_write


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("batch", help="analyze a whole folder of contracts on the workers",
                              description="Send every file of a folder to the API as an analysis job, resumably; "
                                          "follow the jobs and summarize the failures.")
    sub = p.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("folder", type=Path, metavar="DIR", help="folder of contracts (searched recursively)")
    common.add_argument("--api-url", help="API base URL (default: LEXRISK_API_URL)")
    common.add_argument("--api-key", help="API key (default: LEXRISK_API_KEY; prefer the variable)")
    common.add_argument("--journal", type=Path, help="journal file (default: one per folder and API in the "
                                                     "user state folder)")
    common.add_argument("--concurrency", type=int, default=4, help="requests in flight at once (default 4)")
    common.add_argument("--max-attempts", type=int, default=8,
                        help="tries per request on 429/5xx/network errors, waiting for Retry-After (default 8)")
    common.add_argument("--json", type=file_to_write, help="also write the summary as JSON here")

    s = sub.add_parser("submit", parents=[common], help="upload every file not yet submitted",
                       description="Upload every file under DIR whose content (SHA-256) has no job yet; "
                                   "a rerun resumes where the last stopped. 429/503 wait for Retry-After.")
    s.add_argument("--wait", action="store_true", help="then wait until every job is done or failed")
    s.add_argument("--timeout", type=float, default=24 * 3600, help="seconds --wait may take (default a day)")
    s.set_defaults(handler=run_submit)

    t = sub.add_parser("status", parents=[common], help="the batch's jobs: counts and failures",
                       description="Ask the API for every job of the batch not yet ended; print counts and "
                                   "each failure with its reason. Exit 1 if any file failed or was refused.")
    t.add_argument("--wait", action="store_true", help="wait until every job is done or failed")
    t.add_argument("--timeout", type=float, default=24 * 3600, help="seconds --wait may take (default a day)")
    t.set_defaults(handler=run_status)


def _journal_path(args: argparse.Namespace, api_url: str) -> Path:
    if args.journal:
        return Path(args.journal)
    from platformdirs import user_state_dir

    key = hashlib.sha256(f"{args.folder.resolve()}\n{api_url}".encode()).hexdigest()[:16]
    return Path(user_state_dir("lexrisk", appauthor=False)) / "batches" / f"{key}.jsonl"


def _open(args: argparse.Namespace):
    from contracts.errors import CommandError
    from lexrisk.settings import get_settings

    try:
        from lexrisk.batch_client import ApiClient, Journal
    except ImportError as exc:
        raise CommandError(f"the serving extra is not installed ({exc.name}); pip install 'lexrisk[serving]'") from None
    if args.concurrency < 1 or args.max_attempts < 1:
        raise CommandError("--concurrency and --max-attempts must be at least 1")
    settings = get_settings()
    api_url = args.api_url or settings.api_url
    key = args.api_key or (settings.api_key.get_secret_value() if settings.api_key else None)
    if not key:
        raise CommandError("no API key: set LEXRISK_API_KEY (or --api-key); `lexrisk keys create` makes one")
    if not args.folder.is_dir():
        raise CommandError(f"{args.folder} is not a folder")
    journal = Journal(_journal_path(args, api_url))
    return ApiClient(api_url, key, max_attempts=args.max_attempts), journal


def _wait(args: argparse.Namespace, client, journal) -> None:
    from contracts.errors import CommandError
    from lexrisk.batch_client import BatchError, TransientError, wait

    def progress(counts) -> None:
        print(f"jobs: {counts['done']} done, {counts['failed']} failed, {counts['running']} running, "
              f"{counts['queued']} queued", file=sys.stderr, flush=True)

    try:
        finished = wait(client, journal, timeout_s=args.timeout, progress=progress)
    except (BatchError, TransientError) as exc:
        raise CommandError(str(exc)) from None
    if not finished:
        raise CommandError(f"jobs still queued or running after {args.timeout:g} s; "
                           f"`lexrisk batch status {args.folder} --wait` goes on waiting")


def _report(args: argparse.Namespace, journal) -> int:
    import json

    from lexrisk.batch_client import summary

    result = summary(journal)
    counts = ", ".join(f"{n} {state}" for state, n in result["counts"].items()) or "nothing submitted"
    print(f"{result['files']} contracts: {counts}" + (f" ({result['duplicates']} duplicate files)"
                                                     if result["duplicates"] else ""))
    for failure in result["failures"]:
        print(f"  {failure['status']}: {failure['path']}: {failure['code']}: {failure['message']}")
    print(f"journal: {journal.path}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if result["failures"] else 0


def run_submit(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from lexrisk.batch_client import BatchError, SubmitReport, submit

    client, journal = _open(args)

    def progress(report: SubmitReport) -> None:
        done = report.submitted + report.rejected + report.errors
        if done % 50 == 0:
            print(f"submitted {report.submitted}, refused {report.rejected}, not reached {report.errors} "
                  f"({report.files} files seen)", file=sys.stderr, flush=True)

    try:
        report = submit(args.folder, client, journal, concurrency=args.concurrency, progress=progress)
        print(f"{report.files} files: {report.submitted} submitted, {report.skipped} already submitted, "
              f"{report.duplicates} duplicates, {report.rejected} refused, {report.errors} not reached "
              f"(rerun to retry those)", file=sys.stderr)
        if args.wait:
            _wait(args, client, journal)
    except BatchError as exc:
        raise CommandError(str(exc)) from None
    finally:
        client.close()
    return _report(args, journal)


def run_status(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from lexrisk.batch_client import BatchError, TransientError, refresh

    client, journal = _open(args)
    if not journal.entries:
        client.close()
        raise CommandError(f"nothing submitted from {args.folder} to this API yet (journal {journal.path})")
    try:
        if args.wait:
            _wait(args, client, journal)
        else:
            refresh(client, journal)
    except (BatchError, TransientError) as exc:
        raise CommandError(str(exc)) from None
    finally:
        client.close()
    return _report(args, journal)
