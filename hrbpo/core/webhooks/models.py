"""Webhook endpoints, the events outbox and one delivery per endpoint × event.

An event row is written in the transaction of the change it reports (with a
delivery row for every active endpoint subscribed to its type), so only
committed changes ever leave; the worker (hrbpo.core.webhooks.worker) sends
the deliveries. The event keeps the exact body it is sent with: retries and
redeliveries sign the same bytes under the same id.
"""
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import Encrypted, TenantScoped, Timestamped, TZDateTime, db, tenant_fk, tenant_relationship

DELIVERY_STATUSES = ("pending", "delivered", "failed")


class WebhookEndpoint(TenantScoped, Timestamped, db.Model):
    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(sa.String(2048))
    events: Mapped[list] = mapped_column(sa.JSON)  # event types, or ["*"] for all
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    secret: Mapped[str] = mapped_column(Encrypted)
    # After a rotation the old secret keeps signing beside the new one until it expires.
    previous_secret: Mapped[str | None] = mapped_column(Encrypted)
    previous_expires_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # The first failure after the last success (None while healthy): 5 days of it switch the endpoint off.
    failing_since: Mapped[datetime | None] = mapped_column(TZDateTime)

    def subscribed(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class WebhookEvent(TenantScoped, Timestamped, db.Model):
    __tablename__ = "webhook_events"

    type: Mapped[str] = mapped_column(sa.String(80))
    body: Mapped[str] = mapped_column(sa.Text)  # the JSON sent, exactly


class WebhookDelivery(TenantScoped, Timestamped, db.Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        tenant_fk("endpoint_id", "webhook_endpoints", ondelete="CASCADE"),
        tenant_fk("event_id", "webhook_events", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "endpoint_id", "event_id"),
        sa.Index("ix_webhook_deliveries_status_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_endpoint_created", "tenant_id", "endpoint_id", "created_at"),
        sa.Index("ix_webhook_deliveries_event", "tenant_id", "event_id"),
        # The claim's check for an earlier event of the same resource still waiting.
        sa.Index("ix_webhook_deliveries_resource", "tenant_id", "endpoint_id", "resource", "event_id"),
    )

    endpoint_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    # What the event is about ("employee:<id>", from emit): one resource's deliveries go out in order.
    resource: Mapped[str | None] = mapped_column(sa.String(120))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # The first attempt of the current run (a redelivery starts a new run): retries stop 3 days after it.
    first_attempt_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # Set while a worker holds the delivery (between its claim and its record).
    claimed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    event = tenant_relationship("WebhookDelivery", "WebhookEvent", "event_id", viewonly=True)
