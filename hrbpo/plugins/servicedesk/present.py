"""Cases as the API answers them: requester, category, breaches judged now,
attachments, and the thread (internal notes only for staff). People are named
by their employee record in the tenant, else by their address; each list is
a fixed number of queries, whatever its length."""
import uuid

import sqlalchemy as sa

from hrbpo.plugin_api import Employee, Membership, User, db, files, utcnow
from hrbpo.plugins.servicedesk import levels
from hrbpo.plugins.servicedesk.cases import is_staff
from hrbpo.plugins.servicedesk.models import Case, Entry


def cases_out(cases: list[Case], now=None, **extra) -> list[dict]:
    now = now or utcnow()
    users = people({c.requester_user_id for c in cases if c.employee_id is None and c.requester_user_id})
    shown = _files({i for c in cases for i in c.attachment_ids or ()})
    return [case_out(c, now, users, shown, **extra) for c in cases]


def case_out(case: Case, now, users: dict, shown: dict, **extra) -> dict:
    first_breached, resolution_breached = levels.breaches(case, now)
    if case.employee is not None:
        requester = {"employee_id": case.employee_id, "user_id": case.requester_user_id,
                     "name": case.employee.full_name, "email": case.employee.email}
    else:
        person = users.get(case.requester_user_id, {})
        requester = {"employee_id": None, "user_id": case.requester_user_id, "name": person.get("name", ""),
                     "email": person.get("email")}
    return {"id": case.id, "number": f"HR-{case.number}", "subject": case.subject, "description": case.description,
            "status": case.status, "priority": case.priority,
            "category": {"id": case.category_id, "name": case.category.name}, "requester": requester,
            "assignee_id": case.assignee_id, "opened_at": case.opened_at, "created_at": case.created_at,
            "first_response_due_at": case.first_response_due_at, "first_responded_at": case.first_responded_at,
            "first_response_breached": first_breached, "resolution_due_at": case.resolution_due_at,
            "resolved_at": case.resolved_at, "resolution_breached": resolution_breached,
            "sla_paused": case.status == "pending",
            "satisfaction": None if case.satisfaction_rating is None else {
                "rating": case.satisfaction_rating, "comment": case.satisfaction_comment},
            "attachments": [shown[i] for i in case.attachment_ids or () if i in shown], **extra}


def thread(case: Case, access) -> list[dict]:
    query = sa.select(Entry).where(Entry.case_id == case.id).order_by(Entry.at, Entry.id)
    if not is_staff(access):
        query = query.where(Entry.internal.is_(False))
    entries = db.session.scalars(query).all()
    authors = people({e.author_id for e in entries if e.author_id})
    shown = _files({i for e in entries for i in e.attachment_ids or ()})
    out = []
    for e in entries:
        row = {"id": e.id, "kind": e.kind, "at": e.at, "author": {"id": e.author_id, **authors.get(e.author_id, {})}}
        if e.kind == "comment":
            row.update(body=e.body, internal=e.internal,
                       attachments=[shown[i] for i in e.attachment_ids or () if i in shown])
        else:
            row.update(from_=e.from_status, to=e.to_status)
        out.append(row)
    return out


def people(user_ids: set) -> dict:
    """user id → {"name", "email"}: the employee record's name in this tenant, else the address."""
    if not user_ids:
        return {}
    found = {u.id: {"name": u.email, "email": u.email}
             for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))}
    named = db.session.execute(sa.select(Membership.user_id, Employee).join(
        Employee, sa.and_(Employee.tenant_id == Membership.tenant_id, Employee.id == Membership.employee_id))
        .where(Membership.user_id.in_(user_ids))).all()
    for user_id, employee in named:
        found.setdefault(user_id, {"email": employee.email})["name"] = employee.full_name
    return found


def _files(ids: set) -> dict:
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(files.StoredFile).where(
        files.StoredFile.id.in_([uuid.UUID(i) for i in ids]))).all()
    return {str(f.id): {"id": f.id, "filename": f.filename, "content_type": f.content_type, "size": f.size}
            for f in rows}
