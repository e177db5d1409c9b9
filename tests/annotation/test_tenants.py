"""The label store's tenant walls: the same file is one contract per tenant, every lookup is scoped to
its tenant, and a store migrated from before tenants keeps its rows as the public tenant's."""

from __future__ import annotations

import json

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
    DatasetVersion,
    ReviewEvent,
    StoreConflict,
    StoreError,
    Tenant,
    add_annotation,
    get_or_create_contract,
    owned,
    record_review,
    sharing_tenants,
    tenant_named,
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
        assert tenant_named(session, "firm-a").share_labels is False


T0 = "2026-01-01 00:00:00"


def _old_store(conn) -> None:
    """A 0002 store: CUAD's contract with its label; acme reviewed a finding on that same file (one
    label, the pool then had no tenants); a review label whose finding is gone; a dataset."""
    run = lambda sql, **p: conn.execute(text(sql), {"t": T0, **p})  # noqa: E731
    run("INSERT INTO annotator (id, name, kind, created_at) VALUES (1, 'cuad', 'source', :t), "
        "(2, 'model:fake', 'model', :t), (3, 'A. Lawyer', 'person', :t)")
    run("INSERT INTO contract (id, sha256, name, source_type, text, pages, source_bytes, created_at) "
        "VALUES (1, :sha, 'msa.txt', 'txt', :text, '[{\"page\": 1, \"start\": 0, \"end\": 5}]', :raw, :t)",
        sha="d" * 64, text=TEXT, raw=TEXT.encode())
    label = ("INSERT INTO annotation (id, contract_id, annotator_id, category, severity, start, \"end\", quote, "
             "rationale, status, source, created_at) VALUES (:id, 1, :who, 'Governing Law', 'info', 3, 16, "
             "'Governing Law', :why, 'accepted', :source, :t)")
    run(label, id=1, who=1, why="why it matters", source="cuad")
    run(label, id=2, who=2, why="acme's finding", source="api")
    run(label, id=3, who=2, why="finding since deleted", source="api")
    run("INSERT INTO review_event (id, annotation_id, reviewer_id, kind, decision, previous_status, created_at) "
        "VALUES (1, 1, 1, 'import', 'accepted', 'pending', :t), (2, 2, 3, 'review', 'accepted', 'pending', :t), "
        "(3, 3, 3, 'review', 'accepted', 'pending', :t)")
    run("INSERT INTO dataset_version (id, content_hash, params, splits, annotation_ids, card, created_at) "
        "VALUES (1, :h, '{}', '{}', '[1, 2]', '{}', :t)", h="e" * 64)
    run("INSERT INTO serving_tenants (id, name, created_at) VALUES ('t1', 'acme', :t)")
    run("INSERT INTO serving_contracts (id, tenant_id, name, sha256, source_type, size_bytes, pages, chars, "
        "created_at) VALUES ('c1', 't1', 'msa.txt', :sha, 'txt', 10, 1, 10, :t)", sha="d" * 64)
    run("INSERT INTO serving_uploads (id, data, document) VALUES ('c1', :raw, :doc)", raw=TEXT.encode(),
        doc=json.dumps({"name": "msa.txt", "sha256": "d" * 64, "source_type": "txt", "text": TEXT,
                        "pages": [{"number": 1, "start": 0, "end": len(TEXT)}]}))
    run("INSERT INTO serving_jobs (id, tenant_id, contract_id, analyzer, status, attempts, chunks_done, "
        "chunks_total, stats, created_at) VALUES ('j1', 't1', 'c1', 'fake', 'done', 1, 1, 1, '{}', :t)")
    run("INSERT INTO serving_findings (id, tenant_id, contract_id, job_id, category, severity, quote, start, "
        "\"end\", page, score, explanation, annotation_id) VALUES ('f1', 't1', 'c1', 'j1', 'Governing Law', "
        "'info', 'Governing Law', 3, 16, 1, 0.9, 'x', 2)")
    if conn.dialect.name == "postgresql":  # rows were written with their ids: move the sequences past them
        for table in ("annotator", "contract", "annotation", "review_event", "dataset_version"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))


def test_rows_from_before_tenants_get_their_tenant(store):
    """Upgrade a 0002 store: CUAD's rows are public's (which shares, as the pool did); acme's review
    label goes to acme with its own copy of the contract; a review label whose finding is gone goes to
    `unattributed`, which does not share; the rationale is the explanation."""
    downgrade(store.engine, "0002")  # the fixture migrated to head
    with store.engine.begin() as conn:
        _old_store(conn)
    upgrade(store.engine)
    with store.session() as session:
        labels = {a.id: (a.tenant, a.explanation) for a in session.exec(select(Annotation))}
        contracts = {c.id: c for c in session.exec(select(Contract))}
        contract_of = {a.id: a.contract_id for a in session.exec(select(Annotation))}
        events = {e.annotation_id: e.tenant for e in session.exec(select(ReviewEvent))}
        sharing = {t.name: t.share_labels for t in session.exec(select(Tenant))}
        dataset = session.exec(select(DatasetVersion)).one()
    assert labels == {1: ("public", "why it matters"), 2: ("acme", "acme's finding"),
                      3: ("unattributed", "finding since deleted")}
    assert events == {1: "public", 2: "acme", 3: "unattributed"}
    assert sharing == {"public": True, "acme": False, "unattributed": False}
    assert {contracts[contract_of[a]].tenant for a in labels} == {"public", "acme", "unattributed"}
    assert all(contracts[contract_of[a]].tenant == labels[a][0] for a in labels)
    copy = contracts[contract_of[2]]
    assert (copy.sha256, copy.text, copy.source_bytes, copy.pages) == ("d" * 64, TEXT, TEXT.encode(),
                                                                     [{"page": 1, "start": 0, "end": 5}])
    assert dataset.tenants == ["public"]
    # and the tenant column takes no default from now on: a row must name its tenant
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(text("INSERT INTO contract (sha256, name, source_type, text, pages, created_at) "
                          "VALUES (:sha, 'x', 'txt', 'x', '[]', :t)"), {"sha": "f" * 64, "t": T0})
