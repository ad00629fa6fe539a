import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.core.db import Encrypted, TenantScoped, Timestamped, db, tenant_fk
from hrbpo.core.people.names import name_key

EMPLOYMENT_TYPES = ("full_time", "part_time", "contractor", "temporary", "intern")
STATUSES = ("active", "terminated")


class Employee(TenantScoped, Timestamped, db.Model):
    __tablename__ = "employees"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "email"),
        sa.Index("ix_employees_tenant_name", "tenant_id", "last_name", "first_name", "id"),
        sa.Index("ix_employees_tenant_name_key", "tenant_id", "name_key"),
        sa.Index("ix_employees_tenant_manager", "tenant_id", "manager_id"),
        tenant_fk("manager_id", "employees"),
    )

    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    # "first last" without case or accents, what name search compares with
    # (hrbpo.core.people.names); kept by the model, never set by hand.
    name_key: Mapped[str] = mapped_column(sa.String(201), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    hire_date: Mapped[date] = mapped_column(sa.Date)
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    # Encrypted at rest; only the last four characters are ever shown. Loaded
    # (and decrypted) only when read, not with every row of a list.
    national_id: Mapped[str | None] = mapped_column(Encrypted, deferred=True)
    national_id_last4: Mapped[str | None] = mapped_column(sa.String(4))
    employment_type: Mapped[str] = mapped_column(sa.String(20), default="full_time")
    hours_per_week: Mapped[int] = mapped_column(sa.Integer, default=40)
    department: Mapped[str | None] = mapped_column(sa.String(100))
    # Where the person works (an office or site, free text): checklists and
    # filters choose people by it.
    location: Mapped[str | None] = mapped_column(sa.String(100))
    employee_number: Mapped[str | None] = mapped_column(sa.String(100))
    manager_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    job_title: Mapped[str | None] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    termination_date: Mapped[date | None] = mapped_column(sa.Date)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def set_national_id(self, value: str | None):
        self.national_id = value or None
        self.national_id_last4 = value[-4:] if value else None


@sa.event.listens_for(Employee, "before_insert")
@sa.event.listens_for(Employee, "before_update")
def _keep_name_key(mapper, connection, employee: Employee):
    employee.name_key = name_key(employee.first_name, employee.last_name)
