"""The jobs table: long or periodic work the worker does, with its state,
progress, result and errors, so it survives any worker and is visible."""
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import TZDateTime, db, new_id, utcnow

STATUSES = ("queued", "running", "succeeded", "failed")


class BackgroundJob(db.Model):
    """One piece of background work. `status` only moves forward (queued →
    running → succeeded | failed); between attempts a job stays `running`
    with no claim and `run_after` in the future. Not TenantScoped (operators
    list jobs across tenants); row-level security binds it on PostgreSQL."""

    __tablename__ = "jobs"
    __table_args__ = (
        # A periodic task runs once per tenant and local day (run_on); other jobs leave it NULL.
        sa.UniqueConstraint("tenant_id", "kind", "run_on"),
        sa.Index("ix_jobs_status_created", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(80))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    progress_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(sa.Integer)
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    errors: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(sa.Integer, default=3)
    run_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    run_after: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # The current attempt's fencing token: only its holder may finish the job.
    claim: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    claimed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
