"""Backends that read a contract through a language model, chunk by chunk.

The document is split into clause-aligned chunks that fit the model's context, the chunks are sent
concurrently (bounded), and every chunk's proposals go through the same grounding and de-duplication
(analyzers.base.finalize). An observer hears progress and token usage, which the job runner
records; `propose()` alone works without one, so these backends also serve `lexrisk analyze`."""

from __future__ import annotations

import threading
import time
from abc import abstractmethod
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Protocol

from analyzers.base import Analyzer, Proposal, finalize, party_names
from contracts.chunking import Chunk
from contracts.documents import Document
from contracts.findings import AnalysisResult

# A language model states no calibrated confidence; its findings carry this score.
MODEL_SCORE = 1.0


def proposal_from_item(chunk: Chunk, item: Any) -> Proposal:
    """A model's answer item (contracts.prompt.AnswerItem) as a proposal: exact document offsets when the
    quote is verbatim in the chunk (Chunk.locate, the training set's own mapping), else a hint where to
    look, and grounding decides."""
    span = chunk.locate(item.quote)
    start, end = span if span else (None, None)
    return Proposal(category=item.category, quote=item.quote.strip() if span else item.quote, score=MODEL_SCORE,
                    start=start, end=end, near=start if span else chunk.start, severity=item.severity,
                    explanation=item.explanation)


class AnalysisObserver(Protocol):
    def progress(self, done: int, total: int) -> None: ...

    def tokens(self, prompt: int, completion: int) -> None: ...

    def answer_errors(self, errors: list[str]) -> None: ...


@dataclass
class ChunkAnswer:
    proposals: list[Proposal]
    prompt_tokens: int = 0
    completion_tokens: int = 0
    errors: list[str] = field(default_factory=list)  # answers (or items) the model got wrong, skipped


class _Silent:
    def progress(self, done: int, total: int) -> None:
        pass

    def tokens(self, prompt: int, completion: int) -> None:
        pass

    def answer_errors(self, errors: list[str]) -> None:
        pass


class ChunkedAnalyzer(Analyzer):
    concurrency: int = 1

    @abstractmethod
    def chunks(self, document: Document) -> Sequence[object]:
        """The pieces of the document one request covers."""

    @abstractmethod
    def propose_chunk(self, document: Document, chunk: object) -> ChunkAnswer:
        """Ask the model about one chunk; proposals carry document offsets (`near`) where known."""

    def propose(self, document: Document) -> Iterable[Proposal]:
        return self._propose(document, _Silent())

    def analyze(self, document: Document, observer: AnalysisObserver | None = None) -> AnalysisResult:
        started = time.perf_counter()
        proposals = self._propose(document, observer or _Silent())
        terms = self.terms(document)
        findings, stats = finalize(document, proposals, self.playbook, self.model_id, party_names(terms))
        stats.seconds = time.perf_counter() - started
        return AnalysisResult(document=document.info, analyzer=self.info, findings=findings, stats=stats, terms=terms)

    def _propose(self, document: Document, observer: AnalysisObserver) -> list[Proposal]:
        chunks = list(self.chunks(document))
        total = len(chunks)
        observer.progress(0, total)
        proposals: list[Proposal] = []
        lock = threading.Lock()
        done = 0
        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, total or 1))) as pool:
            futures = [pool.submit(self.propose_chunk, document, chunk) for chunk in chunks]
            try:
                for future in as_completed(futures):
                    answer = future.result()
                    with lock:
                        proposals.extend(answer.proposals)
                        done += 1
                    observer.tokens(answer.prompt_tokens, answer.completion_tokens)
                    if answer.errors:
                        observer.answer_errors(answer.errors)
                    observer.progress(done, total)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return proposals
