"""tenants in the label store; the explanation keeps its one name

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 (every contract, label, review event and dataset belongs to a tenant; rows
already stored go to `public`, the tenant of public data sets, which shares its labels as before --
except labels made by API reviews: a label a service finding points at goes to that finding's tenant,
and any other review label to `unattributed`, which does not share, so no firm's review stays in the
public pool; a contract holding labels of several tenants is copied, one per tenant. The column
annotation.rationale is renamed explanation, as the finding calls it)
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("contract", "annotation", "review_event")
UNATTRIBUTED = "unattributed"  # review labels whose tenant is no longer known: kept, never shared (models'
# UNATTRIBUTED_TENANT; a migration keeps its own literals so later model changes cannot alter it)
CONTRACT_COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {"id": sa.Integer(), "tenant": sa.String(), "sha256": sa.String(), "name": sa.String(),
                    "source_type": sa.String(), "text": sa.Text(), "pages": sa.JSON(), "source_bytes": sa.LargeBinary(),
                    "created_at": sa.DateTime(timezone=True)}


def upgrade() -> None:
    label_tenant = op.create_table(
        'label_tenant',
        sa.Column('name', AutoString(length=200), nullable=False),
        sa.Column('share_labels', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    op.execute(label_tenant.insert().values(name='public', share_labels=True, created_at=datetime.now(UTC)))
    for table in TENANT_TABLES:
        # existing rows are public data (the store had no tenants); the default only fills them
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('tenant', AutoString(length=200), nullable=False,
                                          server_default='public'))
    with op.batch_alter_table('contract', schema=None) as batch_op:  # one file may now be several contracts
        batch_op.drop_index(batch_op.f('ix_contract_sha256'))
        batch_op.create_index(batch_op.f('ix_contract_sha256'), ['sha256'], unique=False)
    _attribute_reviews(label_tenant)
    for table in TENANT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('tenant', server_default=None)
            batch_op.create_index(batch_op.f(f'ix_{table}_tenant'), ['tenant'], unique=False)
            batch_op.create_foreign_key(f'fk_{table}_tenant', 'label_tenant', ['tenant'], ['name'])
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_contract_tenant_sha256', ['tenant', 'sha256'])
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.alter_column('rationale', new_column_name='explanation')
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenants', sa.JSON(), nullable=False, server_default='["public"]'))
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.alter_column('tenants', server_default=None)


def _attribute_reviews(label_tenant: sa.Table) -> None:
    """Give each label made by an API review (source `api`) back to the tenant whose finding it came
    from, with its review events and its own copy of the contract."""
    bind = op.get_bind()
    owner: dict[int, str] = dict(bind.execute(sa.text(
        "SELECT f.annotation_id, t.name FROM serving_findings f JOIN serving_tenants t ON t.id = f.tenant_id "
        "WHERE f.annotation_id IS NOT NULL")).all())
    reviewed = bind.execute(sa.text("SELECT id, contract_id FROM annotation WHERE source = 'api'")).all()
    if not reviewed:
        return
    # a service tenant named `public` (allowed before this revision) is not the public data sets
    tenant_of = {aid: UNATTRIBUTED if owner.get(aid, 'public') == 'public' else owner[aid] for aid, _ in reviewed}
    for name in sorted(set(tenant_of.values())):
        op.execute(label_tenant.insert().values(name=name, share_labels=False, created_at=datetime.now(UTC)))
    for aid, tenant in tenant_of.items():
        bind.execute(sa.text("UPDATE annotation SET tenant = :t WHERE id = :a"), {"t": tenant, "a": aid})
        bind.execute(sa.text("UPDATE review_event SET tenant = :t WHERE annotation_id = :a"), {"t": tenant, "a": aid})
    contract = sa.table('contract', *(sa.column(name, type_) for name, type_ in CONTRACT_COLUMNS.items()))
    for (cid,) in bind.execute(sa.text("SELECT DISTINCT contract_id FROM annotation WHERE source = 'api'")).all():
        holders = set(bind.execute(sa.text("SELECT DISTINCT tenant FROM annotation WHERE contract_id = :c"),
                                   {"c": cid}).scalars())
        tenants = sorted(holders - {'public'})
        if 'public' not in holders:  # the stored row becomes the first tenant's, not left behind as public
            first = tenants.pop(0)
            bind.execute(sa.text("UPDATE contract SET tenant = :t WHERE id = :c"), {"t": first, "c": cid})
        row = bind.execute(sa.select(contract).where(contract.c.id == cid)).mappings().one()
        for tenant in tenants:
            bind.execute(contract.insert().values({**{k: row[k] for k in CONTRACT_COLUMNS if k != 'id'},
                                                   'tenant': tenant}))
            copy = bind.execute(sa.text("SELECT id FROM contract WHERE tenant = :t AND sha256 = :s"),
                                {"t": tenant, "s": row['sha256']}).scalar_one()
            bind.execute(sa.text("UPDATE annotation SET contract_id = :n WHERE contract_id = :c AND tenant = :t"),
                         {"n": copy, "c": cid, "t": tenant})


def downgrade() -> None:
    """Back to one global pool: only possible while no two tenants hold the same file."""
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.drop_column('tenants')
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.alter_column('explanation', new_column_name='rationale')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_constraint('uq_contract_tenant_sha256', type_='unique')
        batch_op.drop_index(batch_op.f('ix_contract_sha256'))
        batch_op.create_index(batch_op.f('ix_contract_sha256'), ['sha256'], unique=True)
    for table in reversed(TENANT_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_tenant', type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_tenant'))
            batch_op.drop_column('tenant')
    op.drop_table('label_tenant')
