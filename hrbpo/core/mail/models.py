"""The mail outbox: one row per message, written in the transaction of the
change that causes it, delivered by the worker (hrbpo.core.mail.delivery)."""
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import Encrypted, TZDateTime, db, new_id, utcnow

STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """A message on its way. Not TenantScoped: platform mail (no tenant) goes
    through it too; row-level security still binds it on PostgreSQL."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.Index("ix_mail_outbox_tenant_created", "tenant_id", "created_at"),
        sa.Index("ix_mail_outbox_status_due", "status", "next_attempt_at"),
        sa.Index("ix_mail_outbox_group", "group_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    # The RFC 5322 Message-ID, the same on every attempt: receivers dedupe by it.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    to: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.Text)
    # The whole message as sent (headers and body), encrypted at rest: links in it may grant access.
    raw: Mapped[str] = mapped_column(Encrypted)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # Messages a sender wants to find again together (e.g. one reminder run's digests).
    group_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
