"""users: last accepted TOTP step (a spent code cannot sign in again)

Revision ID: e4b56b5738b2
Revises: 0dea0539ab26
Create Date: 2026-12-01 20:16:59.498497
"""
from alembic import op
import sqlalchemy as sa


revision = 'e4b56b5738b2'
down_revision = '0dea0539ab26'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_totp_step', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_totp_step')
