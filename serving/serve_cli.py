"""`lexrisk serve`: the HTTP API (uvicorn). Settings come from LEXRISK_* variables or .env."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run the HTTP API",
                              description="Serve the lexrisk API (/v1, /healthz, /readyz, /metrics, /docs).")
    p.add_argument("--host", help="address to bind (default: LEXRISK_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: LEXRISK_PORT, 8000)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"],
                   help="uvicorn log level (default info)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError

    try:
        import uvicorn

        from serving.api.app import build_app
    except ImportError as exc:
        raise CommandError(f"the serving extra is not installed ({exc.name}); pip install 'lexrisk[serving]'") from None
    from contracts.settings import get_settings

    settings = get_settings()
    uvicorn.run(build_app(settings), host=args.host or settings.host, port=args.port or settings.port,
                log_level=args.log_level)
    return 0
