"""recruitment tables

Revision ID: c61937ec6d54
Revises: 
Create Date: 2026-11-23 14:27:54.805864
"""
from alembic import op
import sqlalchemy as sa


revision = 'c61937ec6d54'
down_revision = None
branch_labels = ('recruitment',)
depends_on = 'e82632032088'


def upgrade():
    op.create_table('recruitment_rejection_reasons',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_rejection_reasons_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_rejection_reasons'))
    )
    op.create_table('recruitment_stages',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_stages_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_stages'))
    )
    op.create_table('recruitment_candidates',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('resume_file_id', sa.Uuid(), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_version', sa.String(length=40), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'resume_file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_recruitment_candidates_tenant_id_resume_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_candidates_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_candidates')),
    sa.UniqueConstraint('tenant_id', 'email', name=op.f('uq_recruitment_candidates_tenant_id_email'))
    )
    op.create_table('recruitment_jobs',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('remote', sa.Boolean(), nullable=False),
    sa.Column('employment_type', sa.String(length=20), nullable=False),
    sa.Column('openings', sa.Integer(), nullable=False),
    sa.Column('hiring_manager_id', sa.Uuid(), nullable=True),
    sa.Column('salary_min', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('salary_max', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_through', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'hiring_manager_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_recruitment_jobs_tenant_id_hiring_manager_id_employees')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_jobs_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_jobs'))
    )
    with op.batch_alter_table('recruitment_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_jobs_status', ['tenant_id', 'status'], unique=False)

    op.create_table('recruitment_applications',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('stage_id', sa.Uuid(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('stage_entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rejection_reason', sa.String(length=200), nullable=True),
    sa.Column('hired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('employee_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'candidate_id'], ['recruitment_candidates.tenant_id', 'recruitment_candidates.id'], name=op.f('fk_recruitment_applications_tenant_id_candidate_id_recruitment_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_recruitment_applications_tenant_id_employee_id_employees')),
    sa.ForeignKeyConstraint(['tenant_id', 'job_id'], ['recruitment_jobs.tenant_id', 'recruitment_jobs.id'], name=op.f('fk_recruitment_applications_tenant_id_job_id_recruitment_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'stage_id'], ['recruitment_stages.tenant_id', 'recruitment_stages.id'], name=op.f('fk_recruitment_applications_tenant_id_stage_id_recruitment_stages')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_applications_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_applications')),
    sa.UniqueConstraint('tenant_id', 'job_id', 'candidate_id', name=op.f('uq_recruitment_applications_tenant_id_job_id_candidate_id'))
    )
    with op.batch_alter_table('recruitment_applications', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_applications_job_stage', ['tenant_id', 'job_id', 'stage_id', 'id'], unique=False)

    op.create_table('recruitment_interviews',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['recruitment_applications.tenant_id', 'recruitment_applications.id'], name=op.f('fk_recruitment_interviews_tenant_id_application_id_recruitment_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_interviews_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_interviews'))
    )
    op.create_table('recruitment_offers',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('salary', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('terms', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['recruitment_applications.tenant_id', 'recruitment_applications.id'], name=op.f('fk_recruitment_offers_tenant_id_application_id_recruitment_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_offers_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_offers'))
    )
    op.create_table('recruitment_stage_changes',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('from_stage_id', sa.Uuid(), nullable=True),
    sa.Column('from_stage', sa.String(length=80), nullable=True),
    sa.Column('to_stage_id', sa.Uuid(), nullable=False),
    sa.Column('to_stage', sa.String(length=80), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_email', sa.String(length=254), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['recruitment_applications.tenant_id', 'recruitment_applications.id'], name=op.f('fk_recruitment_stage_changes_tenant_id_application_id_recruitment_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_stage_changes_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_stage_changes'))
    )
    with op.batch_alter_table('recruitment_stage_changes', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_stage_changes_application', ['tenant_id', 'application_id', 'at'], unique=False)

    op.create_table('recruitment_panelists',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('interview_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'interview_id'], ['recruitment_interviews.tenant_id', 'recruitment_interviews.id'], name=op.f('fk_recruitment_panelists_tenant_id_interview_id_recruitment_interviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_panelists_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recruitment_panelists_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_panelists')),
    sa.UniqueConstraint('tenant_id', 'interview_id', 'user_id', name=op.f('uq_recruitment_panelists_tenant_id_interview_id_user_id'))
    )
    with op.batch_alter_table('recruitment_panelists', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_panelists_user', ['tenant_id', 'user_id'], unique=False)

    op.create_table('recruitment_scorecards',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('interview_id', sa.Uuid(), nullable=False),
    sa.Column('interviewer_id', sa.Uuid(), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('recommendation', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_recruitment_scorecards_interviewer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'interview_id'], ['recruitment_interviews.tenant_id', 'recruitment_interviews.id'], name=op.f('fk_recruitment_scorecards_tenant_id_interview_id_recruitment_interviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_recruitment_scorecards_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_recruitment_scorecards')),
    sa.UniqueConstraint('tenant_id', 'interview_id', 'interviewer_id', name=op.f('uq_recruitment_scorecards_tenant_id_interview_id_interviewer_id'))
    )


def downgrade():
    op.drop_table('recruitment_scorecards')
    with op.batch_alter_table('recruitment_panelists', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_panelists_user')

    op.drop_table('recruitment_panelists')
    with op.batch_alter_table('recruitment_stage_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_stage_changes_application')

    op.drop_table('recruitment_stage_changes')
    op.drop_table('recruitment_offers')
    op.drop_table('recruitment_interviews')
    with op.batch_alter_table('recruitment_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_applications_job_stage')

    op.drop_table('recruitment_applications')
    with op.batch_alter_table('recruitment_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_jobs_status')

    op.drop_table('recruitment_jobs')
    op.drop_table('recruitment_candidates')
    op.drop_table('recruitment_stages')
    op.drop_table('recruitment_rejection_reasons')
