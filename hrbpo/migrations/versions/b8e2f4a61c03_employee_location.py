"""employees.location (where a person works: filters and checklist audiences)

Revision ID: b8e2f4a61c03
Revises: a7d3c9e1f284
Create Date: 2026-12-08 01:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b8e2f4a61c03"
down_revision = "a7d3c9e1f284"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("location", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("location")
