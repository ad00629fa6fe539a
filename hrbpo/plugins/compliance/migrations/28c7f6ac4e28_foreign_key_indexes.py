"""foreign key indexes: every foreign key leads an index (lookups by parent, cascades)

Revision ID: 28c7f6ac4e28
Revises: 8b19b3588f77
Create Date: 2026-12-01 21:29:16.519730
"""
from alembic import op
import sqlalchemy as sa


revision = '28c7f6ac4e28'
down_revision = '8b19b3588f77'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compliance_attestations', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_attestations_item', ['tenant_id', 'item_id'], unique=False)

    with op.batch_alter_table('compliance_checklist_items', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_items_checklist', ['tenant_id', 'checklist_id', 'position'], unique=False)
        batch_op.create_index('ix_compliance_items_evidence', ['tenant_id', 'evidence_file_id'], unique=False)

    with op.batch_alter_table('compliance_checklists', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_checklists_template', ['tenant_id', 'template_id'], unique=False)


def downgrade():
    with op.batch_alter_table('compliance_checklists', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_checklists_template')

    with op.batch_alter_table('compliance_checklist_items', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_items_evidence')
        batch_op.drop_index('ix_compliance_items_checklist')

    with op.batch_alter_table('compliance_attestations', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_attestations_item')

