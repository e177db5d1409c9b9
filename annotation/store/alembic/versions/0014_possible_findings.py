"""possible findings: a finding scored below the analyzer's threshold but above its recall-first floor

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 (the app lists these under "Possible — check" until a reviewer accepts one)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # every finding stored before this revision passed its threshold
    with op.batch_alter_table('serving_findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('possible', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('serving_findings', schema=None) as batch_op:
        batch_op.drop_column('possible')
