"""tenants in the label store; the explanation keeps its one name

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 (every contract, label, review event and dataset belongs to a tenant; rows
already stored go to `public`, the tenant of public data sets, which shares its labels as before;
annotation.rationale is renamed explanation, as the finding calls it)
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("contract", "annotation", "review_event")


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
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('tenant', server_default=None)
            batch_op.create_index(batch_op.f(f'ix_{table}_tenant'), ['tenant'], unique=False)
            batch_op.create_foreign_key(f'fk_{table}_tenant', 'label_tenant', ['tenant'], ['name'])
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_sha256'))
        batch_op.create_index(batch_op.f('ix_contract_sha256'), ['sha256'], unique=False)
        batch_op.create_unique_constraint('uq_contract_tenant_sha256', ['tenant', 'sha256'])
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.alter_column('rationale', new_column_name='explanation')
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenants', sa.JSON(), nullable=False, server_default='["public"]'))
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.alter_column('tenants', server_default=None)


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
