"""employees.name_key (accent-free name search), users.timezone

Revision ID: c41d7e9a2b15
Revises: 3c7e1a9d4b20
Create Date: 2026-12-07 23:00:00

The key is computed in Python (hrbpo.core.people.names), the same code the
model runs on every write, so existing rows are backfilled here batch by batch.
"""
import sqlalchemy as sa
from alembic import op

from hrbpo.core.people.names import name_key

revision = "c41d7e9a2b15"
down_revision = "3c7e1a9d4b20"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=201), nullable=False, server_default=""))
        batch.create_index("ix_employees_tenant_name_key", ["tenant_id", "name_key"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    _backfill(op.get_bind())


def _backfill(conn):
    if conn.dialect.name == "postgresql":  # row-level security binds a table owner too
        conn.execute(sa.text("SET LOCAL hrbpo.all_tenants = '1'"))
    rows = conn.execute(sa.text("SELECT tenant_id, id, first_name, last_name FROM employees")).all()
    update = sa.text("UPDATE employees SET name_key = :key WHERE tenant_id = :tenant_id AND id = :id")
    for start in range(0, len(rows), BATCH):
        conn.execute(update, [{"key": name_key(r.first_name, r.last_name), "tenant_id": r.tenant_id, "id": r.id}
                              for r in rows[start:start + BATCH]])


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("timezone")
    with op.batch_alter_table("employees") as batch:
        batch.drop_index("ix_employees_tenant_name_key")
        batch.drop_column("name_key")
