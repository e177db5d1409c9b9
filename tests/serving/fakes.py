"""A small, deterministic analyzer for service tests: it proposes a clause per keyword it finds, plus
one quote that is not in the text (which grounding must drop and count). Importable by RQ worker
processes through LEXRISK_ANALYZER_PLUGINS. LEXRISK_TEST_CHUNK_DELAY slows each chunk down so a test
can kill a worker mid-job."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable

import httpx

from analyzers.base import Analyzer, Proposal
from analyzers.chunked import ChunkAnswer, ChunkedAnalyzer
from contracts.documents import Document

KEYWORDS = {"exclusively": "Exclusivity", "not less than": "Minimum Commitment", "audit": "Audit Rights",
            "governed by": "Governing Law", "assign": "Anti-Assignment"}


class KeywordAnalyzer(ChunkedAnalyzer):
    name = "fake"
    version = "1"
    concurrency = 2

    def chunks(self, document: Document) -> list[tuple[int, int]]:
        spans, pos = [], 0
        for match in re.finditer(r"\n\s*\n", document.text):
            if match.start() > pos:
                spans.append((pos, match.start()))
            pos = match.end()
        if pos < len(document.text):
            spans.append((pos, len(document.text)))
        return spans

    def propose_chunk(self, document: Document, chunk: object) -> ChunkAnswer:
        start, end = chunk  # type: ignore[misc]
        time.sleep(float(os.environ.get("LEXRISK_TEST_CHUNK_DELAY", "0")))
        text = document.text[start:end]
        proposals = [Proposal(category=cat, quote=text.strip(), score=0.9, near=start)
                     for word, cat in KEYWORDS.items() if word in text.lower()]
        if start == 0:
            proposals.append(Proposal(category="Governing Law", quote="this sentence is not in the contract",
                                      score=0.5))
        return ChunkAnswer(proposals, prompt_tokens=len(text.split()), completion_tokens=3)


class BrokenAnalyzer(KeywordAnalyzer):
    name = "broken"

    def propose_chunk(self, document: Document, chunk: object) -> ChunkAnswer:
        raise RuntimeError("model backend exploded")


def factory(settings, playbook):
    return KeywordAnalyzer(playbook)


def broken(settings, playbook):
    return BrokenAnalyzer(playbook)


class FlakyAnalyzer(KeywordAnalyzer):
    """Its backend refuses connections for the first `failures` calls of the process, then answers."""

    name = "flaky"
    failures = 2
    calls = 0
    file_budget = False  # a model server's client: the job runs it in its own thread, where `calls` is counted

    def analyze(self, document: Document, observer=None):
        FlakyAnalyzer.calls += 1
        if FlakyAnalyzer.calls <= self.failures:
            raise httpx.ConnectError("[Errno 111] Connection refused to http://10.1.2.3:8001/v1")
        return super().analyze(document, observer)


def flaky(settings, playbook):
    return FlakyAnalyzer(playbook)


class StuckAnalyzer(Analyzer):
    """The keyword analyzer, not chunked, except on a contract that says STUCK (it spins until stopped) or
    HOG (it holds 700 MiB, touched, until stopped): a job past the file budget."""

    name = "stuck"
    version = "1"

    def propose(self, document: Document) -> Iterable[Proposal]:
        if "STUCK" in document.text:
            while True:
                pass
        if "HOG" in document.text:
            held = bytearray(700 * 2**20)
            for i in range(0, len(held), 4096):
                held[i] = 1
            time.sleep(60)
        return KeywordAnalyzer(self.playbook).propose(document)


def stuck(settings, playbook):
    return StuckAnalyzer(playbook)


class CrashOn:
    """The real analyzer `inner`, except that it crashes on the document named `name`: a bug in lexrisk's own
    code, for the commands' one-line crash reports."""

    def __init__(self, inner, name: str) -> None:
        self.inner, self.name = inner, name

    def analyze(self, document):
        if document.name == self.name:
            raise ZeroDivisionError("division by zero")
        return self.inner.analyze(document)
