"""The `openai` analyzer against the real CPU vLLM serving a tiny random Llama + LoRA adapter: time per
chunk and contract under concurrency limits 1, 2 and 4 (the alternatives compared), and how many
requests were really in flight. The tiny model's numbers say nothing about a 70B model's speed; they
show how the concurrency limit behaves against one vLLM server.

    python benchmarks/vllm_chunks.py [--limits 1 2 4] [--chunk-tokens 384] [--contracts 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzers.openai import DecodingBounds, OpenAIAnalyzer, load_token_counter  # noqa: E402
from contracts.documents import Document  # noqa: E402
from lexrisk.testing.tiny_llm import build  # noqa: E402
from lexrisk.testing.vllm_server import LORA_NAME, vllm_server  # noqa: E402


class _Timed(httpx.HTTPTransport):
    """Counts requests in flight and times each chat completion at the client."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.seconds: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        started = time.perf_counter()
        try:
            response = super().handle_request(request)
            response.read()
            return response
        finally:
            with self.lock:
                self.in_flight -= 1
                if request.url.path.endswith("/chat/completions"):
                    self.seconds.append(time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--chunk-tokens", type=int, default=384)
    parser.add_argument("--contracts", type=int, default=2, help="contracts analyzed at once per limit")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "vllm_chunks.json")
    args = parser.parse_args()
    console = Console()
    text = (ROOT / "examples" / "contracts" / "master_services_agreement.txt").read_text()
    document = Document.from_text("msa.txt", text)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        base, adapter = build(Path(tmp) / "tiny", ROOT)
        console.print("starting vLLM (CPU)…")
        started = time.perf_counter()
        with vllm_server(base, adapter, Path(tmp) / "vllm.log") as url:
            startup = time.perf_counter() - started
            warm = OpenAIAnalyzer(base_url=url, model=LORA_NAME, max_tokens=512, chunk_tokens=args.chunk_tokens,
                                  timeout_s=600, bounds=DecodingBounds(2, 120, 60),
                                  count_tokens=load_token_counter(str(base)))
            warm.analyze(document)  # first requests compile the schema's grammar and warm the caches
            for limit in args.limits:
                transport = _Timed()
                analyzer = OpenAIAnalyzer(base_url=url, model=LORA_NAME, concurrency=limit, max_tokens=512,
                                          chunk_tokens=args.chunk_tokens, transport=transport, timeout_s=600,
                                          bounds=DecodingBounds(2, 120, 60), count_tokens=load_token_counter(str(base)))
                chunks = len(analyzer.chunks(document))
                t0 = time.perf_counter()
                threads = [threading.Thread(target=analyzer.analyze, args=(document,)) for _ in range(args.contracts)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                wall = time.perf_counter() - t0
                s = transport.seconds
                results.append({"limit": limit, "contracts": args.contracts, "chunks": chunks * args.contracts,
                                "wall_s": round(wall, 2), "chunk_p50_s": round(statistics.median(s), 2),
                                "chunk_max_s": round(max(s), 2), "chunks_per_s": round(len(s) / wall, 3),
                                "peak_in_flight": transport.peak})
                console.print(results[-1])
    table = Table(title=f"tiny Llama + LoRA on CPU vLLM: {args.contracts} contracts at once, "
                        f"{args.chunk_tokens}-token chunks (startup {startup:.0f} s)")
    for column in ("limit", "chunks", "wall s", "chunk p50 s", "chunk max s", "chunks/s", "peak in flight"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(str(r["limit"]), str(r["chunks"]), str(r["wall_s"]), str(r["chunk_p50_s"]),
                      str(r["chunk_max_s"]), str(r["chunks_per_s"]), str(r["peak_in_flight"]))
    console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "vllm_chunks", "when": datetime.now(UTC).isoformat(),
                                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                                    "vllm_startup_s": round(startup, 1), "chunk_tokens": args.chunk_tokens,
                                    "results": results}, indent=2) + "\n")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
