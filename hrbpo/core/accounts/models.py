"""Invitations and password-reset links: single-use, expiring, stored as the
SHA-256 of their token (the token itself is only ever in the mail)."""
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import Timestamped, TZDateTime, db, new_id, utcnow

STATUSES = ("pending", "accepted", "revoked", "expired")


class Invitation(Timestamped, db.Model):
    """An invitation to a tenant (or, without one, to the BPO's staff). Not
    TenantScoped because of the latter; row-level security still binds it."""

    __tablename__ = "invitations"
    __table_args__ = (sa.Index("ix_invitations_tenant_email", "tenant_id", "email"),
                      sa.Index("ix_invitations_invited_by", "invited_by_id"))

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[str] = mapped_column(sa.String(20))
    employee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # pending, accepted or revoked as stored; a pending one past expires_at reads as expired.
    stored_status: Mapped[str] = mapped_column("status", sa.String(10), default="pending")
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL"))
    invited_by_email: Mapped[str | None] = mapped_column(sa.String(254))

    @property
    def status(self) -> str:
        if self.stored_status == "pending" and self.expires_at <= utcnow():
            return "expired"
        return self.stored_status

    @property
    def invited_by(self) -> dict:
        return {"id": self.invited_by_id, "email": self.invited_by_email}


class PasswordReset(Timestamped, db.Model):
    """A password-reset link: works once, for HRBPO_RESET_TTL."""

    __tablename__ = "password_resets"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)
    used_at: Mapped[datetime | None] = mapped_column(TZDateTime)
