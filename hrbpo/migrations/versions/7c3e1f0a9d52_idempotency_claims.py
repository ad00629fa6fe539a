"""idempotency_records: a claim's state (in_flight, committed, done) before its response

Revision ID: 7c3e1f0a9d52
Revises: 9b26c32d0295
Create Date: 2026-12-07 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7c3e1f0a9d52'
down_revision = '9b26c32d0295'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        # Every record stored so far holds its response.
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=False, server_default='done'))
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('mimetype', existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column('body', existing_type=sa.LargeBinary(), nullable=True)
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=sa.String(length=16), server_default=None)


def downgrade():
    op.execute("DELETE FROM idempotency_records WHERE state <> 'done'")
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.alter_column('body', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column('mimetype', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('state')
