"""Time-off requests: tenant-owned rows pointing at the tenant's employees
through a composite (tenant_id, employee_id) foreign key."""
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.plugin_api import TenantScoped, Timestamped, TZDateTime, db, tenant_fk, tenant_relationship

STATUSES = ("pending", "approved", "rejected", "cancelled")


class TimeOffRequest(TenantScoped, Timestamped, db.Model):
    __tablename__ = "timeoff_requests"
    __table_args__ = (
        tenant_fk("employee_id", "employees", ondelete="CASCADE"),
        sa.Index("ix_timeoff_requests_employee", "tenant_id", "employee_id", "starts_on"),
    )

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    decided_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.String(500))

    employee = tenant_relationship("TimeOffRequest", "Employee", "employee_id")

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def employee_name(self) -> str:
        return self.employee.full_name
