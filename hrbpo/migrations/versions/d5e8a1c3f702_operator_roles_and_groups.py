"""operator roles (users.operator_role) and operator groups

Revision ID: d5e8a1c3f702
Revises: b8e2f4a61c03
Create Date: 2026-12-08 01:45:00.000000

Operators that exist before this change become bpo_admins, so a deployment
keeps working as it did.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd5e8a1c3f702'
down_revision = "b8e2f4a61c03"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('operator_role', sa.String(length=20), nullable=True))
    op.execute("UPDATE users SET operator_role = 'bpo_admin' WHERE is_operator")
    op.create_table('operator_groups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_groups')),
    sa.UniqueConstraint('name_key', name=op.f('uq_operator_groups_name_key'))
    )
    op.create_table('operator_group_members',
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['operator_groups.id'], name=op.f('fk_operator_group_members_group_id_operator_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_operator_group_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_operator_group_members'))
    )
    op.create_index('ix_operator_group_members_user', 'operator_group_members', ['user_id'], unique=False)
    op.create_table('operator_group_tenants',
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['operator_groups.id'], name=op.f('fk_operator_group_tenants_group_id_operator_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_operator_group_tenants_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'tenant_id', name=op.f('pk_operator_group_tenants'))
    )
    op.create_index('ix_operator_group_tenants_tenant', 'operator_group_tenants', ['tenant_id'], unique=False)


def downgrade():
    op.drop_index('ix_operator_group_tenants_tenant', table_name='operator_group_tenants')
    op.drop_table('operator_group_tenants')
    op.drop_index('ix_operator_group_members_user', table_name='operator_group_members')
    op.drop_table('operator_group_members')
    op.drop_table('operator_groups')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('operator_role')
