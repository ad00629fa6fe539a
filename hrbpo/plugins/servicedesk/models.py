"""Servicedesk tables: categories with their targets, cases with their stored
service levels, the thread (comments and status changes), the per-tenant case
number sequence and knowledge base articles. Attachments are core stored
files (purpose "servicedesk"); the calendar is the module's settings."""
import uuid
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hrbpo.plugin_api import TenantScoped, Timestamped, TZDateTime, db, tenant_fk, tenant_relationship, utcnow

PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "resolved", "closed")
UNSOLVED = ("new", "open", "pending")
LOCALES = ("en", "hi", "ur", "nb")
HOURS = sa.Numeric(6, 2)


class Category(TenantScoped, Timestamped, db.Model):
    __tablename__ = "servicedesk_categories"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name_key"),)

    name: Mapped[str] = mapped_column(sa.String(100))
    name_key: Mapped[str] = mapped_column(sa.String(100))  # casefolded: names are unique ignoring case
    first_response_hours: Mapped[Decimal] = mapped_column(HOURS)
    resolution_hours: Mapped[Decimal] = mapped_column(HOURS)
    targets_by_priority: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class Sequence(TenantScoped, db.Model):
    """The last case number given in a tenant; incremented under its row lock, so numbers have
    no gaps (a rolled-back case gives its number back) and no duplicates."""

    __tablename__ = "servicedesk_sequences"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(20))
    last: Mapped[int] = mapped_column(sa.Integer, default=0)


class Case(TenantScoped, Timestamped, db.Model):
    """A case with its service levels as last computed: the first-response due time, and the
    resolution clock (`resolution_due_at`, and `resolution_stopped_at` while it stands still)."""

    __tablename__ = "servicedesk_cases"
    __table_args__ = (
        tenant_fk("category_id", "servicedesk_categories"),
        tenant_fk("employee_id", "employees", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "number"),
        sa.Index("ix_servicedesk_cases_category", "tenant_id", "category_id"),
        sa.Index("ix_servicedesk_cases_employee", "tenant_id", "employee_id"),
        sa.Index("ix_servicedesk_cases_opened", "tenant_id", "opened_at"),
        # The operator queue: unsolved cases by their next due time.
        sa.Index("ix_servicedesk_cases_next_due", "next_due_at", "tenant_id",
                 postgresql_where=sa.text("status IN ('new', 'open', 'pending')"),
                 sqlite_where=sa.text("status IN ('new', 'open', 'pending')")),
    )

    number: Mapped[int] = mapped_column(sa.Integer)
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="new")
    priority: Mapped[str] = mapped_column(sa.String(10), default="normal")
    category_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    requester_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)  # the user who is the requester
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    opened_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    first_response_due_at: Mapped[datetime] = mapped_column(TZDateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    resolution_due_at: Mapped[datetime] = mapped_column(TZDateTime)
    resolution_stopped_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    next_due_at: Mapped[datetime] = mapped_column(TZDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    last_entry_at: Mapped[datetime] = mapped_column(TZDateTime)
    attachment_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    satisfaction_rating: Mapped[int | None] = mapped_column(sa.Integer)
    satisfaction_comment: Mapped[str | None] = mapped_column(sa.String(2000))

    category: Mapped[Category] = tenant_relationship("Case", "Category", "category_id", lazy="joined",
                                                     viewonly=True)
    employee = tenant_relationship("Case", "Employee", "employee_id", lazy="joined", viewonly=True)


class Entry(TenantScoped, db.Model):
    """One thread entry: a comment (public or internal) or a status change."""

    __tablename__ = "servicedesk_entries"
    __table_args__ = (
        tenant_fk("case_id", "servicedesk_cases", ondelete="CASCADE"),
        sa.Index("ix_servicedesk_entries_case", "tenant_id", "case_id", "at"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(10))  # comment | status
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    author_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    body: Mapped[str | None] = mapped_column(sa.Text)
    internal: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    from_status: Mapped[str | None] = mapped_column(sa.String(10))
    to_status: Mapped[str | None] = mapped_column(sa.String(10))
    attachment_ids: Mapped[list] = mapped_column(sa.JSON, default=list)


class Article(TenantScoped, Timestamped, db.Model):
    __tablename__ = "servicedesk_articles"
    __table_args__ = (sa.Index("ix_servicedesk_articles_locale", "tenant_id", "locale", "published"),)

    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(5))
    published: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
