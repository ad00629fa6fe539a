"""compliance tables

Revision ID: 8b19b3588f77
Revises: 
Create Date: 2026-11-23 14:30:20.820037
"""
from alembic import op
import sqlalchemy as sa


revision = '8b19b3588f77'
down_revision = None
branch_labels = ('compliance',)
depends_on = 'e82632032088'


def upgrade():
    op.create_table('compliance_master_templates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('recurrence', sa.String(length=500), nullable=True),
    sa.Column('assign_on', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_master_templates'))
    )
    op.create_table('compliance_templates',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('recurrence', sa.String(length=500), nullable=True),
    sa.Column('assign_on', sa.String(length=20), nullable=False),
    sa.Column('master_id', sa.Uuid(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_compliance_templates_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_compliance_templates'))
    )
    op.create_table('compliance_calendar_feeds',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_compliance_calendar_feeds_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_compliance_calendar_feeds_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_compliance_calendar_feeds')),
    sa.UniqueConstraint('tenant_id', 'employee_id', name=op.f('uq_compliance_calendar_feeds_tenant_id_employee_id'))
    )
    with op.batch_alter_table('compliance_calendar_feeds', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_feeds_token', ['token_hash'], unique=False)

    op.create_table('compliance_checklists',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('occurrence_on', sa.Date(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'employee_id'], ['employees.tenant_id', 'employees.id'], name=op.f('fk_compliance_checklists_tenant_id_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'template_id'], ['compliance_templates.tenant_id', 'compliance_templates.id'], name=op.f('fk_compliance_checklists_tenant_id_template_id_compliance_templates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_compliance_checklists_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_compliance_checklists'))
    )
    with op.batch_alter_table('compliance_checklists', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_checklists_employee', ['tenant_id', 'employee_id'], unique=False)

    op.create_table('compliance_template_versions',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('recurrence', sa.String(length=500), nullable=True),
    sa.Column('assign_on', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'template_id'], ['compliance_templates.tenant_id', 'compliance_templates.id'], name=op.f('fk_compliance_template_versions_tenant_id_template_id_compliance_templates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_compliance_template_versions_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_compliance_template_versions')),
    sa.UniqueConstraint('tenant_id', 'template_id', 'number', name=op.f('uq_compliance_template_versions_tenant_id_template_id_number'))
    )
    op.create_table('compliance_checklist_items',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('checklist_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('requires_evidence', sa.Boolean(), nullable=False),
    sa.Column('requires_attestation', sa.Boolean(), nullable=False),
    sa.Column('attestation_text', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.Uuid(), nullable=True),
    sa.Column('evidence_file_id', sa.Uuid(), nullable=True),
    sa.Column('review', sa.String(length=20), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('waive_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'checklist_id'], ['compliance_checklists.tenant_id', 'compliance_checklists.id'], name=op.f('fk_compliance_checklist_items_tenant_id_checklist_id_compliance_checklists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'evidence_file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_compliance_checklist_items_tenant_id_evidence_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_compliance_checklist_items_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_compliance_checklist_items'))
    )
    with op.batch_alter_table('compliance_checklist_items', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_items_due', ['tenant_id', 'status', 'due_on'], unique=False)

    op.create_table('compliance_attestations',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('user_email', sa.String(length=254), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_address', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['compliance_checklist_items.tenant_id', 'compliance_checklist_items.id'], name=op.f('fk_compliance_attestations_tenant_id_item_id_compliance_checklist_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_compliance_attestations_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_compliance_attestations'))
    )
    op.create_table('compliance_reminders',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['compliance_checklist_items.tenant_id', 'compliance_checklist_items.id'], name=op.f('fk_compliance_reminders_tenant_id_item_id_compliance_checklist_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_compliance_reminders_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_compliance_reminders')),
    sa.UniqueConstraint('tenant_id', 'item_id', 'kind', name=op.f('uq_compliance_reminders_tenant_id_item_id_kind'))
    )


def downgrade():
    op.drop_table('compliance_reminders')
    op.drop_table('compliance_attestations')
    with op.batch_alter_table('compliance_checklist_items', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_items_due')

    op.drop_table('compliance_checklist_items')
    op.drop_table('compliance_template_versions')
    with op.batch_alter_table('compliance_checklists', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_checklists_employee')

    op.drop_table('compliance_checklists')
    with op.batch_alter_table('compliance_calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_feeds_token')

    op.drop_table('compliance_calendar_feeds')
    op.drop_table('compliance_templates')
    op.drop_table('compliance_master_templates')
