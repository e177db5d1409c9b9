"""`lexrisk serve`: the HTTP API (uvicorn). Settings come from LEXRISK_* variables or .env."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run the HTTP API",
                              description="Serve the lexrisk API (/v1, /healthz, /readyz, /metrics, /docs).")
    p.add_argument("--host", help="address to bind (default: LEXRISK_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: LEXRISK_PORT, 8000)")
    p.add_argument("--workers", type=_positive, default=1,
                   help="API processes sharing the port (default 1); more than one needs LEXRISK_REDIS_URL, so "
                        "that jobs and rate limits are shared")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"],
                   help="uvicorn log level (default info)")
    p.set_defaults(handler=run)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError

    try:
        import uvicorn

        from serving.api.app import build_app
        from serving.api.http_errors import JsonErrorProtocol
    except ImportError as exc:
        raise CommandError(f"the serving extra is not installed ({exc.name}); pip install 'lexrisk[serving]'") from None
    from lexrisk.settings import get_settings

    settings = get_settings()
    # http: uvicorn's own protocol, but a request it cannot parse gets the API's JSON error body
    # (serving/api/http_errors.py). proxy_headers off: uvicorn would believe X-Forwarded-For from loopback; the
    # gate believes only the proxies in LEXRISK_TRUSTED_PROXIES (serving/api/client_address.py)
    host, port = args.host or settings.host, args.port or settings.port
    if args.workers == 1:
        uvicorn.run(build_app(settings), host=host, port=port, log_level=args.log_level, proxy_headers=False,
                    http=JsonErrorProtocol)
        return 0
    if not settings.redis_url:
        # in-process queues would each take every queued job at start-up, and rate limits would be per process
        raise CommandError("--workers above 1 needs LEXRISK_REDIS_URL (jobs and rate limits shared through Redis)")
    from uvicorn.supervisors import Multiprocess

    from serving.command_db import command_engine
    from serving.listen import tcp_listener

    # migrated once here: the processes' own start-up upgrades then find nothing to do (SQLite has no lock
    # that would serialize several first migrations of one file); a database that cannot be opened is one line
    with command_engine(settings.database_url):
        pass
    # each process builds the app from the same LEXRISK_* settings; the socket is ours (see serving/listen.py)
    config = uvicorn.Config("serving.api.app:build_app", factory=True, host=host, port=port, workers=args.workers,
                            log_level=args.log_level, proxy_headers=False, http=JsonErrorProtocol)
    Multiprocess(config, sockets=[tcp_listener(host, port)]).run()
    return 0
