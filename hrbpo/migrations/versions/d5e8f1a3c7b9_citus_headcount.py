"""Citus: the headcount is counted on read, not kept by triggers

Revision ID: d5e8f1a3c7b9
Revises: d5e8a1c3f907
Create Date: 2026-12-08 02:00:00

Citus cannot distribute a table with triggers, and a trigger on a worker's
shard could not update the tenants reference table in the same transaction
anyway. So on a Citus coordinator the employee counter's triggers go, and the
employee list counts the tenant's rows (one shard) instead of reading
tenants.employee_count (people/api.py). Nothing happens on plain PostgreSQL
or SQLite.
"""
import sqlalchemy as sa
from alembic import op

revision = "d5e8f1a3c7b9"
down_revision = "d5e8a1c3f907"
branch_labels = None
depends_on = None


def _citus() -> bool:
    bind = op.get_bind()
    return bind.dialect.name == "postgresql" and bind.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")).scalar()


def upgrade():
    if _citus():
        op.execute("DROP TRIGGER IF EXISTS employees_counted_insert ON employees")
        op.execute("DROP TRIGGER IF EXISTS employees_counted_delete ON employees")


def downgrade():
    pass  # the triggers cannot come back on a distributed table
