"""Migration 0015 makes the service's tenants and the label store's one table. A database at 0014 with
rows in every table (contracts, uploads, jobs, findings, reviews, labels, assignments, templates,
comparisons, terms, feed tokens, notices, keys, adapters and their promotions, datasets) upgrades with
every row kept, every tenant reference naming the same tenant, and back again."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, LargeBinary, MetaData, Table, text
from sqlalchemy.engine import Connection

import serving.db  # noqa: F401  (registers the service's tables: the history migrates both parts)
from annotation.store.db import current_revision, downgrade, upgrade

BEFORE = "0014"
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
    upgrade(store.engine)
    assert current_revision(store.engine) != BEFORE
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
