"""Compliance tables: versioned templates, the checklists made from them, and
the proof (attestations, reminders, calendar feed tokens)."""
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrbpo.plugin_api import TenantScoped, Timestamped, TZDateTime, db, new_id, tenant_fk, tenant_relationship

OWNERS = ("employee", "hr_admin", "operator")
ASSIGN_ON = ("manual", "hire", "termination")
# Stored item states; "overdue" is also derived on read from due_on.
ITEM_STATES = ("open", "overdue", "done", "waived")
REVIEW_STATES = ("pending", "approved", "returned")
REMINDER_KINDS = ("reminder", "escalation_hr", "escalation_operator")


class ChecklistTemplate(TenantScoped, Timestamped, db.Model):
    """A tenant's named checklist. `items` is the current version; every
    version is kept in TemplateVersion, and checklists copy their items, so an
    edit never changes a running checklist."""

    __tablename__ = "compliance_templates"

    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    recurrence: Mapped[str | None] = mapped_column(sa.String(500))
    assign_on: Mapped[str] = mapped_column(sa.String(20), default="manual")
    # The BPO master template this copy came from (the tenant may adapt it).
    master_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class TemplateVersion(TenantScoped, Timestamped, db.Model):
    __tablename__ = "compliance_template_versions"
    __table_args__ = (tenant_fk("template_id", "compliance_templates", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "template_id", "number"))

    template_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    number: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    recurrence: Mapped[str | None] = mapped_column(sa.String(500))
    assign_on: Mapped[str] = mapped_column(sa.String(20))
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)


class Checklist(TenantScoped, Timestamped, db.Model):
    """One employee's copy of one template version."""

    __tablename__ = "compliance_checklists"
    __table_args__ = (
        tenant_fk("template_id", "compliance_templates", ondelete="CASCADE"),
        tenant_fk("employee_id", "employees", ondelete="CASCADE"),
        sa.Index("ix_compliance_checklists_employee", "tenant_id", "employee_id"),
        sa.Index("ix_compliance_checklists_template", "tenant_id", "template_id"),
    )

    template_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    template_version: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    reason: Mapped[str] = mapped_column(sa.String(20), default="manual")  # manual|hire|termination|recurrence
    # The day the checklist was assigned for (a recurring template's occurrence date).
    occurrence_on: Mapped[date] = mapped_column(sa.Date)
    completed_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    employee = tenant_relationship("Checklist", "Employee", "employee_id", viewonly=True, lazy="joined")
    items = relationship("ChecklistItem", back_populates="checklist", order_by="ChecklistItem.position",
                         cascade="all, delete-orphan", lazy="selectin",
                         primaryjoin="and_(Checklist.tenant_id == ChecklistItem.tenant_id, "
                                     "Checklist.id == foreign(ChecklistItem.checklist_id))")

    def item(self, item_id) -> "ChecklistItem | None":
        return next((i for i in self.items if str(i.id) == str(item_id)), None)

    def resolved(self) -> bool:
        return all(i.status in ("done", "waived") for i in self.items)

    def status_on(self, today: date) -> str:
        if self.completed_at is not None:
            return "done"
        return "overdue" if any(i.status_on(today) == "overdue" for i in self.items) else "open"

    def progress(self) -> dict:
        done = sum(i.status == "done" for i in self.items)
        waived = sum(i.status == "waived" for i in self.items)
        total = len(self.items)
        return {"done": done, "waived": waived, "total": total,
                "progress": round(100 * (done + waived) / total) if total else 100}


class ChecklistItem(TenantScoped, Timestamped, db.Model):
    __tablename__ = "compliance_checklist_items"
    __table_args__ = (
        tenant_fk("checklist_id", "compliance_checklists", ondelete="CASCADE"),
        tenant_fk("evidence_file_id", "stored_files"),
        sa.Index("ix_compliance_items_due", "tenant_id", "status", "due_on"),
        sa.Index("ix_compliance_items_checklist", "tenant_id", "checklist_id", "position"),
        sa.Index("ix_compliance_items_evidence", "tenant_id", "evidence_file_id"),
    )

    checklist_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    position: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(200))
    instructions: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(20), default="employee")
    due_on: Mapped[date] = mapped_column(sa.Date)
    requires_evidence: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    requires_attestation: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    attestation_text: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    completed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    completed_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    evidence_file_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    review: Mapped[str | None] = mapped_column(sa.String(20))
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    waive_reason: Mapped[str | None] = mapped_column(sa.Text)

    checklist = relationship("Checklist", back_populates="items",
                             primaryjoin="and_(Checklist.tenant_id == ChecklistItem.tenant_id, "
                                         "Checklist.id == foreign(ChecklistItem.checklist_id))")
    attestations = relationship("Attestation", order_by="Attestation.signed_at", lazy="selectin",
                                primaryjoin="and_(ChecklistItem.tenant_id == Attestation.tenant_id, "
                                            "ChecklistItem.id == foreign(Attestation.item_id))")

    def status_on(self, today: date) -> str:
        """open | overdue | done | waived, overdue as soon as the due day has passed."""
        if self.status in ("open", "overdue"):
            return "overdue" if self.due_on < today else "open"
        return self.status

    @property
    def statement(self) -> str:
        return self.attestation_text or self.title


class Attestation(TenantScoped, db.Model):
    """What was attested, by whom, when and from where: the exact statement."""

    __tablename__ = "compliance_attestations"
    __table_args__ = (tenant_fk("item_id", "compliance_checklist_items", ondelete="CASCADE"),
                      sa.Index("ix_compliance_attestations_item", "tenant_id", "item_id"))

    item_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    statement: Mapped[str] = mapped_column(sa.Text)
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    user_email: Mapped[str | None] = mapped_column(sa.String(254))
    signed_at: Mapped[datetime] = mapped_column(TZDateTime)
    client_address: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))


class ChecklistReminder(TenantScoped, db.Model):
    """A reminder or escalation of one item, once per kind. Mailed ones link
    their messages (`mail_group`, the outbox's group_id): they count as sent
    once a message is, and are due again when every one of them failed.
    Operator escalations go to the work queue: `sent_at` is when."""

    __tablename__ = "compliance_reminders"
    __table_args__ = (tenant_fk("item_id", "compliance_checklist_items", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "item_id", "kind"))

    item_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(30))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    mail_group: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)


class CalendarFeed(TenantScoped, Timestamped, db.Model):
    """An employee's private iCalendar URL; only the token's hash is kept."""

    __tablename__ = "compliance_calendar_feeds"
    __table_args__ = (tenant_fk("employee_id", "employees", ondelete="CASCADE"),
                      sa.UniqueConstraint("tenant_id", "employee_id"),
                      sa.Index("ix_compliance_feeds_token", "token_hash"))

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    token_hash: Mapped[str] = mapped_column(sa.String(64))


class MasterTemplate(Timestamped, db.Model):
    """A BPO-wide template in the operator's library, pushed into tenants as copies."""

    __tablename__ = "compliance_master_templates"
    # The BPO's own library, shared by no tenant until pushed (pushing makes tenant copies).
    __hrbpo_global__ = True

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    recurrence: Mapped[str | None] = mapped_column(sa.String(500))
    assign_on: Mapped[str] = mapped_column(sa.String(20), default="manual")
