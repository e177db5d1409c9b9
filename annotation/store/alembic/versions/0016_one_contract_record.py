"""one contract record: the service's contract refers to the label store's by id; the file is stored once

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 (a contract was a row in serving_contracts (name, hash, sizes), its file and parsed
document in serving_uploads, and -- once reviewed or labelled -- a row in the store's `contract` with the
same name, hash, text, page map and a second copy of the file. Now the store's row is the record: it gains
the document's metadata and the sizes a listing shows, every service contract gets its record (the one
its tenant already has for the file, else one made from its upload) and keeps only its id, tenant, time
and `record_id`; contracts' uploads go, templates' stay. Where a tenant's record holds another text than
the service's upload of the same file (two extractions), both sides' offsets would disagree: the upgrade
stops and names them rather than lose either)
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = ("name", "sha256", "source_type", "size_bytes", "pages", "chars")  # serving_contracts' columns that go


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # SQLite hands JSON back as text


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_metadata', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('size_bytes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('page_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('chars', sa.Integer(), nullable=False, server_default='0'))
    for rid, text, pages, data in bind.execute(sa.text("SELECT id, text, pages, source_bytes FROM contract")).all():
        bind.execute(sa.text("UPDATE contract SET page_count = :p, chars = :c, size_bytes = :s WHERE id = :i"),
                     {"p": len(_json(pages)), "c": len(text), "s": len(data) if data is not None else None, "i": rid})
    with op.batch_alter_table('serving_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_id', sa.Integer(), nullable=True))
    record = sa.table('contract', *(sa.column(n) for n in (
        'id', 'tenant', 'sha256', 'name', 'source_type', 'text', 'created_at', 'size_bytes', 'page_count', 'chars')),
        sa.column('pages', sa.JSON()), sa.column('document_metadata', sa.JSON()),
        sa.column('source_bytes', sa.LargeBinary()))
    services = bind.execute(sa.text(
        "SELECT c.id, t.name, c.sha256, c.created_at, u.data, u.document FROM serving_contracts c "
        "JOIN tenant t ON t.id = c.tenant_id LEFT JOIN serving_uploads u ON u.id = c.id ORDER BY c.id")).all()
    clashes = []
    for cid, tenant, sha256, created, data, document in services:
        if document is None:  # stored with its contract in one transaction: only a hand-edited database lacks it
            clashes.append(f"{tenant}/{cid} (no upload)")
            continue
        # bytes; SQLite's dynamic typing may hand a BLOB written as text back as str
        document, data = _json(document), data.encode() if isinstance(data, str) else bytes(data)
        found = bind.execute(sa.text("SELECT id, text FROM contract WHERE tenant = :t AND sha256 = :s"),
                             {"t": tenant, "s": sha256}).first()
        if found is None:
            bind.execute(record.insert().values(
                tenant=tenant, sha256=sha256, name=document["name"], source_type=document["source_type"],
                text=document["text"], pages=document["pages"], document_metadata=document.get("metadata") or {},
                source_bytes=data, size_bytes=len(data), page_count=len(document["pages"]),
                chars=len(document["text"]), created_at=created))
            found = bind.execute(sa.text("SELECT id, text FROM contract WHERE tenant = :t AND sha256 = :s"),
                                 {"t": tenant, "s": sha256}).one()
        elif found[1] != document["text"]:
            clashes.append(f"{tenant}/{cid} ({document['name']})")
            continue
        else:
            bind.execute(record.update().where(record.c.id == found[0]).values(
                source_bytes=data, size_bytes=len(data), document_metadata=document.get("metadata") or {}))
        bind.execute(sa.text("UPDATE serving_contracts SET record_id = :r WHERE id = :c"), {"r": found[0], "c": cid})
        bind.execute(sa.text("DELETE FROM serving_uploads WHERE id = :c"), {"c": cid})
    if clashes:
        raise RuntimeError("these contracts cannot get one record: their uploads were read into another text than "
                           "the label store holds for the same file (their findings and labels index different "
                           f"texts), or their upload is missing: {', '.join(clashes)}; delete the service contract "
                           "(its labels stay) or the store's record, then upgrade")
    _drop_service_columns()


def _drop_service_columns() -> None:
    """serving_contracts keeps id, tenant, time and its record. Its (tenant_id, sha256) key was unnamed: on
    SQLite a naming convention names it while the table is rebuilt; PostgreSQL named it itself."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for key in sa.inspect(bind).get_unique_constraints('serving_contracts'):
            if key["column_names"] == ["tenant_id", "sha256"] and key["name"]:
                op.drop_constraint(key["name"], 'serving_contracts', type_='unique')
    convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    with op.batch_alter_table('serving_contracts', schema=None, naming_convention=convention) as batch_op:
        if bind.dialect.name == "sqlite":
            batch_op.drop_constraint('uq_serving_contracts_tenant_id', type_='unique')
        batch_op.drop_index('ix_serving_contracts_sha256')
        for column in MOVED:
            batch_op.drop_column(column)
        batch_op.alter_column('record_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint('uq_serving_contracts_record_id', ['record_id'])
        batch_op.create_foreign_key('fk_serving_contracts_record_id', 'contract', ['record_id'], ['id'])
    with op.batch_alter_table('contract', schema=None) as batch_op:
        for column in ('document_metadata', 'page_count', 'chars'):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    """The service's columns and uploads again, from the records (which keep the file too, as a review's
    copy did before)."""
    bind = op.get_bind()
    with op.batch_alter_table('serving_contracts', schema=None) as batch_op:
        for column in ("name", "sha256", "source_type"):
            batch_op.add_column(sa.Column(column, sa.String(), nullable=True))
        for column in ("size_bytes", "pages", "chars"):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    uploads = sa.table('serving_uploads', sa.column('id'), sa.column('data', sa.LargeBinary()),
                       sa.column('document', sa.JSON()))
    rows = bind.execute(sa.text(
        "SELECT c.id, r.name, r.sha256, r.source_type, r.text, r.pages, r.document_metadata, r.source_bytes "
        "FROM serving_contracts c JOIN contract r ON r.id = c.record_id")).all()
    for cid, name, sha256, source_type, text, pages, metadata, data in rows:
        data = bytes(data) if data is not None else text.encode()
        pages = _json(pages)
        bind.execute(sa.text("UPDATE serving_contracts SET name = :n, sha256 = :s, source_type = :t, size_bytes = :b, "
                             "pages = :p, chars = :c WHERE id = :i"),
                     {"n": name, "s": sha256, "t": source_type, "b": len(data), "p": len(pages), "c": len(text),
                      "i": cid})
        bind.execute(uploads.insert().values(id=cid, data=data, document={
            "name": name, "sha256": sha256, "source_type": source_type, "text": text, "pages": pages,
            "metadata": _json(metadata) or {}}))
    convention = {"uq": "uq_%(table_name)s_%(column_0_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s"}
    with op.batch_alter_table('serving_contracts', schema=None, naming_convention=convention) as batch_op:
        batch_op.drop_constraint('fk_serving_contracts_record_id', type_='foreignkey')
        batch_op.drop_constraint('uq_serving_contracts_record_id', type_='unique')
        batch_op.drop_column('record_id')
        for column in MOVED:
            batch_op.alter_column(column, nullable=False)
        batch_op.create_index('ix_serving_contracts_sha256', ['sha256'], unique=False)
        batch_op.create_unique_constraint('uq_serving_contracts_tenant_id', ['tenant_id', 'sha256'])
    with op.batch_alter_table('contract', schema=None) as batch_op:
        for column in ('chars', 'page_count', 'size_bytes', 'document_metadata'):
            batch_op.drop_column(column)
