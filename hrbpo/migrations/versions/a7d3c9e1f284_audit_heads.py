"""audit chain heads

Revision ID: a7d3c9e1f284
Revises: 7c3e1f0a9d52
Create Date: 2026-12-07 23:00:00.000000
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = 'a7d3c9e1f284'
down_revision = '7c3e1f0a9d52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_heads',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_audit_heads_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_heads')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_audit_heads_tenant_id'))
    )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # The owner is bound by row security too (FORCE): see every chain to anchor it.
        bind.execute(sa.text("SELECT set_config('hrbpo.all_tenants', '1', true)"))
    # Anchor every existing chain at its newest event.
    newest = bind.execute(sa.text(
        "SELECT e.tenant_id, e.seq, e.hash FROM audit_events e JOIN ("
        " SELECT tenant_id, max(seq) AS seq FROM audit_events GROUP BY tenant_id) m"
        " ON e.seq = m.seq AND (e.tenant_id = m.tenant_id OR (e.tenant_id IS NULL AND m.tenant_id IS NULL))"
    )).all()
    heads = sa.table('audit_heads', sa.column('id', sa.Uuid()), sa.column('tenant_id', sa.Uuid()),
                     sa.column('count', sa.Integer()), sa.column('last_hash', sa.String()))
    op.bulk_insert(heads, [{"id": uuid.uuid4(), "tenant_id": row.tenant_id, "count": row.seq, "last_hash": row.hash}
                           for row in newest])


def downgrade():
    op.drop_table('audit_heads')
