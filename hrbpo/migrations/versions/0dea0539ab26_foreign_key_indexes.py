"""foreign key indexes: every foreign key leads an index (lookups by parent, cascades)

Revision ID: 0dea0539ab26
Revises: 5f0c1a2b7d41
Create Date: 2026-12-01 21:29:37.608065
"""
from alembic import op
import sqlalchemy as sa


revision = '0dea0539ab26'
down_revision = '5f0c1a2b7d41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index('ix_memberships_employee', ['tenant_id', 'employee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_employee')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_tenant_id'))

