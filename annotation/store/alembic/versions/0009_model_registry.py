"""model registry: adapters with lineage and eval, and promotion events

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 (serving: the adapters the API may serve, and which one it serves)
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('serving_model_versions',
    sa.Column('lineage', sa.JSON(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tenant_scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('adapter_path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('base_model', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('eval_run', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_scope', 'name')
    )
    with op.batch_alter_table('serving_model_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serving_model_versions_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_model_versions_tenant_scope'), ['tenant_scope'], unique=False)
    op.create_table('serving_model_promotions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('model_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gate', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['serving_model_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('serving_model_promotions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serving_model_promotions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_model_promotions_model_id'), ['model_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_model_promotions_tenant_scope'), ['tenant_scope'], unique=False)


def downgrade() -> None:
    op.drop_table('serving_model_promotions')
    op.drop_table('serving_model_versions')
