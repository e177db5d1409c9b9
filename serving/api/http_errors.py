"""The HTTP protocol `lexrisk serve` runs: uvicorn's own, except for a request too malformed to reach the app
(a broken request line, a header the parser refuses, a bad chunk size). uvicorn answers those itself with a
plain-text "Invalid HTTP request received."; a client that parses every 4xx as the API's one error body
(contracts.wire.ErrorBody) would fail on that one. Here the same 400 carries the JSON body, code
`malformed_request`. Nothing else about the connection changes."""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from contracts.wire import ErrorBody, ErrorDetail

CODE = "malformed_request"


def malformed_response(default_headers: list[tuple[bytes, bytes]], reason: str) -> bytes:
    """The whole 400 response, bytes on the wire: the server's default headers (date, server) as uvicorn
    sends them on every response, the JSON error body, and `connection: close` (the stream cannot be trusted
    to find the next request's start)."""
    detail = ErrorDetail(code=CODE, message=f"the request is not valid HTTP/1.1: {reason}")
    body = ErrorBody(error=detail).model_dump_json().encode()
    lines = [b"HTTP/1.1 400 Bad Request"]
    lines += [name + b": " + value for name, value in default_headers]
    lines += [b"content-type: application/json", b"content-length: " + str(len(body)).encode(), b"connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class JsonErrorProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (what its "auto" runs; the serving extra pins httptools) with the JSON 400.
    uvicorn calls `send_400_response` only where the parser gave up, before any response was begun, and the
    connection closes after it; so writing the bytes here leaves no parser state behind."""

    def send_400_response(self, msg: str) -> None:
        self.transport.write(malformed_response(self.server_state.default_headers, msg))
        self.transport.close()
