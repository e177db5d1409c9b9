"""`lexrisk up`: the whole product on one machine — the API with in-process jobs (no Redis) and the app,
on the embedded analyzer unless LEXRISK_ANALYZER says otherwise and the default SQLite store (or
LEXRISK_DATABASE_URL). It lives in the command root because it starts two parts, serving and ui, as
child processes; Ctrl-C or SIGTERM stops both."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("up", help="run the API and the web app together (local use)",
                              description="Start the API (jobs in-process) and the Streamlit app, print both "
                                          "addresses, and stop both on Ctrl-C or SIGTERM.")
    p.add_argument("--host", default="127.0.0.1", help="address both bind to (default: 127.0.0.1)")
    p.add_argument("--api-port", type=int, default=8000, help="API port (default: 8000)")
    p.add_argument("--ui-port", type=int, default=8501, help="app port (default: 8501)")
    p.add_argument("--tenant", help="also create an API key for this tenant and print it, to sign in with")
    p.set_defaults(handler=run)


def _lexrisk(*args: str) -> list[str]:
    return [sys.executable, "-m", "lexrisk.cli", *args]


def _wait_ready(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _stop(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        if p.poll() is None:
            p.terminate()
    for p in processes:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def ready_message(app_url: str, api_url: str, *, made_key: bool) -> str:
    """Where the app and the API are, and the key to sign in with: the one printed above when --tenant made
    one (the line asked for a `lexrisk keys create` as if none had been made), otherwise how to make one."""
    sign_in = "Sign in with the key above." if made_key else "Sign in with a key from `lexrisk keys create --tenant NAME`."
    return (f"lexrisk is up:\n  app  {app_url}\n  API  {api_url}  (reference: {api_url}/docs)\n"
            f"{sign_in} Ctrl-C stops both.")


def run(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError

    for module, extra in (("uvicorn", "serving"), ("streamlit", "ui")):
        try:
            __import__(module)
        except ImportError:
            raise CommandError(f"the {extra} extra is not installed; pip install 'lexrisk[serving,ui]'") from None
    env = {k: v for k, v in os.environ.items() if k != "LEXRISK_REDIS_URL"}  # jobs run in the API process
    if args.tenant:
        created = subprocess.run(_lexrisk("keys", "create", "--tenant", args.tenant), env=env, capture_output=True,
                                 text=True)
        if created.returncode != 0:
            raise CommandError(f"creating a key for {args.tenant!r}: {created.stderr.strip()}")
        print(f"API key for {args.tenant!r} (shown once): {created.stdout.strip()}", flush=True)

    def _terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    api_url = f"http://{args.host}:{args.api_port}"
    processes: list[subprocess.Popen] = []
    try:
        api = subprocess.Popen(_lexrisk("serve", "--host", args.host, "--port", str(args.api_port),
                                        "--log-level", "warning"), env=env)
        processes.append(api)
        if not _wait_ready(f"{api_url}/healthz", api, timeout=120):
            raise CommandError(f"the API did not start on {api_url} (is the port in use? see the lines above)")
        ui = subprocess.Popen(_lexrisk("ui", "--api-url", api_url, "--host", args.host, "--port", str(args.ui_port)),
                              env=env)
        processes.append(ui)
        if not _wait_ready(f"http://{args.host}:{args.ui_port}/_stcore/health", ui, timeout=120):
            raise CommandError(f"the app did not start on port {args.ui_port} (is the port in use?)")
        print(ready_message(f"http://{args.host}:{args.ui_port}", api_url, made_key=bool(args.tenant)), flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        dead = next(p for p in processes if p.poll() is not None)
        name = "API" if dead is api else "app"
        raise CommandError(f"the {name} stopped (exit status {dead.returncode}); stopping the other")
    except KeyboardInterrupt:
        print("lexrisk: stopping the app and the API", file=sys.stderr, flush=True)
        return 0
    finally:
        _stop(processes)
        signal.signal(signal.SIGTERM, previous)
