"""Qualifying life events: reported by the employee with evidence, approved
by HR, which opens a personal window."""
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_date, gettext, ngettext

from hrbpo.plugin_api import Conflict, Employee, Invalid, audit, db, lock, message_patterns, utcnow
from hrbpo.plugins.benefits import catalogue, notices
from hrbpo.plugins.benefits.models import LifeEvent
from hrbpo.plugins.benefits.services import actor_id, tenant_today

# Days to report a life event, and days its window stays open once HR
# approves it (the rule most plans follow): 30, or 60 for a birth or adoption.
LIFE_EVENT_DAYS = {"birth": 60, "adoption": 60}
DEFAULT_LIFE_EVENT_DAYS = 30


def life_event_days(kind: str) -> int:
    return LIFE_EVENT_DAYS.get(kind, DEFAULT_LIFE_EVENT_DAYS)


def _too_late(what, limit, ago, day) -> str:
    """The page's words for report_life_event's "Too late" (the API's stay English)."""
    limit, ago = int(limit), int(ago)
    if what == "birth or adoption":
        rule = ngettext("Too late: a birth or adoption must be reported within %(num)s day.",
                        "Too late: a birth or adoption must be reported within %(num)s days.", limit)
    else:
        rule = ngettext("Too late: a life event like this must be reported within %(num)s day.",
                        "Too late: a life event like this must be reported within %(num)s days.", limit)
    when = ngettext("This one was %(num)s day ago (%(day)s).", "This one was %(num)s days ago (%(day)s).", ago,
                    day=format_date(date.fromisoformat(day)))
    return " ".join((rule, when,
                     gettext("You can change your benefits at the next open enrolment; ask HR if you think an "
                             "exception applies.")))


MESSAGES = message_patterns(
    (r"Too late: a (?P<what>birth or adoption|life event like this) must be reported within (?P<limit>\d+) days\. "
     r"This one was (?P<ago>\d+) days ago \((?P<day>\d{4}-\d\d-\d\d)\)\. You can change .*\Z", _too_late),
)


def report_life_event(employee: Employee, data: dict, evidence=None) -> LifeEvent:
    today = tenant_today()
    if data["event_date"] > today + timedelta(days=90):
        raise Invalid({"event_date": ["Report an event at most 90 days ahead."]})
    limit, ago = life_event_days(data["kind"]), (today - data["event_date"]).days
    if ago > limit:
        raise Invalid({"event_date": [
            f"Too late: a {'birth or adoption' if limit > DEFAULT_LIFE_EVENT_DAYS else 'life event like this'} must "
            f"be reported within {limit} days. This one was {ago} days ago ({data['event_date'].isoformat()}). "
            f"You can change your benefits at the next open enrolment; ask HR if you think an exception applies."]})
    event = LifeEvent(employee_id=employee.id, kind=data["kind"], event_date=data["event_date"],
                      note=data.get("note"), evidence_file_id=evidence.id if evidence else None)
    db.session.add(event)
    db.session.flush()
    audit.record("benefits.life_event.report", event, {"employee_id": employee.id, "kind": event.kind,
                                                       "event_date": event.event_date})
    return event


def life_event_query(employee_id=None, status=None):
    query = sa.select(LifeEvent).order_by(LifeEvent.created_at.desc(), LifeEvent.id.desc())
    if employee_id is not None:
        query = query.where(LifeEvent.employee_id == employee_id)
    if status:
        query = query.where(LifeEvent.status == status)
    return query


def decide_life_event(event: LifeEvent, approve: bool, note=None) -> LifeEvent:
    """Approve (opening the employee's window) or reject a pending life event."""
    if lock(event).status != "pending":
        raise Conflict(f"This life event was already {event.status}.")
    if approve:
        days = life_event_days(event.kind)
        # Newborns and adopted children are covered from the day; other events from next month.
        starts = event.event_date if event.kind in LIFE_EVENT_DAYS else catalogue.first_of_next_month(tenant_today())
        label = event.kind.replace("_", " ")
        window = catalogue.open_personal_window(event.employee, "life_event",
                                                f"Life event ({label}): {event.employee.full_name}", days, starts)
        if window is None:
            raise Conflict("There are no plans this employee is eligible for: add plans first.")
        event.window_id = window.id
    event.status, event.decided_by, event.decided_at = ("approved" if approve else "rejected"), actor_id(), utcnow()
    event.note = note or event.note
    db.session.flush()
    audit.record(f"benefits.life_event.{event.status}", event, {"window_id": event.window_id, "note": note})
    if approve:
        notices.window_opened(window, event.employee, "life_event")
    else:
        notices.life_event_rejected(event)
    return event
