"""foreign key indexes: every foreign key leads an index (lookups by parent, cascades)

Revision ID: 972173b84ea6
Revises: c61937ec6d54
Create Date: 2026-12-01 21:29:23.219312
"""
from alembic import op
import sqlalchemy as sa


revision = '972173b84ea6'
down_revision = 'c61937ec6d54'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recruitment_applications', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_applications_candidate', ['tenant_id', 'candidate_id'], unique=False)
        batch_op.create_index('ix_recruitment_applications_employee', ['tenant_id', 'employee_id'], unique=False)
        batch_op.create_index('ix_recruitment_applications_stage', ['tenant_id', 'stage_id'], unique=False)

    with op.batch_alter_table('recruitment_candidates', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_candidates_resume', ['tenant_id', 'resume_file_id'], unique=False)

    with op.batch_alter_table('recruitment_interviews', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_interviews_application', ['tenant_id', 'application_id'], unique=False)

    with op.batch_alter_table('recruitment_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_jobs_hiring_manager', ['tenant_id', 'hiring_manager_id'], unique=False)

    with op.batch_alter_table('recruitment_offers', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_offers_application', ['tenant_id', 'application_id'], unique=False)

    with op.batch_alter_table('recruitment_scorecards', schema=None) as batch_op:
        batch_op.create_index('ix_recruitment_scorecards_interviewer', ['tenant_id', 'interviewer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recruitment_scorecards', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_scorecards_interviewer')

    with op.batch_alter_table('recruitment_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_offers_application')

    with op.batch_alter_table('recruitment_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_jobs_hiring_manager')

    with op.batch_alter_table('recruitment_interviews', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_interviews_application')

    with op.batch_alter_table('recruitment_candidates', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_candidates_resume')

    with op.batch_alter_table('recruitment_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_recruitment_applications_stage')
        batch_op.drop_index('ix_recruitment_applications_employee')
        batch_op.drop_index('ix_recruitment_applications_candidate')

