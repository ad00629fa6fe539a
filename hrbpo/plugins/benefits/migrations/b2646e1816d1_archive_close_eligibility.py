"""Archived plans, windows closed early, plans ending on their own (lost
eligibility) and the eligibility changes HR reviews.

Revision ID: b2646e1816d1
Revises: 61c76e62d172
Create Date: 2026-12-01 20:16:45.966757
"""
from alembic import op
import sqlalchemy as sa


revision = 'b2646e1816d1'
down_revision = '61c76e62d172'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('benefit_eligibility_changes',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('window_id', sa.Uuid(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_benefit_eligibility_changes_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'plan_id'], ['benefit_plans.tenant_id', 'benefit_plans.id'], name=op.f('fk_benefit_eligibility_changes_tenant_id_plan_id_benefit_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'window_id'], ['benefit_windows.tenant_id', 'benefit_windows.id'], name=op.f('fk_benefit_eligibility_changes_tenant_id_window_id_benefit_windows')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_eligibility_changes_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_eligibility_changes'))
    )
    with op.batch_alter_table('benefit_eligibility_changes', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_eligibility_changes_review', ['tenant_id', 'change', 'reviewed_at'], unique=False)

    with op.batch_alter_table('benefit_elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coverage_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('benefit_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('benefit_windows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('benefit_windows', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

    with op.batch_alter_table('benefit_plans', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('benefit_elections', schema=None) as batch_op:
        batch_op.drop_column('ended_at')
        batch_op.drop_column('coverage_ends_on')

    with op.batch_alter_table('benefit_eligibility_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_eligibility_changes_review')

    op.drop_table('benefit_eligibility_changes')
