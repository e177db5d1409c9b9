"""`lexrisk ui`: the Streamlit app, pointed at an API. Imports nothing heavy until it runs, and then
replaces itself with `streamlit run ui/server.py` (the pages of ui/app.py plus the session cookie's routes;
so Ctrl-C and signals reach Streamlit directly)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "ui" / "server.py"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ui", help="run the web app (Streamlit) for lawyers and annotators",
                              description="Run the Streamlit app, a client of the lexrisk API. Sign in with a key "
                                          "from `lexrisk keys create --tenant NAME`.")
    p.add_argument("--api-url", help="the lexrisk API (default: LEXRISK_API_URL, http://127.0.0.1:8000)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8501, help="port (default: 8501)")
    p.set_defaults(handler=run)


def streamlit_command(api_url: str, host: str, port: int, max_upload_mb: float) -> list[str]:
    """Headless, no usage statistics, and the uploader's own limit set to the API's (rounded up to a
    whole MB, Streamlit's unit; the app and the API check the exact limit)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", host, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.maxUploadSize", str(max(1, math.ceil(max_upload_mb))), "--client.toolbarMode", "viewer"]


def run(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from lexrisk.settings import get_settings

    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise CommandError("the ui extra is not installed; pip install 'lexrisk[ui]'") from None
    settings = get_settings()
    api_url = (args.api_url or settings.api_url).rstrip("/")
    if not api_url.startswith(("http://", "https://")):
        raise CommandError(f"--api-url {api_url!r}: give an http:// or https:// address")
    env = {**os.environ, "LEXRISK_API_URL": api_url}
    root = str(APP.parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    print(f"lexrisk app: http://{args.host}:{args.port} (API {api_url})", file=sys.stderr, flush=True)
    command = streamlit_command(api_url, args.host, args.port, settings.max_upload_mb)
    os.execve(sys.executable, command, env)
    return 0  # not reached
