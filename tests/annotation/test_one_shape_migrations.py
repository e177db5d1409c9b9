"""Migrations 0015 (one tenant table) and 0016 (one contract record, the file stored once). A database with
rows in every table (contracts, uploads, jobs, findings, reviews, labels, assignments, templates,
comparisons, terms, feed tokens, notices, keys, adapters and their promotions, datasets) upgrades with
every row kept, every reference naming the same tenant and contract, and back again."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, LargeBinary, MetaData, Table, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

import serving.db  # noqa: F401  (registers the service's tables: the history migrates both parts)
from annotation.store.db import downgrade, upgrade
from serving.models import Contract as ServiceContract
from serving.service import contracts

BEFORE, AFTER = "0014", "0015"
# two firms with keys (acme also labels and shares), a firm known only to the label store, and `public`
SERVICE_TENANTS = {"acme": "a" * 32, "globex": "b" * 32}
STORE_TENANTS = {"acme": True, "store-only": False}
TENANT_TABLES = {"serving_tenants", "label_tenant", "tenant", "alembic_version"}


def _value(table: Table, column, i: int, chosen: dict[tuple[str, str], list[Any]]) -> Any:
    """Row i's value for a column: its parent's for a foreign key, else one of its type, distinct per row."""
    for key in column.foreign_keys:
        if key.column.table.name == table.name:  # a row pointing at another of its table (a correction)
            return None
        parents = chosen[(key.column.table.name, key.column.name)]
        return parents[i % len(parents)]
    kind = column.type
    if isinstance(kind, Boolean):
        return i % 2 == 0
    if isinstance(kind, Integer):
        return i + 1
    if isinstance(kind, Float):
        return 0.25 + i
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 1 + i, 12, 30, tzinfo=UTC if kind.timezone else None)
    if isinstance(kind, JSON):
        return {"row": i, "of": table.name}
    if isinstance(kind, LargeBinary):
        return f"%PDF bytes {i}".encode()
    length = getattr(kind, "length", None) or 64
    return f"{table.name[:10]}-{column.name[:10]}-{i}"[:length]


def _seed(conn: Connection) -> None:
    """Two rows in every table of the schema as it is at 0014, foreign keys pointing at real rows."""
    meta = MetaData()
    meta.reflect(conn)
    chosen: dict[tuple[str, str], list[Any]] = {
        ("serving_tenants", "id"): list(SERVICE_TENANTS.values()),
        ("label_tenant", "name"): [*STORE_TENANTS, "public"]}
    conn.execute(text("UPDATE label_tenant SET share_labels = :s WHERE name = 'public'"), {"s": True})
    for name, share in STORE_TENANTS.items():
        conn.execute(meta.tables["label_tenant"].insert().values(name=name, share_labels=share,
                                                                 created_at=datetime(2026, 1, 2, tzinfo=UTC)))
    for name, tenant_id in SERVICE_TENANTS.items():
        conn.execute(meta.tables["serving_tenants"].insert().values(id=tenant_id, name=name,
                                                                    created_at=datetime(2026, 1, 3)))
    for table in meta.sorted_tables:
        if table.name in TENANT_TABLES:
            continue
        rows = [{c.name: _value(table, c, i, chosen) for c in table.columns} for i in range(2)]
        conn.execute(table.insert(), rows)
        for column in table.columns:
            chosen[(table.name, column.name)] = [row[column.name] for row in rows]
        serial = [c.name for c in table.primary_key.columns if isinstance(c.type, Integer)]
        if serial and conn.dialect.name == "postgresql":  # ids given by hand: the next one the database gives
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{serial[0]}'), 2)"))


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, str) and value[:1] in "{[":
        return json.loads(value)  # SQLite hands JSON back as text, PostgreSQL as objects
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _rows(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but the tenants', comparable across dialects and revisions."""
    meta = MetaData()
    meta.reflect(conn)
    out = {}
    for table in meta.sorted_tables:
        if table.name not in TENANT_TABLES:
            rows = [{k: _normal(v) for k, v in row.items()} for row in conn.execute(table.select()).mappings()]
            out[table.name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out


def test_a_database_at_0014_with_every_table_filled_upgrades_with_nothing_lost(store):
    downgrade(store.engine, BEFORE)
    with store.engine.begin() as conn:
        _seed(conn)
    with store.engine.connect() as conn:
        before = _rows(conn)
    assert all(len(rows) == 2 for rows in before.values()) and "serving_uploads" in before
    upgrade(store.engine, AFTER)
    with store.engine.connect() as conn:
        assert _rows(conn) == before
        tenants = {name: (tid, share) for tid, name, share in conn.execute(text(
            "SELECT id, name, share_labels FROM tenant")).all()}
        names = {r for (r,) in conn.execute(text("SELECT DISTINCT tenant FROM annotation UNION "
                                                 "SELECT DISTINCT tenant FROM contract")).all()}
    # one row per name: the service's keep their ids, every store name is there with its sharing flag
    assert set(tenants) == {"acme", "globex", "store-only", "public"}
    assert {n: tenants[n][0] for n in SERVICE_TENANTS} == SERVICE_TENANTS
    assert {n: bool(tenants[n][1]) for n in tenants} == {"acme": True, "globex": False, "store-only": False,
                                                         "public": True}
    assert names <= set(tenants)
    downgrade(store.engine, BEFORE)  # and back: two tables again, every other row as it was
    with store.engine.connect() as conn:
        assert _rows(conn) == before
        assert dict(conn.execute(text("SELECT name, id FROM serving_tenants")).all()) == {
            **SERVICE_TENANTS, **{n: tenants[n][0] for n in ("store-only", "public")}}
        assert {n for (n,) in conn.execute(text("SELECT name FROM label_tenant")).all()} == set(tenants)


def _uploads_as_a_service_writes_them(conn: Connection) -> dict[str, dict[str, Any]]:
    """At 0015: each service contract's upload and columns as an upload wrote them (the seed's are filler).
    acme's contract is a file its label store already holds (reviewed: the same text, no file), globex's
    one only the service has; each template keeps its upload."""
    contracts_ = conn.execute(text("SELECT c.id, t.name FROM serving_contracts c JOIN tenant t ON t.id = c.tenant_id "
                                   "ORDER BY t.name")).all()
    assert [name for _, name in contracts_] == ["acme", "globex"]
    store = conn.execute(text("SELECT id, sha256, text FROM contract WHERE tenant = 'acme'")).first()
    expected = {}
    for i, (cid, tenant) in enumerate(contracts_):
        body = store[2] if tenant == "acme" else "1. Term. Five years.\n2. Governing Law. New York."
        sha = store[1] if tenant == "acme" else "f" * 64
        pages = [{"number": 1, "start": 0, "end": len(body)}]
        document = {"name": f"msa-{i}.pdf", "sha256": sha, "source_type": "pdf", "text": body, "pages": pages,
                    "metadata": {"tracked_changes": "accepted"}}
        data = f"%PDF-1.7 contract {i}".encode()
        if tenant == "acme":  # as a review stored it: the upload's document, without the file
            conn.execute(text("UPDATE contract SET name = :n, source_type = 'pdf', pages = :p, source_bytes = NULL "
                              "WHERE id = :i"), {"n": document["name"], "p": json.dumps(pages), "i": store[0]})
        conn.execute(text("UPDATE serving_contracts SET name = :n, sha256 = :s, source_type = 'pdf', size_bytes = :b, "
                          "pages = 1, chars = :c WHERE id = :i"),
                     {"n": document["name"], "s": sha, "b": len(data), "c": len(body), "i": cid})
        conn.execute(text("INSERT INTO serving_uploads (id, data, document) VALUES (:i, :d, :j)"),
                     {"i": cid, "d": data, "j": json.dumps(document)})
        expected[cid] = {"document": document, "data": data, "tenant": tenant}
    conn.execute(text("UPDATE serving_jobs SET status = 'done'"))  # the seed's statuses are filler too
    for (tid,) in conn.execute(text("SELECT id FROM serving_templates")).all():
        conn.execute(text("INSERT INTO serving_uploads (id, data, document) VALUES (:i, :d, :j)"),
                     {"i": tid, "d": b"template", "j": json.dumps({"name": "t"})})
    return expected


def test_a_service_contract_gets_its_one_record_and_its_file_is_stored_once(store):
    downgrade(store.engine, BEFORE)
    with store.engine.begin() as conn:
        _seed(conn)
    upgrade(store.engine, AFTER)
    with store.engine.begin() as conn:
        expected = _uploads_as_a_service_writes_them(conn)
    with store.engine.connect() as conn:
        before = _rows(conn)
        acme_record = conn.execute(text("SELECT id FROM contract WHERE tenant = 'acme'")).scalar_one()
    upgrade(store.engine, "0016")
    with store.engine.connect() as conn:
        after = _rows(conn)
        records = {cid: conn.execute(text("SELECT r.id, r.tenant, r.text, r.source_bytes, r.document_metadata "
                                          "FROM serving_contracts c JOIN contract r ON r.id = c.record_id "
                                          "WHERE c.id = :c"), {"c": cid}).one() for cid in expected}
        uploads = set(conn.execute(text("SELECT id FROM serving_uploads")).scalars())
    changed = {"contract", "serving_contracts", "serving_uploads"}
    assert {k: v for k, v in after.items() if k not in changed} == {k: v for k, v in before.items() if k not in changed}
    assert len(after["contract"]) == len(before["contract"]) + 1  # globex's file had no record yet
    for cid, want in expected.items():
        _rid, tenant, body, data, metadata = records[cid]
        assert (tenant, body, _normal(data), _normal(metadata)) == (
            want["tenant"], want["document"]["text"], want["data"], want["document"]["metadata"])
    assert records[next(c for c, w in expected.items() if w["tenant"] == "acme")][0] == acme_record  # reused
    assert not uploads & set(expected) and len(uploads) == len(before["serving_uploads"]) - len(expected)
    # what the API shows of each contract is what the service's own columns said before
    with Session(store.engine) as session:
        for row in before["serving_contracts"]:
            shown = contracts.get(session, tenant_id=row["tenant_id"], contract_id=row["id"])
            assert shown.model_dump(exclude={"latest_job"}) | {"created_at": None} == {
                k: row[k] for k in ("id", "name", "sha256", "source_type", "size_bytes", "pages", "chars")
            } | {"created_at": None}
            assert session.get(ServiceContract, row["id"]) is not None
    downgrade(store.engine, AFTER)  # and back: the service's columns and uploads as they were
    with store.engine.connect() as conn:
        again = _rows(conn)
    assert again["serving_contracts"] == before["serving_contracts"]
    restored = {r["id"]: r for r in again["serving_uploads"]}
    for cid, want in expected.items():
        assert _normal(restored[cid]["data"]) == want["data"] and restored[cid]["document"] == want["document"]
