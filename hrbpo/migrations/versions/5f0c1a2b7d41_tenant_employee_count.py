"""tenants.employee_count, kept by triggers on employees

Revision ID: 5f0c1a2b7d41
Revises: e82632032088
Create Date: 2026-12-01 21:10:00

An exact headcount per tenant in O(1), so the unfiltered employee list need
not count(*) a whole tenant on every page (bench S4). Triggers keep it, so
every way rows reach or leave `employees` (the app, an import, COPY, a tenant
deletion's cascade) is counted.
"""
import sqlalchemy as sa
from alembic import op

revision = "5f0c1a2b7d41"
down_revision = "e82632032088"
branch_labels = None
depends_on = None

# One statement-level trigger per direction: an import of 100,000 rows updates the tenant row once.
POSTGRESQL = [
    """CREATE FUNCTION hrbpo_count_employees() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE tenants SET employee_count = employee_count + n.rows
      FROM (SELECT tenant_id, count(*) AS rows FROM new_rows GROUP BY tenant_id) n WHERE tenants.id = n.tenant_id;
  ELSE
    UPDATE tenants SET employee_count = employee_count - o.rows
      FROM (SELECT tenant_id, count(*) AS rows FROM old_rows GROUP BY tenant_id) o WHERE tenants.id = o.tenant_id;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER employees_counted_insert AFTER INSERT ON employees REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hrbpo_count_employees()",
    "CREATE TRIGGER employees_counted_delete AFTER DELETE ON employees REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hrbpo_count_employees()",
]
SQLITE = [
    "CREATE TRIGGER employees_counted_insert AFTER INSERT ON employees BEGIN "
    "UPDATE tenants SET employee_count = employee_count + 1 WHERE id = NEW.tenant_id; END",
    "CREATE TRIGGER employees_counted_delete AFTER DELETE ON employees BEGIN "
    "UPDATE tenants SET employee_count = employee_count - 1 WHERE id = OLD.tenant_id; END",
]


def upgrade():
    op.add_column("tenants", sa.Column("employee_count", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE tenants SET employee_count = (SELECT count(*) FROM employees WHERE employees.tenant_id = tenants.id)")
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    op.execute("DROP TRIGGER employees_counted_insert ON employees" if op.get_bind().dialect.name == "postgresql"
               else "DROP TRIGGER employees_counted_insert")
    op.execute("DROP TRIGGER employees_counted_delete ON employees" if op.get_bind().dialect.name == "postgresql"
               else "DROP TRIGGER employees_counted_delete")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION hrbpo_count_employees()")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("employee_count")
