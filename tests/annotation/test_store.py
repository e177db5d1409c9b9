from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
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
from annotation.store.db import (
    ALEMBIC_DIR,
    RENUMBERED_REVISIONS,
    current_revision,
    downgrade,
    target_metadata,
    upgrade,
)
from contracts.documents import Document
from contracts.findings import Finding

# the newest revision of the one Alembic history (serving adds its tables after annotation's)
HEAD = ScriptDirectory(str(ALEMBIC_DIR)).get_current_head()

FIRM = "firm-a"  # the tenant these tests write as
TEXT = "1. Governing Law. This Agreement is governed by the laws of New York.\n2. Term. Five years."


def _doc(text: str = TEXT) -> Document:
    return Document.from_pages("msa.txt", [text[:40], text[40:]], source_type="txt", sha256="a" * 64, separator="")


def _seed_serving_rows(engine) -> None:
    """A tenant, a contract with its upload, a job and a finding, written as raw rows (the schema of the
    revision the database is at, not the models')."""
    t = "2026-01-01 00:00:00"
    with engine.begin() as conn:
        run = lambda sql: conn.execute(text(sql), {"t": t})  # noqa: E731
        run("INSERT INTO serving_tenants (id, name, created_at) VALUES ('t1', 'acme', :t)")
        run("INSERT INTO serving_contracts (id, tenant_id, name, sha256, source_type, size_bytes, pages, chars, "
            "created_at) VALUES ('c1', 't1', 'msa.txt', 'd', 'txt', 10, 1, 10, :t)")
        run("INSERT INTO serving_uploads (id, data, document) VALUES ('c1', 'Five years', '{\"name\": \"msa.txt\", "
            "\"sha256\": \"d\", \"source_type\": \"txt\", \"text\": \"Five years\", \"pages\": "
            "[{\"number\": 1, \"start\": 0, \"end\": 10}]}')")
        run("INSERT INTO serving_jobs (id, tenant_id, contract_id, analyzer, status, attempts, chunks_done, "
            "chunks_total, stats, created_at) VALUES ('j1', 't1', 'c1', 'openai', 'done', 1, 1, 1, '{}', :t)")
        run("INSERT INTO serving_findings (id, tenant_id, contract_id, job_id, category, severity, quote, start, "
            "\"end\", page, score, explanation) VALUES ('f1', 't1', 'c1', 'j1', 'Governing Law', 'info', 'x', 0, 1, "
            "1, 0.9, 'x')")


def test_migrations_are_the_schema(store):
    """Upgrading an empty database to head gives exactly the tables the models describe."""
    assert current_revision(store.engine) == HEAD
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), target_metadata())
    assert diff == []


def test_findings_stored_before_0010_keep_their_rows_and_know_no_model(store):
    """0010 adds the finding's model: rows written under 0009 survive with a null model, new rows record
    one, and downgrading drops the column again."""
    downgrade(store.engine, "0009")
    _seed_serving_rows(store.engine)
    upgrade(store.engine)
    assert current_revision(store.engine) == HEAD
    with store.engine.begin() as conn:
        assert conn.execute(text("SELECT model FROM serving_findings WHERE id = 'f1'")).scalar_one() is None
        conn.execute(text("UPDATE serving_findings SET model = 'contract-risk-v2' WHERE id = 'f1'"))
        assert conn.execute(text("SELECT count(*) FROM serving_findings WHERE model = 'contract-risk-v2'")
                            ).scalar_one() == 1
    downgrade(store.engine, "0009")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM serving_findings")).scalar_one() == 1
        assert "model" not in {c["name"] for c in inspect(conn).get_columns("serving_findings")}


@pytest.mark.parametrize(("old", "new"), sorted(RENUMBERED_REVISIONS.items()))
def test_a_database_stamped_with_a_renumbered_revision_upgrades_with_its_rows(store, old, new):
    """Revisions 0003_keys, 0004 and 0005 became 0006, 0007 and 0008 (unique numbers, rising along the
    history). A database an earlier lexrisk left at an old identifier has exactly the schema of the new
    one, so it is made here by migrating to the new one and stamping the old name; it then upgrades to
    head with every row kept."""
    downgrade(store.engine, new)
    _seed_serving_rows(store.engine)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :old"), {"old": old})
    assert current_revision(store.engine) == old
    upgrade(store.engine)
    assert current_revision(store.engine) == HEAD
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM tenant WHERE name = 'acme'")).scalars().all() == ["t1"]
        for table, key in [("serving_contracts", "c1"), ("serving_jobs", "j1"), ("serving_findings", "f1")]:
            assert conn.execute(text(f"SELECT id FROM {table}")).scalars().all() == [key]
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), target_metadata())
    assert diff == []


def test_revision_numbers_are_unique_and_rise_along_the_one_history():
    """Each migration file's number is its revision's and no two share one; the history is one line."""
    scripts = ScriptDirectory(str(ALEMBIC_DIR))
    chain = list(reversed(list(scripts.walk_revisions())))
    assert len(scripts.get_heads()) == 1
    numbers = [int(rev.revision) for rev in chain]
    assert numbers == sorted(set(numbers))
    for rev in chain:
        assert rev.path is not None and rev.path.rsplit("/", 1)[-1].startswith(f"{rev.revision}_")
    assert not set(RENUMBERED_REVISIONS) & {rev.revision for rev in chain}


def test_labels_stored_before_0013_get_their_origin(store):
    """0013 adds the label's origin: a person's earlier label was drawn by hand, a reviewed finding (the
    model's annotation) was the model's suggestion, taken as it was or edited; downgrading drops the
    column and the queue's table."""
    downgrade(store.engine, "0010")
    t = "2026-01-01 00:00:00"
    with store.engine.begin() as conn:
        run = lambda sql: conn.execute(text(sql), {"t": t})  # noqa: E731
        run("INSERT INTO label_tenant (name, share_labels, created_at) VALUES ('acme', false, :t)")
        run("INSERT INTO contract (id, tenant, sha256, name, source_type, text, pages, created_at) "
            "VALUES (1, 'acme', 'd', 'msa.txt', 'txt', 'Governed by New York law.', '[]', :t)")
        run("INSERT INTO annotator (id, name, kind, created_at) VALUES (1, 'ann', 'person', :t), "
            "(2, 'model:baseline', 'model', :t)")
        for aid, who in ((1, 1), (2, 2), (3, 2)):
            run("INSERT INTO annotation (id, tenant, contract_id, annotator_id, category, severity, start, \"end\", "
                f"quote, status, source, created_at) VALUES ({aid}, 'acme', 1, {who}, 'Governing Law', 'info', 0, 8, "
                "'Governed', 'accepted', 'api', :t)")
        run("INSERT INTO review_event (tenant, annotation_id, reviewer_id, kind, decision, previous_status, comment, "
            "created_at) VALUES ('acme', 2, 1, 'review', 'accepted', 'pending', 'fine', :t), "
            "('acme', 3, 1, 'review', 'accepted', 'pending', 'edited: Governing Law/low -> Governing Law/info', :t)")
    upgrade(store.engine)
    with store.engine.connect() as conn:
        origins = dict(conn.execute(text("SELECT id, origin FROM annotation ORDER BY id")).all())
    assert origins == {1: "manual", 2: "suggested_accepted", 3: "suggested_edited"}
    downgrade(store.engine, "0010")
    with store.engine.connect() as conn:
        assert "origin" not in {c["name"] for c in inspect(conn).get_columns("annotation")}
        assert "assignment" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT count(*) FROM annotation")).scalar_one() == 3


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
    ({"category": "Governing Law", "start": 3, "end": 3}, r"the span 3\.\.3 is empty"),
    ({"category": "Governing Law", "start": 5, "end": 3}, r"the span 5\.\.3 is reversed"),
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
