"""A real OpenAI-compatible HTTP server on loopback that answers chat completions from a function, and
records the requests it got: the judge is tested at its HTTP boundary, as vLLM would serve it."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# request -> (content, score-token distribution), or a whole response body as a server might send it
Answer = Callable[[dict], tuple[str, dict[str, float] | None] | dict]


def completion(content: str, digit_probs: dict[str, float] | None) -> dict:
    """A chat completion whose last digit token carries `digit_probs` as its top logprobs."""
    choice: dict = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
    if digit_probs is not None:
        tokens = [{"token": t, "logprob": 0.0, "top_logprobs": []} for t in content.split(" ")[:-1]]
        best = max(digit_probs, key=lambda k: digit_probs[k])
        tokens.append({"token": best, "logprob": math.log(digit_probs[best]),
                       "top_logprobs": [{"token": t, "logprob": math.log(p)} for t, p in digit_probs.items()]})
        choice["logprobs"] = {"content": tokens}
    return {"id": "x", "object": "chat.completion", "model": "fake", "choices": [choice]}


@contextmanager
def fake_openai(answer: Answer) -> Iterator[tuple[str, list[dict]]]:
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            if not self.path.endswith("/chat/completions"):
                self.send_response(404)
                self.end_headers()
                return
            answered = answer(body)
            data = json.dumps(answered if isinstance(answered, dict) else completion(*answered)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
