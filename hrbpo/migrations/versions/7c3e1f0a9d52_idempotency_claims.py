"""idempotency_records: claimed per tenant, user and key; a claim's state (in_flight, committed, done) before its response

Revision ID: 7c3e1f0a9d52
Revises: c41d7e9a2b15
Create Date: 2026-12-07 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7c3e1f0a9d52'
down_revision = 'c41d7e9a2b15'
branch_labels = None
depends_on = None


def upgrade():
    # Records stored so far hold their response, and count as outside any tenant
    # (the nil UUID, as each backend stores a Uuid): a repeat on a tenant's URL
    # of a request made before the upgrade runs again, as with a new key.
    nil = '00000000-0000-0000-0000-000000000000' if op.get_bind().dialect.name == 'postgresql' else '0' * 32
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.Uuid(), nullable=False, server_default=nil))
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=False, server_default='done'))
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('mimetype', existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column('body', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.drop_constraint('uq_idempotency_records_user_id_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_idempotency_records_user_id_scope_key'),
                                          ['user_id', 'scope', 'key'])
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.alter_column('scope', existing_type=sa.Uuid(), server_default=None)
        batch_op.alter_column('state', existing_type=sa.String(length=16), server_default=None)


def downgrade():
    op.execute("DELETE FROM idempotency_records WHERE state <> 'done'")
    op.execute("DELETE FROM idempotency_records WHERE id IN (SELECT id FROM idempotency_records r WHERE EXISTS ("
               "SELECT 1 FROM idempotency_records o WHERE o.user_id = r.user_id AND o.key = r.key AND o.id < r.id))")
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.drop_constraint('uq_idempotency_records_user_id_scope_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_idempotency_records_user_id_key'), ['user_id', 'key'])
        batch_op.alter_column('body', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column('mimetype', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('state')
        batch_op.drop_column('scope')
