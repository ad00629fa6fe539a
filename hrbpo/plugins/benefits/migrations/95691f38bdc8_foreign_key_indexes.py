"""foreign key indexes: every foreign key leads an index (lookups by parent, cascades)

Revision ID: 95691f38bdc8
Revises: b2646e1816d1
Create Date: 2026-12-01 21:28:52.539210
"""
from alembic import op
import sqlalchemy as sa


revision = '95691f38bdc8'
down_revision = 'b2646e1816d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('benefit_elections', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_elections_plan', ['tenant_id', 'plan_id'], unique=False)

    with op.batch_alter_table('benefit_eligibility_changes', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_eligibility_changes_employee', ['tenant_id', 'employee_id'], unique=False)
        batch_op.create_index('ix_benefit_eligibility_changes_plan', ['tenant_id', 'plan_id'], unique=False)
        batch_op.create_index('ix_benefit_eligibility_changes_window', ['tenant_id', 'window_id'], unique=False)

    with op.batch_alter_table('benefit_life_events', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_life_events_employee', ['tenant_id', 'employee_id'], unique=False)
        batch_op.create_index('ix_benefit_life_events_evidence', ['tenant_id', 'evidence_file_id'], unique=False)
        batch_op.create_index('ix_benefit_life_events_window', ['tenant_id', 'window_id'], unique=False)

    with op.batch_alter_table('benefit_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_reminders_window', ['tenant_id', 'window_id'], unique=False)

    with op.batch_alter_table('benefit_window_plans', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_window_plans_plan', ['tenant_id', 'plan_id'], unique=False)

    with op.batch_alter_table('benefit_windows', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_windows_employee', ['tenant_id', 'employee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('benefit_windows', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_windows_employee')

    with op.batch_alter_table('benefit_window_plans', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_window_plans_plan')

    with op.batch_alter_table('benefit_reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_reminders_window')

    with op.batch_alter_table('benefit_life_events', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_life_events_window')
        batch_op.drop_index('ix_benefit_life_events_evidence')
        batch_op.drop_index('ix_benefit_life_events_employee')

    with op.batch_alter_table('benefit_eligibility_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_eligibility_changes_window')
        batch_op.drop_index('ix_benefit_eligibility_changes_plan')
        batch_op.drop_index('ix_benefit_eligibility_changes_employee')

    with op.batch_alter_table('benefit_elections', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_elections_plan')

