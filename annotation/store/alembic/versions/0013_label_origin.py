"""label origin and the annotation queue: where each label came from (drawn by hand, or a model's suggestion
accepted or edited), and which contracts are assigned to which annotator with what status

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06 (annotation: the annotator's workspace, issue #31)
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0013'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # every person's label stored before this revision was drawn by hand (the app offered no suggestions)
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False,
                                      server_default='manual'))
        batch_op.create_index(batch_op.f('ix_annotation_origin'), ['origin'], unique=False)
    # ... except the analyzers' findings that lawyers reviewed (stored as the model's annotations): taken as
    # they were, or edited (the accepting review's comment starts "edited:", serving.review_labels)
    op.execute("UPDATE annotation SET origin = 'suggested_accepted' WHERE annotator_id IN "
               "(SELECT id FROM annotator WHERE kind = 'model')")
    op.execute("UPDATE annotation SET origin = 'suggested_edited' WHERE origin = 'suggested_accepted' AND id IN "
               "(SELECT annotation_id FROM review_event WHERE decision = 'accepted' AND comment LIKE 'edited:%')")
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['tenant'], ['label_tenant.name'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'annotator_id', name='uq_assignment_contract_annotator')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_annotator_id'), ['annotator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_tenant'), ['tenant'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_tenant'))
        batch_op.drop_index(batch_op.f('ix_assignment_status'))
        batch_op.drop_index(batch_op.f('ix_assignment_contract_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_annotator_id'))
    op.drop_table('assignment')
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_origin'))
        batch_op.drop_column('origin')
