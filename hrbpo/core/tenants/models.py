import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import TenantScoped, Timestamped, TZDateTime, db, new_id


class Tenant(Timestamped, db.Model):
    """A client company. Not tenant-scoped itself: the registry of tenants."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(sa.String(63), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    # Per-tenant switches of core features (e.g. {"require_2fa_hr_admin": true}).
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Rows in `employees`, kept by database triggers (migration 5f0c1a2b7d41),
    # never written by the app: the unfiltered employee list's total in O(1).
    employee_count: Mapped[int] = mapped_column(sa.Integer, server_default="0")

    def __repr__(self):
        return f"<Tenant {self.slug}>"


class TenantModule(TenantScoped, db.Model):
    """A plugin's switch for one tenant. Switching off keeps the module's data."""

    __tablename__ = "tenant_modules"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(64))
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(TZDateTime)
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
