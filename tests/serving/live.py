"""The app on a real uvicorn server on loopback, for behaviour that depends on the server: chunked
bodies, connections, many concurrent clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from lexrisk.settings import Settings
from serving.api.app import build_app
from serving.db import make_engine, migrate
from serving.keys import create_key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(settings: Settings, schema: str | None = None) -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL, {tenant name: key}) of a running server; stopped on exit."""
    engine = make_engine(settings.database_url, schema=schema)
    migrate(engine)
    keys = {name: create_key(engine, name)[0] for name in ("acme", "globex")}
    engine.dispose()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build_app(settings, engine_schema=schema), host="127.0.0.1", port=port,
                                           log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", keys
    finally:
        server.should_exit = True
        thread.join(10)
