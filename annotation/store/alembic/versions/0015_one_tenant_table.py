"""one tenant table: the service's tenants and the label store's become one table, `tenant`

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 (a firm was a row in serving_tenants, for its keys and contracts, and a row of the
same name in label_tenant, for its labels and whether it shares them, joined by name. serving_tenants
becomes `tenant` with the sharing flag; every label_tenant row without a service tenant of its name (the
public data sets, `unattributed`, tenants only commands wrote to) is added to it, and the label store's
foreign keys move from label_tenant.name to tenant.name. Ids and names are kept, so every row that named
a tenant names the same one after)
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the label store's tables whose `tenant` column names a tenant (migration 0003 and 0013)
STORE_TABLES = ("contract", "annotation", "review_event", "assignment")


def _repoint(table: str, parent: str) -> None:
    """Move `table.tenant`'s foreign key to `parent.name`. SQLite rebuilds the table (batch), naming the
    one unnamed key (0013's) by convention; PostgreSQL drops the key by the name it has."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        convention = {"fk": "fk_%(table_name)s_%(column_0_name)s"}
        with op.batch_alter_table(table, naming_convention=convention) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_tenant", type_="foreignkey")
            batch_op.create_foreign_key(f"fk_{table}_tenant", parent, ["tenant"], ["name"])
        return
    for key in sa.inspect(bind).get_foreign_keys(table):
        if key["constrained_columns"] == ["tenant"] and key["name"]:
            op.drop_constraint(key["name"], table, type_="foreignkey")
    op.create_foreign_key(f"fk_{table}_tenant", table, parent, ["tenant"], ["name"])


def _rename(old: str, new: str) -> None:
    """Rename the tenant table and its unique index on `name`; the foreign keys to it follow the table
    (PostgreSQL; SQLite from 3.26). On PostgreSQL the keys to `name` depend on that index, so it is
    renamed in place; SQLite's keys do not, so there it is dropped and made again."""
    if op.get_bind().dialect.name == "postgresql":
        op.rename_table(old, new)
        op.execute(f"ALTER INDEX ix_{old}_name RENAME TO ix_{new}_name")
        return
    with op.batch_alter_table(old, schema=None) as batch_op:
        batch_op.drop_index(f'ix_{old}_name')
    op.rename_table(old, new)
    with op.batch_alter_table(new, schema=None) as batch_op:
        batch_op.create_index(f'ix_{new}_name', ['name'], unique=True)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('serving_tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_labels', sa.Boolean(), nullable=False, server_default=sa.false()))
    service: dict[str, str] = dict(bind.execute(sa.text("SELECT name, id FROM serving_tenants")).all())
    for name, share, created in bind.execute(sa.text("SELECT name, share_labels, created_at FROM label_tenant")).all():
        if name in service:
            bind.execute(sa.text("UPDATE serving_tenants SET share_labels = :s WHERE id = :i"),
                         {"s": bool(share), "i": service[name]})
        else:
            bind.execute(sa.text("INSERT INTO serving_tenants (id, name, created_at, share_labels) "
                                 "VALUES (:i, :n, :c, :s)"),
                         {"i": uuid.uuid4().hex, "n": name, "c": created, "s": bool(share)})
    for table in STORE_TABLES:
        _repoint(table, "serving_tenants")
    op.drop_table('label_tenant')
    with op.batch_alter_table('serving_tenants', schema=None) as batch_op:
        batch_op.alter_column('share_labels', server_default=None)
    _rename('serving_tenants', 'tenant')


def downgrade() -> None:
    """Two tables again: label_tenant holds every tenant's name and sharing flag, serving_tenants the rest."""
    _rename('tenant', 'serving_tenants')
    op.create_table(
        'label_tenant',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('share_labels', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    bind = op.get_bind()
    for name, share, created in bind.execute(sa.text("SELECT name, share_labels, created_at FROM serving_tenants")).all():
        bind.execute(sa.text("INSERT INTO label_tenant (name, share_labels, created_at) VALUES (:n, :s, :c)"),
                     {"n": name, "s": bool(share), "c": created})
    for table in STORE_TABLES:
        _repoint(table, "label_tenant")
    with op.batch_alter_table('serving_tenants', schema=None) as batch_op:
        batch_op.drop_column('share_labels')
