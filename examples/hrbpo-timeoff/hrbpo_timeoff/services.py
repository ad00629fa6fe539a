"""Time-off rules. Views call these; they flush, audit and leave the commit
to the view."""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hrbpo.plugin_api import Conflict, Employee, Forbidden, Invalid, NotFound, audit, current_access, db, utcnow
from hrbpo_timeoff.models import TimeOffRequest

OPEN = ("pending", "approved")


def request_query(status=None, employee_id=None):
    """Requests the caller may see, newest first: HR admins all, employees their own."""
    access = current_access()
    query = sa.select(TimeOffRequest).options(selectinload(TimeOffRequest.employee))
    query = query.order_by(TimeOffRequest.starts_on.desc(), TimeOffRequest.id.desc())
    if not access.can("timeoff.approve"):
        query = query.where(TimeOffRequest.employee_id == access.employee_id) if access.employee_id \
            else query.where(sa.false())
    if status:
        query = query.where(TimeOffRequest.status == status)
    if employee_id:
        query = query.where(TimeOffRequest.employee_id == employee_id)
    return query


def get_request(request_id) -> TimeOffRequest:
    """A request the caller may see; anything else is 404 (never a hint it exists)."""
    request = db.session.scalars(request_query().where(TimeOffRequest.id == request_id)).first()
    if request is None:
        raise NotFound("Time-off request not found.")
    return request


def create_request(data: dict) -> TimeOffRequest:
    access = current_access()
    employee_id = data.get("employee_id") or access.employee_id
    if employee_id is None:
        raise Invalid({"employee_id": ["Say whose time off this is."]})
    if not access.can("timeoff.approve") and not access.is_self(employee_id):
        raise Forbidden("Employees may request time off for themselves only.")
    if db.session.scalars(sa.select(Employee.id).where(Employee.id == employee_id)).first() is None:
        raise Invalid({"employee_id": ["No such employee."]})
    overlapping = sa.select(TimeOffRequest.id).where(
        TimeOffRequest.employee_id == employee_id, TimeOffRequest.status.in_(OPEN),
        TimeOffRequest.starts_on <= data["ends_on"], TimeOffRequest.ends_on >= data["starts_on"])
    if db.session.scalars(overlapping).first() is not None:
        raise Conflict("These dates overlap another pending or approved request.")
    request = TimeOffRequest(employee_id=employee_id, starts_on=data["starts_on"], ends_on=data["ends_on"],
                             reason=data.get("reason"))
    db.session.add(request)
    db.session.flush()
    audit.record("timeoff.request.create", request,
                 {"employee_id": [None, str(employee_id)], "starts_on": [None, str(request.starts_on)],
                  "ends_on": [None, str(request.ends_on)]})
    return request


def decide(request: TimeOffRequest, status: str, note=None) -> TimeOffRequest:
    """Approve or reject a pending request (HR admins)."""
    if request.status != "pending":
        raise Conflict(f"This request is already {request.status}.")
    request.status, request.decision_note = status, note
    request.decided_by, request.decided_at = current_access().user.id, utcnow()
    db.session.flush()
    audit.record(f"timeoff.request.{'approve' if status == 'approved' else 'reject'}", request,
                 {"status": ["pending", status]})
    return request


def cancel_pending(employee_id):
    """A leaver's pending requests are cancelled (approved ones stay as history)."""
    pending = db.session.scalars(sa.select(TimeOffRequest).where(
        TimeOffRequest.employee_id == employee_id, TimeOffRequest.status == "pending")).all()
    for request in pending:
        request.status = "cancelled"
        audit.record("timeoff.request.cancel", request, {"status": ["pending", "cancelled"]})
    db.session.flush()
