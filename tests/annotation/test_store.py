from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import select

import serving.db  # noqa: F401  (registers the service's tables: the history migrates both parts)
from annotation.store import (
    Annotation,
    Contract,
    ReviewEvent,
    StoreError,
    add_annotation,
    contract_document,
    get_or_create_contract,
    record_review,
)
from annotation.store.db import ALEMBIC_DIR, current_revision, target_metadata
from contracts.documents import Document
from contracts.findings import Finding

# the newest revision of the one Alembic history (serving adds its tables after annotation's)
HEAD = ScriptDirectory(str(ALEMBIC_DIR)).get_current_head()

FIRM = "firm-a"  # the tenant these tests write as
TEXT = "1. Governing Law. This Agreement is governed by the laws of New York.\n2. Term. Five years."


def _doc(text: str = TEXT) -> Document:
    return Document.from_pages("msa.txt", [text[:40], text[40:]], source_type="txt", sha256="a" * 64, separator="")


def test_migrations_are_the_schema(store):
    """Upgrading an empty database to head gives exactly the tables the models describe."""
    assert current_revision(store.engine) == HEAD
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), target_metadata())
    assert diff == []


def test_contract_is_stored_once_with_pages_and_source(store):
    document = Document.from_text("msa.txt", TEXT)
    with store.session() as session:
        first = get_or_create_contract(session, FIRM, document, TEXT.encode())
        again = get_or_create_contract(session, FIRM, document)
    assert first.id == again.id
    with store.session() as session:
        contract = session.exec(select(Contract)).one()
        assert contract.source_bytes == TEXT.encode()
        assert contract_document(contract) == document


def test_contract_with_bytes_that_do_not_hash_is_refused(store):
    with store.session() as session, pytest.raises(StoreError, match="do not hash"):
        get_or_create_contract(session, FIRM, Document.from_text("msa.txt", TEXT), b"other bytes")


def test_page_map_round_trips(store):
    document = _doc()
    with store.session() as session:
        get_or_create_contract(session, FIRM, document)
    with store.session() as session:
        restored = contract_document(session.exec(select(Contract)).one())
    assert restored.pages == document.pages
    assert restored.page_of(50) == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"category": "Weather", "start": 0, "end": 5}, "unknown category"),
    ({"category": "Governing Law", "start": 0, "end": 5000}, "outside the text"),
    ({"category": "Governing Law", "start": 3, "end": 3}, "outside the text"),
    ({"category": "Governing Law", "start": 0, "end": 5, "quote": "Hello"}, "not 'Hello'"),
    ({"category": "Governing Law", "start": 0, "end": 5, "severity": "dire"}, "unknown severity"),
])
def test_bad_annotation_is_refused_with_the_reason(store, kwargs, message):
    with store.session() as session:
        contract = get_or_create_contract(session, FIRM, Document.from_text("msa.txt", TEXT))
        with pytest.raises(StoreError, match=message):
            add_annotation(session, contract, "alice", **{"severity": "info", "source": "test", **kwargs})


def test_a_failed_write_leaves_the_store_as_it_was(store):
    with pytest.raises(StoreError), store.session() as session:
        contract = get_or_create_contract(session, FIRM, Document.from_text("msa.txt", TEXT))
        add_annotation(session, contract, "alice", category="Governing Law", severity="info", start=3, end=16,
                       source="test")
        add_annotation(session, contract, "alice", category="Nope", severity="info", start=3, end=16, source="test")
    with store.session() as session:
        assert session.exec(select(Contract)).all() == []
        assert session.exec(select(Annotation)).all() == []


def test_reviews_are_an_audit_trail(store):
    with store.session() as session:
        contract = get_or_create_contract(session, FIRM, Document.from_text("msa.txt", TEXT))
        annotation = add_annotation(session, contract, "alice", category="governing law", severity="info",
                                    start=3, end=16, quote="Governing Law", source="test")
        record_review(session, FIRM, annotation.id, "rejected", "bob", "too short")
        record_review(session, FIRM, annotation.id, "accepted", "carol", "fine after all")
    with store.session() as session:
        stored = session.get(Annotation, annotation.id)
        events = session.exec(select(ReviewEvent).order_by(ReviewEvent.id)).all()
    assert stored.category == "Governing Law" and stored.status == "accepted"
    assert [(e.previous_status, e.decision, e.comment) for e in events] == [
        ("pending", "rejected", "too short"), ("rejected", "accepted", "fine after all")]


def test_reviewing_a_finding_stores_it_as_a_label(store):
    document = Document.from_text("msa.txt", TEXT)
    start = TEXT.index("This Agreement")
    quote = "This Agreement is governed by the laws of New York."
    finding = Finding(category="Governing Law", severity="info", quote=quote, start=start, end=start + len(quote),
                      page=1, score=0.9, explanation="New York law applies.")
    with store.session() as session:
        contract = get_or_create_contract(session, FIRM, document)
        event = record_review(session, FIRM, finding, "accepted", "alice", contract=contract, proposed_by="model:baseline")
    with store.session() as session:
        annotation = session.get(Annotation, event.annotation_id)
    assert (annotation.quote, annotation.status, annotation.source) == (quote, "accepted", "api")


def test_unknown_review_target_and_decision(store):
    with store.session() as session:
        with pytest.raises(StoreError, match="no annotation with id 99"):
            record_review(session, FIRM, 99, "accepted", "bob")
        with pytest.raises(StoreError, match="unknown decision"):
            record_review(session, FIRM, 1, "maybe", "bob")
