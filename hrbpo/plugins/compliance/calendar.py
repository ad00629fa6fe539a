"""Due dates as iCalendar (RFC 5545): one all-day VEVENT per unresolved item,
and the private per-employee feed tokens that let a calendar app subscribe
without logging in."""
import hashlib
import secrets

import icalendar
import sqlalchemy as sa

from hrbpo.plugin_api import audit, db, utcnow
from hrbpo.plugins.compliance.models import CalendarFeed


def ics(items, title: str, with_names: bool) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//hrbpo//compliance//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    stamp = utcnow()
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"{item.id}@hrbpo-compliance")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)  # a date: VALUE=DATE, an all-day event
        summary = item.title
        if with_names:
            summary += f" — {item.checklist.employee.full_name}"
        event.add("summary", summary)
        event.add("description", f"{item.checklist.name}" + (f"\n{item.instructions}" if item.instructions else ""))
        event.add("categories", ["compliance"])
        cal.add_component(event)
    return cal.to_ical()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed_token(employee_id) -> str:
    """A new private token for the employee's feed; any older one stops working."""
    token = secrets.token_urlsafe(32)
    feed = db.session.scalars(sa.select(CalendarFeed).where(CalendarFeed.employee_id == employee_id)).first()
    if feed is None:
        feed = CalendarFeed(employee_id=employee_id, token_hash=_digest(token))
        db.session.add(feed)
    else:
        feed.token_hash = _digest(token)
    db.session.flush()
    audit.record("compliance.calendar_feed.issue", feed, {"employee_id": employee_id})
    return token


def feed_employee(token: str):
    """The employee id a token opens in the current tenant, or None."""
    return db.session.scalars(sa.select(CalendarFeed.employee_id)
                              .where(CalendarFeed.token_hash == _digest(token))).first()
