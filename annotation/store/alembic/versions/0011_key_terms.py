"""key terms: each contract's terms, the tenants' calendar feed tokens, the notice-deadline webhook claims

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 (issue 26: key terms on the portfolio, the calendar and the notice webhook)
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('serving_contract_terms',
    sa.Column('contract_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('job_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('expires_on', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('notice_deadline', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('governing_law', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('parties', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['serving_contracts.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['serving_tenants.id'], ),
    sa.PrimaryKeyConstraint('contract_id')
    )
    with op.batch_alter_table('serving_contract_terms', schema=None) as batch_op:
        for column in ('expires_on', 'governing_law', 'job_id', 'notice_deadline', 'tenant_id'):
            batch_op.create_index(batch_op.f(f'ix_serving_contract_terms_{column}'), [column], unique=False)

    op.create_table('serving_feed_tokens',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['serving_tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('serving_feed_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serving_feed_tokens_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_feed_tokens_token_hash'), ['token_hash'], unique=True)

    op.create_table('serving_notice_deliveries',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('contract_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('deadline', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['serving_contracts.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['serving_tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'deadline')
    )
    with op.batch_alter_table('serving_notice_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serving_notice_deliveries_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_notice_deliveries_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_serving_notice_deliveries_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_table('serving_notice_deliveries')
    op.drop_table('serving_feed_tokens')
    op.drop_table('serving_contract_terms')
