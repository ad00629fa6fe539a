"""Cases: opening (numbered, targets fixed), the thread, assignment, status
and satisfaction, and who sees what. Employees see only the cases they are
the requester of, and never an internal note, anywhere. Every transition
locks the case's row and judges its state after the lock."""
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hrbpo.plugin_api import (Conflict, Employee, Forbidden, Invalid, Membership, NotFound, User, audit,
                              current_tenant, db, emit_event, files, new_id, utcnow)
from hrbpo.plugins.servicedesk import calendars, levels, notices
from hrbpo.plugins.servicedesk.models import Case, Category, Entry, Sequence

MANAGE = "servicedesk.manage"
MAX_BYTES = 10 * 1024 * 1024


def is_staff(access) -> bool:
    return access.can(MANAGE)


def require_staff(access):
    if not is_staff(access):
        raise Forbidden("Only the client's HR admins and BPO operators may do this.")


def is_requester(case: Case, access) -> bool:
    if case.employee_id is not None:
        return access.is_self(case.employee_id)
    return case.requester_user_id == access.user.id


def case_query(access):
    """The cases the caller may see: all for staff, else those they are the requester of."""
    query = sa.select(Case)
    if not is_staff(access):
        query = query.where(Case.employee_id == access.employee_id) if access.employee_id else query.where(sa.false())
    return query


def get_case(case_id, access, lock=False) -> Case:
    query = case_query(access).where(Case.id == case_id)
    case = db.session.scalars(query.with_for_update(of=Case) if lock else query).first()
    if case is None:
        raise NotFound("Case not found.")
    return case


# --- Opening

def open_case(data: dict, access) -> tuple[Case, bool]:
    """A new case (and whether it was imported with `opened_at`), its due times fixed."""
    now, staff, imported = utcnow(), is_staff(access), data.get("opened_at") is not None
    if imported and not access.is_operator:
        raise Forbidden("Only BPO operators may import cases with opened_at.")
    employee_id, errors = data.get("employee_id"), {}
    if not staff:
        if employee_id is not None and not access.is_self(employee_id):
            raise Forbidden("Employees open cases for themselves only.")
        employee_id = access.employee_id
        if employee_id is None:
            raise Forbidden("Only employees with an employee record may open cases.")
    elif employee_id is None and access.is_operator:
        errors["employee_id"] = ["Operators open cases for an employee: give employee_id."]
    employee = db.session.get(Employee, (current_tenant().id, employee_id)) if employee_id else None
    if employee_id is not None and employee is None:
        errors["employee_id"] = ["No such employee."]
    category = db.session.get(Category, (current_tenant().id, data["category_id"]))
    if category is None or not category.active:
        errors["category_id"] = ["No such category."]
    opened_at = data.get("opened_at") or now
    if opened_at > now:
        errors["opened_at"] = ["Must not be in the future."]
    attachments = attachable(data["attachment_ids"], access, errors)
    if errors:
        raise Invalid(errors, "The case cannot be opened; see errors.")
    case = Case(id=new_id(), number=next_number(), subject=data["subject"], description=data["description"],
                priority=data["priority"], category_id=category.id, employee_id=employee_id, opened_at=opened_at,
                requester_user_id=_login_of(employee_id) if employee_id else access.user.id,
                last_entry_at=opened_at, attachment_ids=[str(f.id) for f in attachments], created_at=now)
    levels.start(case, calendars.current(), category)
    db.session.add(case)
    db.session.flush()
    audit.record("servicedesk.case.open", case, {"number": f"HR-{case.number}", "imported": imported})
    emit_event("case.opened", _event(case), resource=f"case:{case.id}")
    if not imported:
        notices.opened(case)
    return case, imported


def next_number() -> int:
    """The tenant's next case number: the sequence row is created once, then incremented under
    its row lock until the transaction ends (concurrent openings queue behind it)."""
    tenant_id = current_tenant().id
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(Sequence).values(tenant_id=tenant_id, id=new_id(), name="case", last=0)
                       .on_conflict_do_nothing())
    return db.session.execute(sa.update(Sequence).where(Sequence.tenant_id == tenant_id, Sequence.name == "case")
                              .values(last=Sequence.last + 1).returning(Sequence.last)).scalar_one()


def _login_of(employee_id):
    return db.session.scalar(sa.select(Membership.user_id).where(Membership.employee_id == employee_id).limit(1))


def attachable(ids, access, errors, field="attachment_ids") -> list:
    """This tenant's servicedesk uploads (an employee: their own) among `ids`; errors for the rest."""
    if not ids:
        return []
    found = {f.id: f for f in db.session.scalars(sa.select(files.StoredFile).where(
        files.StoredFile.id.in_(ids), files.StoredFile.purpose == "servicedesk"))}
    ok = [found[i] for i in ids if i in found and (is_staff(access) or found[i].uploaded_by == access.user.id)]
    if len(ok) != len(ids):
        errors[field] = ["Attach files uploaded to the service desk (POST /files) by you."]
    return ok


# --- Working a case

def _at(given: datetime | None, case: Case, access) -> datetime:
    """When an entry counts as made: now, or (operators replaying history) the `at` given."""
    if given is None:
        return max(utcnow(), case.last_entry_at)
    if not access.is_operator:
        raise Forbidden("Only BPO operators may give `at`.")
    if given < case.last_entry_at or given > utcnow():
        raise Invalid({"at": ["Must be after the case's latest entry and not in the future."]})
    return given


def comment(case_id, data: dict, access) -> Entry:
    case, staff = get_case(case_id, access, lock=True), is_staff(access)
    if data["internal"] and not staff:
        raise Forbidden("Employees post public comments only.")
    at = _at(data.get("at"), case, access)
    if case.status == "closed":
        raise Conflict("A closed case takes no comments.")
    errors = {}
    attachments = attachable(data["attachment_ids"], access, errors)
    if errors:
        raise Invalid(errors)
    entry = Entry(id=new_id(), case_id=case.id, kind="comment", at=at, author_id=access.user.id, body=data["body"],
                  internal=data["internal"], attachment_ids=[str(f.id) for f in attachments])
    db.session.add(entry)
    requester = is_requester(case, access)
    if not entry.internal:
        if staff and not requester and case.first_responded_at is None:
            levels.responded(case, at)
            if case.status == "new":
                _move(case, "open", at, access)
        elif requester and case.status in ("pending", "resolved"):
            _move(case, "open", at, access)
    case.last_entry_at = at
    db.session.flush()
    audit.record("servicedesk.case.comment", case, {"entry_id": str(entry.id), "internal": entry.internal})
    if staff and not requester and not entry.internal:
        notices.commented(case)
    return entry


def change_status(case_id, data: dict, access) -> Case:
    require_staff(access)
    case = get_case(case_id, access, lock=True)
    at = _at(data.get("at"), case, access)
    if case.status == "closed":
        raise Conflict("A closed case is final.")
    if data["status"] == case.status:
        raise Conflict(f"The case is already {case.status}.")
    before = case.status
    _move(case, data["status"], at, access)
    case.last_entry_at = at
    db.session.flush()
    audit.record("servicedesk.case.status", case, {"status": [before, case.status]})
    emit_event("case.status_changed", {**_event(case), "from": before}, resource=f"case:{case.id}")
    return case


def _event(case: Case) -> dict:
    """A webhook's `data`: ids and states only, never the case's words (they may hold personal data)."""
    return {"id": str(case.id), "number": f"HR-{case.number}", "status": case.status, "priority": case.priority,
            "category_id": str(case.category_id), "employee_id": str(case.employee_id) if case.employee_id else None,
            "opened_at": case.opened_at.isoformat()}


def _move(case: Case, status: str, at: datetime, access):
    db.session.add(Entry(id=new_id(), case_id=case.id, kind="status", at=at, author_id=access.user.id,
                         from_status=case.status, to_status=status))
    levels.moved(case, calendars.current(), status, at)
    case.status = status


def assign(case_id, assignee_id, access) -> Case:
    require_staff(access)
    case = get_case(case_id, access, lock=True)
    if assignee_id is not None and not _may_work_cases(assignee_id):
        raise Invalid({"assignee_id": ["Assign to an HR admin of this client or a BPO operator."]})
    before, case.assignee_id = case.assignee_id, assignee_id
    db.session.flush()
    audit.record("servicedesk.case.assign", case, {"assignee_id": [str(before) if before else None,
                                                                    str(assignee_id) if assignee_id else None]})
    return case


def assignees() -> list[User]:
    """Who may be given a case: the client's active HR admins and the BPO's operators."""
    admins = sa.select(Membership.user_id).where(Membership.tenant_id == current_tenant().id,
                                                 Membership.role == "hr_admin")
    return db.session.scalars(sa.select(User).where(User.active.is_(True), sa.or_(
        User.is_operator.is_(True), User.id.in_(admins))).order_by(User.email)).all()


def _may_work_cases(user_id: uuid.UUID) -> bool:
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return False
    return user.is_operator or db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.user_id == user_id, Membership.role == "hr_admin")) > 0


def rate(case_id, data: dict, access) -> Case:
    case = get_case(case_id, access, lock=True)
    if not is_requester(case, access):
        raise Forbidden("Only the requester rates a case.")
    if case.status not in ("resolved", "closed"):
        raise Conflict("Rate the case once it is resolved.")
    if case.satisfaction_rating is not None:
        raise Conflict("This case has been rated already.")
    case.satisfaction_rating, case.satisfaction_comment = data["rating"], data.get("comment")
    db.session.flush()
    audit.record("servicedesk.case.satisfaction", case, {"rating": data["rating"]})
    return case


# --- Files

def upload(storage, access):
    return files.store(storage, purpose="servicedesk", max_bytes=MAX_BYTES, uploaded_by=access.user.id)


def visible_file(file_id, access):
    """A servicedesk file the caller may read: their own upload, or one attached to a case (or a
    thread entry) they see; internal notes' files are staff-only."""
    stored = db.session.scalars(sa.select(files.StoredFile).where(
        files.StoredFile.id == file_id, files.StoredFile.purpose == "servicedesk")).first()
    if stored is None:
        raise NotFound("File not found.")
    if stored.uploaded_by == access.user.id or is_staff(access):
        return stored
    wanted = str(file_id)
    cases = db.session.scalars(case_query(access)).all()
    entries = db.session.scalars(sa.select(Entry).where(Entry.case_id.in_([c.id for c in cases]),
                                                        Entry.internal.is_(False))).all() if cases else []
    if any(wanted in (c.attachment_ids or []) for c in cases) or any(wanted in (e.attachment_ids or [])
                                                                      for e in entries):
        return stored
    raise NotFound("File not found.")
