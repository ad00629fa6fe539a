"""benefits tables

Revision ID: 61c76e62d172
Revises: 
Create Date: 2026-11-23 14:31:03.952518
"""
from alembic import op
import sqlalchemy as sa


revision = '61c76e62d172'
down_revision = None
branch_labels = ('benefits',)
depends_on = 'e82632032088'


def upgrade():
    op.create_table('benefit_control_counters',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_control_counters_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_control_counters')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_benefit_control_counters_tenant_id_name'))
    )
    op.create_table('benefit_plans',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('carrier', sa.String(length=200), nullable=True),
    sa.Column('carrier_id', sa.String(length=80), nullable=True),
    sa.Column('group_number', sa.String(length=50), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('plan_year_starts_on', sa.Date(), nullable=True),
    sa.Column('plan_year_ends_on', sa.Date(), nullable=True),
    sa.Column('child_age_limit', sa.Integer(), nullable=False),
    sa.Column('employment_types', sa.JSON(), nullable=True),
    sa.Column('min_hours', sa.Integer(), nullable=True),
    sa.Column('waiting_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_plans_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_plans'))
    )
    op.create_table('benefit_dependents',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('relationship', sa.String(length=20), nullable=False),
    sa.Column('date_of_birth', sa.Text(), nullable=False),
    sa.Column('national_id', sa.Text(), nullable=True),
    sa.Column('national_id_last4', sa.String(length=4), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_benefit_dependents_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_dependents_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_dependents'))
    )
    with op.batch_alter_table('benefit_dependents', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_dependents_employee', ['tenant_id', 'employee_id'], unique=False)

    op.create_table('benefit_plan_tiers',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('employee_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('employer_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('age_bands', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'plan_id'], ['benefit_plans.tenant_id', 'benefit_plans.id'], name=op.f('fk_benefit_plan_tiers_tenant_id_plan_id_benefit_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_plan_tiers_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_plan_tiers')),
    sa.UniqueConstraint('tenant_id', 'plan_id', 'tier', name=op.f('uq_benefit_plan_tiers_tenant_id_plan_id_tier'))
    )
    op.create_table('benefit_windows',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('coverage_starts_on', sa.Date(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_benefit_windows_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_windows_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_windows'))
    )
    op.create_table('benefit_carrier_exports',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('window_id', sa.Uuid(), nullable=False),
    sa.Column('carrier', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('control_number', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'window_id'], ['benefit_windows.tenant_id', 'benefit_windows.id'], name=op.f('fk_benefit_carrier_exports_tenant_id_window_id_benefit_windows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_carrier_exports_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_carrier_exports'))
    )
    with op.batch_alter_table('benefit_carrier_exports', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_carrier_exports_window', ['tenant_id', 'window_id', 'carrier'], unique=False)

    op.create_table('benefit_enrollments',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('window_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('pay_periods', sa.Integer(), nullable=False),
    sa.Column('submitted_by', sa.Uuid(), nullable=True),
    sa.Column('replaces_id', sa.Uuid(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('coverage_ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_benefit_enrollments_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'window_id'], ['benefit_windows.tenant_id', 'benefit_windows.id'], name=op.f('fk_benefit_enrollments_tenant_id_window_id_benefit_windows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_enrollments_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_enrollments'))
    )
    with op.batch_alter_table('benefit_enrollments', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_enrollments_window', ['tenant_id', 'window_id', 'status'], unique=False)
        batch_op.create_index('uq_benefit_enrollments_current', ['tenant_id', 'employee_id', 'window_id'], unique=True, sqlite_where=sa.text("status = 'submitted'"), postgresql_where=sa.text("status = 'submitted'"))

    op.create_table('benefit_life_events',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('evidence_file_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_benefit_life_events_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'evidence_file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_benefit_life_events_tenant_id_evidence_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'window_id'], ['benefit_windows.tenant_id', 'benefit_windows.id'], name=op.f('fk_benefit_life_events_tenant_id_window_id_benefit_windows')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_life_events_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_life_events'))
    )
    op.create_table('benefit_reminders',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('window_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_benefit_reminders_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'window_id'], ['benefit_windows.tenant_id', 'benefit_windows.id'], name=op.f('fk_benefit_reminders_tenant_id_window_id_benefit_windows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_reminders_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_reminders')),
    sa.UniqueConstraint('tenant_id', 'employee_id', 'window_id', name=op.f('uq_benefit_reminders_tenant_id_employee_id_window_id'))
    )
    op.create_table('benefit_window_plans',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('window_id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'plan_id'], ['benefit_plans.tenant_id', 'benefit_plans.id'], name=op.f('fk_benefit_window_plans_tenant_id_plan_id_benefit_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'window_id'], ['benefit_windows.tenant_id', 'benefit_windows.id'], name=op.f('fk_benefit_window_plans_tenant_id_window_id_benefit_windows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_window_plans_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'window_id', 'plan_id', name=op.f('pk_benefit_window_plans'))
    )
    op.create_table('benefit_elections',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('enrollment_id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.Column('waived', sa.Boolean(), nullable=False),
    sa.Column('waive_reason', sa.String(length=500), nullable=True),
    sa.Column('dependent_ids', sa.JSON(), nullable=False),
    sa.Column('employee_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('employer_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('employee_cost_per_year', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('employer_cost_per_year', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'enrollment_id'], ['benefit_enrollments.tenant_id', 'benefit_enrollments.id'], name=op.f('fk_benefit_elections_tenant_id_enrollment_id_benefit_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'plan_id'], ['benefit_plans.tenant_id', 'benefit_plans.id'], name=op.f('fk_benefit_elections_tenant_id_plan_id_benefit_plans')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_benefit_elections_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_benefit_elections')),
    sa.UniqueConstraint('tenant_id', 'enrollment_id', 'plan_id', name=op.f('uq_benefit_elections_tenant_id_enrollment_id_plan_id'))
    )


def downgrade():
    op.drop_table('benefit_elections')
    op.drop_table('benefit_window_plans')
    op.drop_table('benefit_reminders')
    op.drop_table('benefit_life_events')
    with op.batch_alter_table('benefit_enrollments', schema=None) as batch_op:
        batch_op.drop_index('uq_benefit_enrollments_current', sqlite_where=sa.text("status = 'submitted'"), postgresql_where=sa.text("status = 'submitted'"))
        batch_op.drop_index('ix_benefit_enrollments_window')

    op.drop_table('benefit_enrollments')
    with op.batch_alter_table('benefit_carrier_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_carrier_exports_window')

    op.drop_table('benefit_carrier_exports')
    op.drop_table('benefit_windows')
    op.drop_table('benefit_plan_tiers')
    with op.batch_alter_table('benefit_dependents', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_dependents_employee')

    op.drop_table('benefit_dependents')
    op.drop_table('benefit_plans')
    op.drop_table('benefit_control_counters')
