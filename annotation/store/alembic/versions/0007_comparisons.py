"""serving comparisons (template comparison results)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 (issue 12)
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('serving_comparisons',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('contract_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('template_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('template_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('job_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['serving_contracts.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['serving_tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('serving_comparisons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serving_comparisons_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_comparisons_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_comparisons_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_comparisons_template_id'), ['template_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_comparisons_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('serving_comparisons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serving_comparisons_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_serving_comparisons_template_id'))
        batch_op.drop_index(batch_op.f('ix_serving_comparisons_job_id'))
        batch_op.drop_index(batch_op.f('ix_serving_comparisons_created_at'))
        batch_op.drop_index(batch_op.f('ix_serving_comparisons_contract_id'))
    op.drop_table('serving_comparisons')
