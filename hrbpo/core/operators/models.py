"""Operator groups (a BPO's client groups): a named set of tenants, and the
operators who work on them. Platform data, not any tenant's."""
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import Timestamped, db, new_id

ROLES = ("bpo_admin", "operator")

group_tenants = sa.Table(
    "operator_group_tenants", db.metadata,
    sa.Column("group_id", sa.Uuid, sa.ForeignKey("operator_groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tenant_id", sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_operator_group_tenants_tenant", "tenant_id"),
)

group_members = sa.Table(
    "operator_group_members", db.metadata,
    sa.Column("group_id", sa.Uuid, sa.ForeignKey("operator_groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_operator_group_members_user", "user_id"),
)


class OperatorGroup(Timestamped, db.Model):
    __tablename__ = "operator_groups"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100))
    # Lowercased name: unique ignoring case, on SQLite and PostgreSQL alike.
    name_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
