"""Compliance rules: templates and their versions, assignment, completion,
review, evidence access and the tenant's calendar.

Deadlines, reminders and recurrence (the periodic work) live in
`deadlines.py`; reports and the audit pack in `reports.py`.
"""
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_request_context, request

from hrbpo.plugin_api import (Conflict, Employee, Forbidden, Invalid, NotFound, audit, db, emit_event, files,
                              get_or_404, utcnow)
from hrbpo.plugins.compliance.models import Attestation, Checklist, ChecklistItem, ChecklistTemplate, TemplateVersion

log = logging.getLogger(__name__)
EVIDENCE = "compliance-evidence"
TEMPLATE_FIELDS = ("name", "items", "recurrence", "assign_on")


def today_for(tenant, now: datetime | None = None) -> date:
    """The tenant's calendar date (due dates and overdue are counted in it)."""
    return (now or utcnow()).astimezone(ZoneInfo(tenant.timezone or "UTC")).date()


def _actor_id():
    user = g.get("user") if has_request_context() else None
    return user.id if user is not None else None


# --- Templates


def item_definitions(items: list[dict]) -> list[dict]:
    """Template items as stored: plain JSON with every field spelled out."""
    return [{"title": i["title"], "due_days": i["due_days"], "requires_evidence": i.get("requires_evidence", False),
             "requires_attestation": i.get("requires_attestation", False), "instructions": i.get("instructions"),
             "owner": i.get("owner", "employee"), "attestation_text": i.get("attestation_text")} for i in items]


def _snapshot(template: ChecklistTemplate):
    db.session.add(TemplateVersion(template_id=template.id, number=template.version, name=template.name,
                                   items=template.items, recurrence=template.recurrence,
                                   assign_on=template.assign_on, created_by=_actor_id()))


def create_template(data: dict, master_id=None) -> ChecklistTemplate:
    template = ChecklistTemplate(name=data["name"], items=item_definitions(data["items"]), version=1,
                                 recurrence=data.get("recurrence") or None, assign_on=data.get("assign_on", "manual"),
                                 master_id=master_id)
    db.session.add(template)
    db.session.flush()
    _snapshot(template)
    audit.record("compliance.template.create", template, {k: getattr(template, k) for k in TEMPLATE_FIELDS})
    return template


def update_template(template: ChecklistTemplate, changes: dict) -> ChecklistTemplate:
    """Edit a template as a new version; checklists already made keep theirs."""
    if "items" in changes:
        changes = {**changes, "items": item_definitions(changes["items"])}
    if "recurrence" in changes:
        changes["recurrence"] = changes["recurrence"] or None
    diff = {k: [getattr(template, k), v] for k, v in changes.items()
            if k in TEMPLATE_FIELDS and getattr(template, k) != v}
    if not diff:
        return template
    for key, (_, new) in diff.items():
        setattr(template, key, new)
    template.version += 1
    db.session.flush()
    _snapshot(template)
    audit.record("compliance.template.update", template, {**diff, "version": template.version})
    return template


def template_versions(template: ChecklistTemplate) -> list[TemplateVersion]:
    return db.session.scalars(sa.select(TemplateVersion).where(TemplateVersion.template_id == template.id)
                              .order_by(TemplateVersion.number)).all()


# --- Assignment


def assign(template: ChecklistTemplate, employees: list[Employee], start: date, reason="manual") -> list[Checklist]:
    """One checklist per employee from the template's current version, items
    due `due_days` after `start` (a date on the tenant's calendar)."""
    made = []
    for employee in employees:
        checklist = Checklist(template_id=template.id, template_version=template.version, name=template.name,
                              employee_id=employee.id, reason=reason, occurrence_on=start)
        checklist.items = [
            ChecklistItem(position=n, title=i["title"], instructions=i.get("instructions"),
                          owner=i.get("owner", "employee"), due_on=start + timedelta(days=i["due_days"]),
                          requires_evidence=i.get("requires_evidence", False),
                          requires_attestation=i.get("requires_attestation", False),
                          attestation_text=i.get("attestation_text"), status="open")
            for n, i in enumerate(template.items)
        ]
        db.session.add(checklist)
        made.append(checklist)
    db.session.flush()
    for checklist in made:
        audit.record("compliance.checklist.assign", checklist,
                     {"template_id": template.id, "version": template.version, "employee_id": checklist.employee_id,
                      "reason": reason})
    return made


def assign_by_ids(tenant, template_id, employee_ids) -> list[Checklist]:
    """Manual assignment. Ids in the body that this tenant does not have are
    field errors (422), like any other bad value in the body."""
    template = db.session.scalars(sa.select(ChecklistTemplate).where(ChecklistTemplate.id == template_id)).first()
    wanted = list(dict.fromkeys(employee_ids))
    found = {e.id: e for e in db.session.scalars(sa.select(Employee).where(Employee.id.in_(wanted)))}
    errors = {}
    if template is None:
        errors["template_id"] = ["No template with this id in this tenant."]
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        errors["employee_ids"] = [f"No employee with id {i} in this tenant." for i in missing]
    if errors:
        raise Invalid(errors)
    return assign(template, [found[i] for i in wanted], today_for(tenant))


def assign_on_event(tenant, employee: Employee, event: str, start: date) -> list[Checklist]:
    """Give `employee` every active template that is assigned on `event` (hire, termination)."""
    templates = db.session.scalars(sa.select(ChecklistTemplate).where(
        ChecklistTemplate.assign_on == event, ChecklistTemplate.active.is_(True)).order_by(ChecklistTemplate.name)).all()
    return [c for t in templates for c in assign(t, [employee], max(start, today_for(tenant)), event)]


# --- Reading checklists


def _unresolved_past_due(today: date):
    return sa.select(ChecklistItem.id).where(
        ChecklistItem.checklist_id == Checklist.id, ChecklistItem.tenant_id == Checklist.tenant_id,
        ChecklistItem.status.in_(("open", "overdue")), ChecklistItem.due_on < today).exists()


# A checklist's items arrive with their attestations, in one statement.
CHECKLIST_LOADS = (sa.orm.selectinload(Checklist.items).joinedload(ChecklistItem.attestations),)


def checklist_query(access, today: date, status=None, employee_id=None, template_id=None):
    """Checklists the caller may see, newest first; employees see their own only."""
    query = sa.select(Checklist).order_by(Checklist.created_at.desc(), Checklist.id.desc()).options(*CHECKLIST_LOADS)
    if not access.can("compliance.manage"):
        query = query.where(Checklist.employee_id == access.employee_id) if access.employee_id \
            else query.where(sa.false())
    if employee_id:
        query = query.where(Checklist.employee_id == employee_id)
    if template_id:
        query = query.where(Checklist.template_id == template_id)
    if status == "done":
        query = query.where(Checklist.completed_at.is_not(None))
    elif status == "overdue":
        query = query.where(Checklist.completed_at.is_(None), _unresolved_past_due(today))
    elif status == "open":
        query = query.where(Checklist.completed_at.is_(None), ~_unresolved_past_due(today))
    return query


def visible_checklist(access, checklist_id) -> Checklist:
    """A checklist the caller may see (another employee's answers 404, like another tenant's)."""
    checklist = get_or_404(Checklist, checklist_id, "Checklist not found.", CHECKLIST_LOADS)
    if not (access.can("compliance.manage") or access.is_self(checklist.employee_id)):
        raise NotFound("Checklist not found.")
    return checklist


def checklist_item(checklist: Checklist, item_id) -> ChecklistItem:
    item = checklist.item(item_id)
    if item is None:
        raise NotFound("Checklist item not found.")
    return item


# --- Completion and review


def may_complete(access, checklist: Checklist, item: ChecklistItem) -> bool:
    """Owners do their items; HR may also record employee items handed in on
    paper, but an attestation is only ever the employee's own."""
    if item.requires_attestation and item.owner == "employee":
        return access.is_self(checklist.employee_id)
    if access.is_operator:
        return True
    if item.owner == "employee" and access.is_self(checklist.employee_id):
        return True
    return access.can("compliance.manage") and item.owner in ("employee", "hr_admin")


def complete_item(access, checklist: Checklist, item: ChecklistItem, attestation=False, evidence_file_id=None):
    if item.status in ("done", "waived"):
        raise Conflict(f"This item is already {item.status}.")
    if not may_complete(access, checklist, item):
        raise Forbidden("Only the item's owner may complete it" +
                        (" (attestations are the employee's own)." if item.requires_attestation else "."))
    errors = {}
    if item.requires_attestation and attestation is not True:
        errors["attestation"] = [f"Attest the statement: {item.statement}"]
    evidence = None
    if evidence_file_id is not None:
        evidence = _evidence_file(access, evidence_file_id)
        if evidence is None:
            errors["evidence_file_id"] = ["No evidence file with this id that you uploaded (use POST /files)."]
    elif item.requires_evidence:
        errors["evidence_file_id"] = ["This item needs evidence: upload a PDF, PNG or JPEG with POST /files."]
    if errors:
        raise Invalid(errors)
    now = utcnow()
    item.status, item.completed_at, item.completed_by = "done", now, access.user.id
    item.evidence_file_id = evidence.id if evidence else None
    item.review = "approved" if access.can("compliance.manage") else "pending"
    if item.requires_attestation:
        item.attestations.append(Attestation(statement=item.statement, user_id=access.user.id,
                                   user_email=access.user.email, signed_at=now, **_client()))
    _complete_if_resolved(checklist, now)
    db.session.flush()
    audit.record("compliance.item.complete", item, {
        "checklist_id": checklist.id, "evidence_file_id": item.evidence_file_id,
        "attested": item.statement if item.requires_attestation else None, **_client()})
    return item


def _complete_if_resolved(checklist: Checklist, now):
    """Mark the checklist complete once every item is done or waived, and tell the webhooks."""
    if not checklist.resolved() or checklist.completed_at is not None:
        return
    checklist.completed_at = now
    emit_event("checklist.completed", {
        "id": checklist.id, "name": checklist.name, "employee_id": checklist.employee_id,
        "template_id": checklist.template_id, "reason": checklist.reason, "occurrence_on": checklist.occurrence_on,
        "completed_at": now}, resource=f"checklist:{checklist.id}")


def _client() -> dict:
    if not has_request_context():
        return {"client_address": None, "user_agent": None}
    return {"client_address": request.remote_addr, "user_agent": (request.user_agent.string or "")[:300]}


def approve(checklist: Checklist, item: ChecklistItem):
    if item.status != "done" or item.review == "approved":
        raise Conflict("Only a completed item awaiting review can be approved.")
    item.review = "approved"
    audit.record("compliance.item.approve", item, {"checklist_id": checklist.id})
    return item


def send_back(checklist: Checklist, item: ChecklistItem, comment: str):
    """Reopen a completed item with HR's comment; the old evidence and
    attestation stay on record (audit trail), the employee does it again."""
    if item.status != "done":
        raise Conflict("Only a completed item can be sent back.")
    item.status, item.review, item.review_comment = "open", "returned", comment
    item.completed_at = item.completed_by = item.evidence_file_id = None
    checklist.completed_at = None
    audit.record("compliance.item.send_back", item, {"checklist_id": checklist.id, "comment": comment})
    return item


def waive(checklist: Checklist, item: ChecklistItem, reason: str):
    if item.status in ("done", "waived"):
        raise Conflict(f"This item is already {item.status}.")
    item.status, item.waive_reason = "waived", reason
    _complete_if_resolved(checklist, utcnow())
    audit.record("compliance.item.waive", item, {"checklist_id": checklist.id, "reason": reason})
    return item


# --- Evidence files


def upload_evidence(upload):
    stored = files.store(upload, purpose=EVIDENCE, uploaded_by=_actor_id())
    log.info("compliance evidence %s stored (%s, %d bytes)", stored.id, stored.content_type, stored.size)
    return stored


def _evidence_file(access, file_id):
    """An evidence file the caller may attach: their own upload (HR: any)."""
    query = sa.select(files.StoredFile).where(files.StoredFile.id == file_id, files.StoredFile.purpose == EVIDENCE)
    if not access.can("compliance.manage"):
        query = query.where(files.StoredFile.uploaded_by == access.user.id)
    return db.session.scalars(query).first()


def downloadable_file(access, file_id):
    """An evidence file the caller may download: HR and operators, the
    uploader, and the employee whose checklist it proves. Others get 404."""
    stored = files.get(file_id)
    if stored.purpose != EVIDENCE:
        raise NotFound("File not found.")
    if access.can("compliance.manage") or stored.uploaded_by == access.user.id:
        return stored
    owner = db.session.scalars(sa.select(Checklist.employee_id).join(
        ChecklistItem, sa.and_(ChecklistItem.checklist_id == Checklist.id, ChecklistItem.tenant_id == Checklist.tenant_id))
        .where(ChecklistItem.evidence_file_id == stored.id)).first()
    if owner is None or not access.is_self(owner):
        raise NotFound("File not found.")
    return stored


# --- Calendar


def items_with_checklist():
    """Items joined to their checklist and employee (one statement)."""
    return (sa.select(ChecklistItem)
            .join(Checklist, sa.and_(Checklist.id == ChecklistItem.checklist_id,
                                     Checklist.tenant_id == ChecklistItem.tenant_id))
            .options(sa.orm.contains_eager(ChecklistItem.checklist).joinedload(Checklist.employee),
                     sa.orm.lazyload(ChecklistItem.attestations)))


def open_items(employee_id=None, overdue_on: date | None = None, limit=None):
    """Unresolved items in due order: one employee's, or only those past due on `overdue_on`."""
    query = (items_with_checklist().where(ChecklistItem.status.in_(("open", "overdue")))
             .order_by(ChecklistItem.due_on, ChecklistItem.id).limit(limit))
    if employee_id is not None:
        query = query.where(Checklist.employee_id == employee_id)
    if overdue_on is not None:
        query = query.where(ChecklistItem.due_on < overdue_on)
    return db.session.scalars(query).unique().all()


def awaiting_review(limit=100):
    return db.session.scalars(items_with_checklist().where(ChecklistItem.status == "done",
                                                           ChecklistItem.review == "pending")
                              .order_by(ChecklistItem.completed_at).limit(limit)).unique().all()


DEMO_TEMPLATES = (
    {"name": "Onboarding", "assign_on": "hire", "items": [
        {"title": "Read and accept the employee handbook", "due_days": 3, "requires_attestation": True,
         "attestation_text": "I have read the employee handbook and agree to follow it."},
        {"title": "Upload proof of right to work", "due_days": 5, "requires_evidence": True,
         "instructions": "A scan or photo of your passport or residence permit."},
        {"title": "Verify identity documents", "due_days": 7, "owner": "hr_admin"}]},
    {"name": "Harassment training", "recurrence": "FREQ=YEARLY", "items": [
        {"title": "Complete the yearly anti-harassment course", "due_days": 30, "requires_evidence": True},
        {"title": "Acknowledge the harassment policy", "due_days": 30, "requires_attestation": True}]},
)


def seed_demo(tenant):
    """Demo templates, assigned to the first employees (`flask hrbpo demo`)."""
    made = [create_template(data) for data in DEMO_TEMPLATES]
    staff = db.session.scalars(sa.select(Employee).order_by(Employee.created_at).limit(8)).all()
    for template in made:
        assign(template, staff, today_for(tenant))
