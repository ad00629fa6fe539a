"""SCIM provisioning: scim_tokens, scim_users (one per login, backfilled),
employees.employee_number and employees.manager_id

Revision ID: d5e8a1c3f907
Revises: 11639baebdc6
Create Date: 2026-12-08 02:00:00
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "d5e8a1c3f907"
down_revision = "11639baebdc6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scim_tokens",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_scim_tokens_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_scim_tokens_tenant_id_tenants"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_scim_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_scim_tokens_token_hash")),
    )
    op.create_index("ix_scim_tokens_created_by", "scim_tokens", ["created_by_id"], unique=False)
    op.create_table(
        "scim_users",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_name", sa.String(length=254), nullable=False),
        sa.Column("user_name_key", sa.String(length=254), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_scim_users_tenant_id_tenants"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_scim_users")),
        sa.UniqueConstraint("tenant_id", "user_name_key", name=op.f("uq_scim_users_tenant_id_user_name_key")),
    )
    op.create_index("ix_scim_users_tenant_external_id", "scim_users", ["tenant_id", "external_id"], unique=False)
    op.create_index("ix_scim_users_tenant_email", "scim_users", ["tenant_id", "email"], unique=False)
    op.create_index("ix_scim_users_tenant_created", "scim_users", ["tenant_id", "created_at", "id"], unique=False)
    with _keeping_triggers(op.get_bind()), op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("employee_number", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("manager_id", sa.Uuid(), nullable=True))
        batch.create_index("ix_employees_tenant_manager", ["tenant_id", "manager_id"], unique=False)
        batch.create_foreign_key(op.f("fk_employees_tenant_id_manager_id_employees"), "employees",
                                 ["tenant_id", "manager_id"], ["tenant_id", "id"])
    _backfill(op.get_bind())


@contextmanager
def _keeping_triggers(conn):
    """SQLite's batch copies the table, dropping its triggers (the ones that
    keep tenants.employee_count, migration 5f0c1a2b7d41): made again after."""
    query = sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'employees'")
    triggers = conn.execute(query).scalars().all() if conn.dialect.name == "sqlite" else []
    yield
    for statement in triggers:
        conn.execute(sa.text(statement))


def _backfill(conn):
    """Every existing login becomes a SCIM User (the model does it for new ones)."""
    if conn.dialect.name == "postgresql":  # row-level security binds a table owner too
        conn.execute(sa.text("SET LOCAL hrbpo.all_tenants = '1'"))
    conn.execute(sa.text(
        "INSERT INTO scim_users (tenant_id, id, user_name, user_name_key, email, active, updated_at, created_at)"
        " SELECT m.tenant_id, m.id, u.email, u.email, u.email, m.active, m.created_at, m.created_at"
        " FROM memberships m JOIN users u ON u.id = m.user_id"))


def downgrade():
    with _keeping_triggers(op.get_bind()), op.batch_alter_table("employees") as batch:
        batch.drop_constraint(op.f("fk_employees_tenant_id_manager_id_employees"), type_="foreignkey")
        batch.drop_index("ix_employees_tenant_manager")
        batch.drop_column("manager_id")
        batch.drop_column("employee_number")
    op.drop_index("ix_scim_users_tenant_created", table_name="scim_users")
    op.drop_index("ix_scim_users_tenant_email", table_name="scim_users")
    op.drop_index("ix_scim_users_tenant_external_id", table_name="scim_users")
    op.drop_table("scim_users")
    op.drop_index("ix_scim_tokens_created_by", table_name="scim_tokens")
    op.drop_table("scim_tokens")
