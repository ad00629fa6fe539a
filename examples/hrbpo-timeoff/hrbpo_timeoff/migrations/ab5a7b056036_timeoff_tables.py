"""timeoff tables

Revision ID: ab5a7b056036
Revises: 
Create Date: 2026-11-23 15:14:54.162921
"""
from alembic import op
import sqlalchemy as sa


revision = 'ab5a7b056036'
down_revision = None
branch_labels = ('timeoff',)
depends_on = 'e82632032088'


def upgrade():
    op.create_table('timeoff_requests',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_timeoff_requests_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_timeoff_requests_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_timeoff_requests'))
    )
    op.create_index('ix_timeoff_requests_employee', 'timeoff_requests', ['tenant_id', 'employee_id', 'starts_on'])


def downgrade():
    op.drop_index('ix_timeoff_requests_employee', table_name='timeoff_requests')
    op.drop_table('timeoff_requests')
