"""The listening socket of `lexrisk serve --workers N`: connections it accepts get TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

import pytest

from contracts.errors import CommandError
from serving.listen import tcp_listener


def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY on the server side of one connection accepted by asyncio from `listener`."""
    async def go() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport) -> None:
                accepted.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    return asyncio.run(go())


def test_accepted_connections_get_nodelay() -> None:
    listener = tcp_listener("127.0.0.1", 0)
    assert listener.proto == socket.IPPROTO_TCP
    assert _accepted_nodelay(listener) != 0


def test_a_socket_made_as_uvicorn_makes_it_does_not() -> None:
    """Why serving/listen.py exists: a socket built as uvicorn's supervisor builds it (proto 0) hands
    asyncio connections that keep Nagle's algorithm on."""
    listener = socket.socket(socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    assert _accepted_nodelay(listener) == 0


def test_a_port_in_use_is_a_one_line_error() -> None:
    taken = tcp_listener("127.0.0.1", 0)
    taken.listen()
    with pytest.raises(CommandError, match=r"cannot listen on 127\.0\.0\.1:\d+: Address already in use"):
        tcp_listener("127.0.0.1", taken.getsockname()[1])
    taken.close()
