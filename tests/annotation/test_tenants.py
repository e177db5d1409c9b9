"""The label store's tenant walls: the same file is one contract per tenant, every lookup is scoped to
its tenant, and a store migrated from before tenants keeps its rows as the public tenant's."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from annotation.adjudication import decide
from annotation.labelstudio import export_tasks
from annotation.stats import store_stats
from annotation.store import (
    PUBLIC_TENANT,
    Annotation,
    Contract,
    LabelTenant,
    StoreConflict,
    StoreError,
    add_annotation,
    get_or_create_contract,
    owned,
    record_review,
    sharing_tenants,
)
from annotation.store.db import downgrade, upgrade
from contracts.documents import Document

TEXT = "1. Governing Law. This Agreement is governed by the laws of New York.\n2. Term. Five years."


def _label(session, tenant: str, document: Document, reviewer: str) -> Annotation:
    contract = get_or_create_contract(session, tenant, document, TEXT.encode())
    annotation = add_annotation(session, contract, reviewer, category="Governing Law", severity="info",
                                start=3, end=16, source="test", explanation=f"{tenant}'s note")
    record_review(session, tenant, annotation.id, "accepted", reviewer)
    return annotation


def test_the_same_file_is_one_contract_per_tenant(store):
    document = Document.from_text("msa.txt", TEXT)
    with store.session() as session:
        a = _label(session, "firm-a", document, "alice")
        b = _label(session, "firm-b", document, "bob")
    with store.session() as session:
        contracts = session.exec(select(Contract).order_by(Contract.id)).all()
        assert [(c.tenant, c.sha256) for c in contracts] == [("firm-a", document.sha256), ("firm-b", document.sha256)]
        assert owned(session, Contract, "firm-a", sha256=document.sha256).id == a.contract_id
        assert owned(session, Annotation, "firm-a", id=b.id) is None  # another tenant's row is not there
        with pytest.raises(StoreError, match=f"no annotation with id {b.id}"):
            record_review(session, "firm-a", b.id, "rejected", "alice")
        with pytest.raises(StoreError, match=f"no annotation with id {b.id}"):
            decide(session, "firm-a", "alice", accept=[b.id])
        # a finding can only be recorded on the reviewing tenant's own contract
        with pytest.raises(StoreError, match="tenant's contract"):
            record_review(session, "firm-a", _finding(), "accepted", "alice", contract=session.get(Contract, b.contract_id))
    with store.session() as session:
        stats = store_stats(session, "firm-a")
        tasks = export_tasks(session, "firm-b", with_annotations=True)
    assert (stats["contracts"], stats["annotations"], stats["review_events"], stats["by_annotator"]) == (1, 1, 1, {"alice": 1})
    assert [a["completed_by"]["email"] for a in tasks[0]["annotations"]] == ["bob"] and len(tasks) == 1


def _finding():
    from contracts.findings import Finding

    return Finding(category="Governing Law", severity="info", quote="Governing Law", start=3, end=16, page=1,
                   score=0.5, explanation="x")


def test_another_extraction_of_a_stored_file_is_a_conflict(store):
    with store.session() as session:
        get_or_create_contract(session, "firm-a", Document.from_text("msa.txt", TEXT, sha256="c" * 64))
    with store.session() as session, pytest.raises(StoreConflict, match="different text extraction"):
        get_or_create_contract(session, "firm-a", Document.from_text("msa.txt", TEXT + " More.", sha256="c" * 64))
    with store.session() as session:  # another tenant holding that file with its own extraction is fine
        get_or_create_contract(session, "firm-b", Document.from_text("msa.txt", TEXT + " More.", sha256="c" * 64))


def test_only_public_shares_by_default(store):
    with store.session() as session:
        get_or_create_contract(session, "firm-a", Document.from_text("msa.txt", TEXT))
        assert sharing_tenants(session) == [PUBLIC_TENANT]
        assert session.get(LabelTenant, "firm-a").share_labels is False


def test_rows_from_before_tenants_become_public(store):
    """Upgrade a 0002 store holding a contract, a label, its review and a dataset: all are public's,
    the label's rationale is its explanation, and the public tenant shares as the pool did."""
    downgrade(store.engine, "0002")  # the fixture migrated to head
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO annotator (id, name, kind, created_at) VALUES (1, 'cuad', 'source', :t)"),
                     {"t": "2026-01-01 00:00:00"})
        conn.execute(text("INSERT INTO contract (id, sha256, name, source_type, text, pages, created_at) "
                          "VALUES (1, :sha, 'msa.txt', 'txt', :text, '[]', :t)"),
                     {"sha": "d" * 64, "text": TEXT, "t": "2026-01-01 00:00:00"})
        conn.execute(text("INSERT INTO annotation (id, contract_id, annotator_id, category, severity, start, \"end\", "
                          "quote, rationale, status, source, created_at) VALUES (1, 1, 1, 'Governing Law', 'info', "
                          "3, 16, 'Governing Law', 'why it matters', 'accepted', 'cuad', :t)"), {"t": "2026-01-01 00:00:00"})
        conn.execute(text("INSERT INTO review_event (id, annotation_id, reviewer_id, kind, decision, previous_status, "
                          "created_at) VALUES (1, 1, 1, 'import', 'accepted', 'pending', :t)"), {"t": "2026-01-01 00:00:00"})
        conn.execute(text("INSERT INTO dataset_version (id, content_hash, params, splits, annotation_ids, card, "
                          "created_at) VALUES (1, :h, '{}', '{}', '[1]', '{}', :t)"), {"h": "e" * 64, "t": "2026-01-01 00:00:00"})
    upgrade(store.engine)
    with store.engine.connect() as conn:
        tenants = {table: conn.execute(text(f"SELECT tenant FROM {table}")).scalars().all()
                   for table in ("contract", "annotation", "review_event")}
        explanation = conn.execute(text("SELECT explanation FROM annotation")).scalar_one()
        datasets = conn.execute(text("SELECT tenants FROM dataset_version")).scalar_one()
        public = conn.execute(text("SELECT name, share_labels FROM label_tenant")).all()
    assert tenants == {"contract": ["public"], "annotation": ["public"], "review_event": ["public"]}
    assert explanation == "why it matters"
    assert datasets in (["public"], '["public"]')  # JSON on PostgreSQL, its text on SQLite
    assert [(name, bool(share)) for name, share in public] == [("public", True)]
    # and the tenant column takes no default from now on: a row must name its tenant
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(text("INSERT INTO contract (sha256, name, source_type, text, pages, created_at) "
                          "VALUES (:sha, 'x', 'txt', 'x', '[]', :t)"), {"sha": "f" * 64, "t": "2026-01-01 00:00:00"})
