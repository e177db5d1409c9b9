"""finding model: each stored finding records the model (served LoRA adapter) that produced it

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 (serving: findings say which adapter made them, so a promotion or rollback can be traced)
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # nullable, no default: findings stored before this revision do not know their model
    with op.batch_alter_table('serving_findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index(batch_op.f('ix_serving_findings_model'), ['model'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('serving_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serving_findings_model'))
        batch_op.drop_column('model')
