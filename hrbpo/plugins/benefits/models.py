"""Benefits tables: plans and their tiers, windows, dependants, enrolments
and their elections, life events, and the carrier-feed bookkeeping."""
import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrbpo.plugin_api import Encrypted, TenantScoped, Timestamped, TZDateTime, db, tenant_fk, tenant_relationship

PLAN_KINDS = ("medical", "dental", "vision", "life", "disability", "hsa", "fsa", "other")
TIERS = ("employee", "employee_spouse", "employee_children", "family")
PERIODS = ("month", "paycheck")
WINDOW_KINDS = ("open", "new_hire", "life_event")
RELATIONSHIPS = ("spouse", "partner", "child")
ENROLLMENT_STATUSES = ("submitted", "replaced", "terminated")
LIFE_EVENT_KINDS = ("marriage", "birth", "adoption", "loss_of_coverage", "divorce")
LIFE_EVENT_STATUSES = ("pending", "approved", "rejected")
ELIGIBILITY_CHANGES = ("gained", "lost")
MONEY = sa.Numeric(12, 2)


class Plan(TenantScoped, Timestamped, db.Model):
    __tablename__ = "benefit_plans"

    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    carrier: Mapped[str | None] = mapped_column(sa.String(200))
    # The carrier's identifier (e.g. its FEIN) and the group policy number, for the 834.
    carrier_id: Mapped[str | None] = mapped_column(sa.String(80))
    group_number: Mapped[str | None] = mapped_column(sa.String(50))
    currency: Mapped[str] = mapped_column(sa.String(3))
    plan_year_starts_on: Mapped[date | None] = mapped_column(sa.Date)
    plan_year_ends_on: Mapped[date | None] = mapped_column(sa.Date)
    child_age_limit: Mapped[int] = mapped_column(sa.Integer, default=26)
    # Eligibility: None / empty means any employment type; hours per week; days after hire.
    employment_types: Mapped[list | None] = mapped_column(sa.JSON)
    min_hours: Mapped[int | None] = mapped_column(sa.Integer)
    waiting_days: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Archived plans are offered in no new window; coverage already chosen stays.
    archived_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    tiers: Mapped[list["PlanTier"]] = relationship(
        primaryjoin="and_(Plan.tenant_id == foreign(PlanTier.tenant_id), Plan.id == foreign(PlanTier.plan_id))",
        order_by="PlanTier.position", cascade="all, delete-orphan", lazy="selectin",
    )

    def tier(self, name) -> "PlanTier | None":
        return next((t for t in self.tiers if t.tier == name), None)

    @property
    def status(self) -> str:
        return "archived" if self.archived_at is not None else "active"

    def in_plan_year(self, day: date) -> bool:
        """Whether coverage may start on `day` (a plan without plan-year dates always allows it)."""
        return ((self.plan_year_starts_on is None or self.plan_year_starts_on <= day)
                and (self.plan_year_ends_on is None or day <= self.plan_year_ends_on))


class PlanTier(TenantScoped, db.Model):
    """A coverage tier's price. Life cover may be age-banded: `age_bands` is a
    list of {min_age, max_age, employee_cost, employer_cost} (string decimals)."""

    __tablename__ = "benefit_plan_tiers"
    __table_args__ = (tenant_fk("plan_id", "benefit_plans", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "plan_id", "tier"))

    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    tier: Mapped[str] = mapped_column(sa.String(20))
    employee_cost: Mapped[Decimal] = mapped_column(MONEY)
    employer_cost: Mapped[Decimal] = mapped_column(MONEY)
    period: Mapped[str] = mapped_column(sa.String(10))
    age_bands: Mapped[list | None] = mapped_column(sa.JSON)


class WindowPlan(db.Model):
    """Which plans a window offers (an association row, written with the window)."""

    __tablename__ = "benefit_window_plans"
    __table_args__ = (tenant_fk("window_id", "benefit_windows", ondelete="CASCADE"),
                      tenant_fk("plan_id", "benefit_plans", ondelete="CASCADE"),
                      sa.Index("ix_benefit_window_plans_plan", "tenant_id", "plan_id"))

    tenant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"),
                                                 primary_key=True)
    window_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)


window_plans = WindowPlan.__table__


class Window(TenantScoped, Timestamped, db.Model):
    """An enrolment window. Open enrolment is for everyone; new-hire and
    life-event windows belong to one employee."""

    __tablename__ = "benefit_windows"
    __table_args__ = (tenant_fk("employee_id", "employees", ondelete="CASCADE"),
                      sa.Index("ix_benefit_windows_employee", "tenant_id", "employee_id"))

    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    coverage_starts_on: Mapped[date] = mapped_column(sa.Date)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    # Set when HR closes the window before ends_on: closed from that moment.
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    plans: Mapped[list[Plan]] = relationship(
        secondary=window_plans,
        primaryjoin="and_(Window.tenant_id == benefit_window_plans.c.tenant_id, "
                    "Window.id == benefit_window_plans.c.window_id)",
        secondaryjoin="and_(Plan.tenant_id == benefit_window_plans.c.tenant_id, "
                      "Plan.id == benefit_window_plans.c.plan_id)",
        order_by="Plan.name", lazy="selectin", viewonly=True,
    )

    @property
    def plan_ids(self):
        return [p.id for p in self.plans]

    def is_open_on(self, day: date) -> bool:
        return self.closed_at is None and self.starts_on <= day <= self.ends_on

    @classmethod
    def open_on(cls, day: date):
        """The same test as `is_open_on`, as SQL."""
        return sa.and_(cls.closed_at.is_(None), cls.starts_on <= day, cls.ends_on >= day)

    def status_on(self, day: date) -> str:
        """upcoming | open | closed (ended, or closed early)."""
        if self.closed_at is not None or day > self.ends_on:
            return "closed"
        return "open" if day >= self.starts_on else "upcoming"


class Dependent(TenantScoped, Timestamped, db.Model):
    __tablename__ = "benefit_dependents"
    __table_args__ = (tenant_fk("employee_id", "employees", ondelete="CASCADE"),
                      sa.Index("ix_benefit_dependents_employee", "tenant_id", "employee_id"))

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    relationship: Mapped[str] = mapped_column(sa.String(20))
    # Encrypted at rest (ISO date text); only the birth year is shown in lists.
    date_of_birth_enc: Mapped[str] = mapped_column("date_of_birth", Encrypted)
    national_id: Mapped[str | None] = mapped_column(Encrypted)
    national_id_last4: Mapped[str | None] = mapped_column(sa.String(4))

    @property
    def date_of_birth(self) -> date:
        return date.fromisoformat(self.date_of_birth_enc)

    @date_of_birth.setter
    def date_of_birth(self, value: date):
        self.date_of_birth_enc = value.isoformat()

    @property
    def birth_year(self) -> int:
        return self.date_of_birth.year

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Enrollment(TenantScoped, Timestamped, db.Model):
    """One employee's elections in one window. Resubmitting keeps the old row
    as `replaced`; the partial unique index allows one `submitted` row per
    employee and window, whatever the concurrency."""

    __tablename__ = "benefit_enrollments"
    __table_args__ = (
        tenant_fk("employee_id", "employees", ondelete="CASCADE"),
        tenant_fk("window_id", "benefit_windows", ondelete="CASCADE"),
        sa.Index("uq_benefit_enrollments_current", "tenant_id", "employee_id", "window_id", unique=True,
                 sqlite_where=sa.text("status = 'submitted'"), postgresql_where=sa.text("status = 'submitted'")),
        sa.Index("ix_benefit_enrollments_window", "tenant_id", "window_id", "status"),
    )

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    window_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    status: Mapped[str] = mapped_column(sa.String(20), default="submitted")
    currency: Mapped[str] = mapped_column(sa.String(3))
    pay_periods: Mapped[int] = mapped_column(sa.Integer)
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    ended_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    coverage_ends_on: Mapped[date | None] = mapped_column(sa.Date)

    window: Mapped[Window] = tenant_relationship("Enrollment", "Window", "window_id", lazy="joined", viewonly=True)
    employee = tenant_relationship("Enrollment", "Employee", "employee_id", lazy="joined", viewonly=True)
    elections: Mapped[list["Election"]] = relationship(
        primaryjoin="and_(Enrollment.tenant_id == foreign(Election.tenant_id), "
                    "Enrollment.id == foreign(Election.enrollment_id))",
        order_by="Election.position", cascade="all, delete-orphan", lazy="selectin",
    )

    def total(self, field) -> Decimal:
        return sum((getattr(e, field) for e in self.elections), Decimal("0.00"))


class Election(TenantScoped, db.Model):
    """One plan in an enrolment: a tier with dependants, or a waiver. Costs are
    per pay period, rounded to cents, so the lines add up to the totals."""

    __tablename__ = "benefit_elections"
    __table_args__ = (
        tenant_fk("enrollment_id", "benefit_enrollments", ondelete="CASCADE"),
        tenant_fk("plan_id", "benefit_plans"),
        sa.UniqueConstraint("tenant_id", "enrollment_id", "plan_id"),
        sa.Index("ix_benefit_elections_plan", "tenant_id", "plan_id"),
    )

    enrollment_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    tier: Mapped[str | None] = mapped_column(sa.String(20))
    waived: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    waive_reason: Mapped[str | None] = mapped_column(sa.String(500))
    dependent_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    employee_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    employer_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    employee_cost_per_year: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    employer_cost_per_year: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    # Set when this plan alone ends early (the employee lost eligibility for
    # it); `ended_at` is when that was decided, for the next 834 change file.
    coverage_ends_on: Mapped[date | None] = mapped_column(sa.Date)
    ended_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    plan: Mapped[Plan] = tenant_relationship("Election", "Plan", "plan_id", lazy="joined", viewonly=True)


class LifeEvent(TenantScoped, Timestamped, db.Model):
    __tablename__ = "benefit_life_events"
    __table_args__ = (tenant_fk("employee_id", "employees", ondelete="CASCADE"),
                      tenant_fk("evidence_file_id", "stored_files"),
                      tenant_fk("window_id", "benefit_windows"),
                      sa.Index("ix_benefit_life_events_employee", "tenant_id", "employee_id"),
                      sa.Index("ix_benefit_life_events_evidence", "tenant_id", "evidence_file_id"),
                      sa.Index("ix_benefit_life_events_window", "tenant_id", "window_id"))

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(30))
    event_date: Mapped[date] = mapped_column(sa.Date)
    evidence_file_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    window_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    employee = tenant_relationship("LifeEvent", "Employee", "employee_id", lazy="joined", viewonly=True)


class EligibilityChange(TenantScoped, Timestamped, db.Model):
    """An employee gained or lost eligibility for a plan when their record
    changed: gained opens a window (`window_id`), lost ends coverage on
    `effective_on` and waits for HR to review it."""

    __tablename__ = "benefit_eligibility_changes"
    __table_args__ = (tenant_fk("employee_id", "employees", ondelete="CASCADE"),
                      tenant_fk("plan_id", "benefit_plans", ondelete="CASCADE"),
                      tenant_fk("window_id", "benefit_windows"),
                      sa.Index("ix_benefit_eligibility_changes_review", "tenant_id", "change", "reviewed_at"),
                      sa.Index("ix_benefit_eligibility_changes_employee", "tenant_id", "employee_id"),
                      sa.Index("ix_benefit_eligibility_changes_plan", "tenant_id", "plan_id"),
                      sa.Index("ix_benefit_eligibility_changes_window", "tenant_id", "window_id"))

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    change: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.String(300))
    # The employee fields whose change caused it (names only).
    fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    effective_on: Mapped[date] = mapped_column(sa.Date)
    window_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    reviewed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    employee = tenant_relationship("EligibilityChange", "Employee", "employee_id", lazy="joined", viewonly=True)
    plan: Mapped[Plan] = tenant_relationship("EligibilityChange", "Plan", "plan_id", lazy="joined", viewonly=True)


class ControlCounter(TenantScoped, db.Model):
    """A per-tenant sequence (X12 interchange control numbers); bumped by an
    UPDATE, whose row lock serialises concurrent exports."""

    __tablename__ = "benefit_control_counters"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[int] = mapped_column(sa.Integer, default=0)


class CarrierExport(TenantScoped, Timestamped, db.Model):
    """An 834 that was produced: the change file sends what happened since."""

    __tablename__ = "benefit_carrier_exports"
    __table_args__ = (tenant_fk("window_id", "benefit_windows", ondelete="CASCADE"),
                      sa.Index("ix_benefit_carrier_exports_window", "tenant_id", "window_id", "carrier"))

    window_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    carrier: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10))
    control_number: Mapped[int] = mapped_column(sa.Integer)
    members: Mapped[int] = mapped_column(sa.Integer)


class EnrollmentReminder(TenantScoped, Timestamped, db.Model):
    __tablename__ = "benefit_reminders"
    __table_args__ = (tenant_fk("employee_id", "employees", ondelete="CASCADE"),
                      tenant_fk("window_id", "benefit_windows", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "employee_id", "window_id"),
                      sa.Index("ix_benefit_reminders_window", "tenant_id", "window_id"))

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    window_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    # The reminder's mail (the outbox's group_id): due again if it failed.
    mail_group: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
