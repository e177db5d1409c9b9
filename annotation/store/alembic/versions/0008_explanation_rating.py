"""explanation ratings: lawyers' 1-5 scores of analyzers' explanations, to calibrate the LLM judge

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('explanation_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('contract_name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('explanation_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rater_id'], ['annotator.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rater_id', 'contract_name', 'category', 'start', 'end', 'explanation_sha256')
    )
    with op.batch_alter_table('explanation_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_explanation_rating_contract_name'), ['contract_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_explanation_rating_rater_id'), ['rater_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('explanation_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_explanation_rating_rater_id'))
        batch_op.drop_index(batch_op.f('ix_explanation_rating_contract_name'))
    op.drop_table('explanation_rating')
