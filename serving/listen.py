"""The listening socket that several API processes share (`lexrisk serve --workers N`).

uvicorn's supervisor binds its shared socket with `proto` 0. Accepted connections inherit that, and
asyncio turns on TCP_NODELAY only for sockets that say IPPROTO_TCP, so with `uvicorn --workers N`
Nagle's algorithm holds back the second write of every response (headers, then body) until the client's
delayed ACK: about 40 ms on each keep-alive request after the first (Kludex/uvicorn#3149). This socket
says what it is, so every connection it accepts gets TCP_NODELAY as in a single process."""

from __future__ import annotations

import socket

from contracts.errors import CommandError


def tcp_listener(host: str, port: int) -> socket.socket:
    """A bound TCP socket, inheritable by the worker processes (they call listen)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock
