"""Template comparison with MiniLM sentence embeddings (the `embed` extra, which CI installs: these tests
fail rather than skip when it is missing)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from contracts import embeddings
from contracts.compare import align as align_module
from contracts.compare import compare_documents
from contracts.compare.align import (
    DEFAULT_WEIGHTS,
    EMBEDDING_WEIGHTS,
    LEXICAL_ONLY,
    Unit,
    Weights,
    align,
    score_matrix,
    units_of,
)
from contracts.documents import Document
from contracts.ingest import load_document

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
TERMINATE = "1. Either party may terminate this Agreement upon thirty days prior written notice to the other party."
ASSIGN = "1. Neither party may assign this Agreement without the prior written consent of the other party."
PARAPHRASE = ("2. Either side may end this contract by giving the other party thirty days of advance notice "
              "in writing.")
EMBEDDING_ONLY = Weights(lexical=0.0, heading=0.0, category=0.0, position=0.0, number=0.0, embedding=1.0)


def _units(text: str) -> list[Unit]:
    return units_of(Document.from_text("side.txt", text))


class CountingEmbedder:
    """The real model, recording what it was asked to embed."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return embeddings.embed(texts)


def test_the_embed_extra_is_installed_and_loads_offline() -> None:
    assert embeddings.available()
    vectors = embeddings.embed(["The Supplier shall indemnify the Customer.", "Payment is due in 30 days."])
    assert vectors.shape == (2, embeddings.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_embeddings_rank_a_paraphrase_above_a_clause_that_only_shares_words() -> None:
    template, contract = _units(TERMINATE), _units(f"{ASSIGN}\n\n{PARAPHRASE}")
    lexical = score_matrix(template, contract, LEXICAL_ONLY)
    cosine = score_matrix(template, contract, EMBEDDING_ONLY, embeddings.embed)
    # words say the assignment clause is closer; meaning says the paraphrased termination clause is
    assert lexical[0, 0] > lexical[0, 1] > 0
    assert cosine[0, 1] > cosine[0, 0] + 0.15
    without = score_matrix(template, contract, DEFAULT_WEIGHTS)
    with_embeddings = score_matrix(template, contract, EMBEDDING_WEIGHTS, embeddings.embed)
    assert with_embeddings[0, 1] > without[0, 1]
    assert with_embeddings[0, 0] - with_embeddings[0, 1] < without[0, 0] - without[0, 1]


def test_only_clauses_without_an_identical_twin_are_embedded_in_one_batch() -> None:
    shared = "3. This Agreement is governed by the laws of the State of New York."
    template = _units(f"{TERMINATE}\n\n{shared}")
    contract = _units(f"{ASSIGN}\n\n{shared}\n\n{PARAPHRASE}")
    embedder = CountingEmbedder()
    alignment = align(template, contract, embeddings=True, embedder=embedder)
    assert alignment.embeddings == "on"
    assert len(embedder.calls) == 1
    assert sorted(embedder.calls[0]) == sorted([template[0].key, contract[0].key, contract[2].key])
    assert any(m.template == [1] and m.contract == [1] for m in alignment.matches)


@pytest.fixture(scope="module")
def msa() -> Document:
    return load_document(TEMPLATES / "master_services_agreement.txt")


def _draft(template: Document) -> Document:
    text = template.text
    for old, new in (("shall", "will"), ("Agreement", "Contract"), ("thirty (30)", "sixty (60)")):
        assert old in text, old
        text = text.replace(old, new, 2)
    return Document.from_text("draft.txt", text)


def test_compare_documents_with_embeddings_on_and_off_agree_on_a_lightly_edited_draft(msa: Document) -> None:
    draft = _draft(msa)
    on = compare_documents(draft, msa, embeddings=True)
    off = compare_documents(draft, msa, embeddings=False)
    assert (on.embeddings, off.embeddings) == ("on", "off")
    assert on.aligned and off.aligned
    assert on.summary.missing == off.summary.missing == 0
    assert on.summary.extra == off.summary.extra == 0
    assert on.summary.modified == off.summary.modified > 0
    pairs = lambda c: [(p.template_clause and p.template_clause.start, p.contract_clause and p.contract_clause.start)  # noqa: E731
                       for p in c.pairs]
    assert pairs(on) == pairs(off)


def test_the_default_follows_the_shipped_setting(msa: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = _draft(msa)
    assert compare_documents(draft, msa).embeddings == ("on" if align_module.EMBEDDINGS_BY_DEFAULT else "off")
    monkeypatch.setattr(align_module, "EMBEDDINGS_BY_DEFAULT", True)
    assert compare_documents(draft, msa).embeddings == "on"


def test_too_many_clauses_to_embed_falls_back_to_lexical_and_says_so(msa: Document,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    draft = _draft(msa)
    monkeypatch.setattr(align_module, "MAX_EMBEDDED", 1)
    embedder = CountingEmbedder()
    result = compare_documents(draft, msa, embeddings=True, embedder=embedder)
    assert result.embeddings == "too_many_clauses"
    assert embedder.calls == []
    lexical = compare_documents(draft, msa, embeddings=False)
    assert result.pairs == lexical.pairs


def test_a_missing_extra_is_reported_not_raised(msa: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(align_module, "_extra_installed", lambda: False)
    result = compare_documents(_draft(msa), msa, embeddings=True)
    assert result.embeddings == "unavailable"
    assert result.aligned


def test_weights_without_an_embedding_term_do_not_embed() -> None:
    embedder = CountingEmbedder()
    alignment = align(_units(TERMINATE), _units(PARAPHRASE), DEFAULT_WEIGHTS, embeddings=True, embedder=embedder)
    assert alignment.embeddings == "off"
    assert embedder.calls == []
