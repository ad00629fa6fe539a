"""RFC 5545 recurrence rules, evaluated on the tenant's wall clock.

Occurrences are computed with an aware DTSTART in the tenant's zone, so
"every Monday 09:00" stays 09:00 local across daylight-saving changes.
"""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil import rrule

# Checklists recur daily at most: a finer rule would flood employees.
_TOO_FREQUENT = (rrule.HOURLY, rrule.MINUTELY, rrule.SECONDLY)


def parse(text: str, anchor: date, tz: str):
    """The rule for `text`; DTSTART defaults to local midnight of `anchor`.
    Raises ValueError with a readable message when the rule is unusable."""
    zone = ZoneInfo(tz)
    try:
        rule = rrule.rrulestr(text, dtstart=datetime.combine(anchor, time(0), zone), forceset=False)
    except Exception as exc:  # dateutil raises ValueError, TypeError, KeyError... on bad input
        raise ValueError(f"Not a valid RFC 5545 RRULE: {exc}") from None
    if not isinstance(rule, rrule.rrule):
        raise ValueError("Give a single RRULE (no RDATE/EXRULE sets).")
    if rule._freq in _TOO_FREQUENT:
        raise ValueError("Checklists can recur at most daily (FREQ=DAILY or coarser).")
    if rule._dtstart.tzinfo is None:  # DTSTART given without a zone: it is tenant-local
        rule = rule.replace(dtstart=rule._dtstart.replace(tzinfo=zone))
    return rule


def validate(text: str) -> str | None:
    """An error message for `text`, or None when it is a usable rule."""
    try:
        rule = parse(text, date(2000, 1, 1), "UTC")
        rule.after(datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")), inc=True)
    except ValueError as exc:
        return str(exc)
    except Exception as exc:  # e.g. UNTIL with a zone that clashes with DTSTART
        return f"Not a valid RFC 5545 RRULE: {exc}"
    return None


def latest_occurrence(text: str, anchor: date, tz: str, now: datetime) -> date | None:
    """The local date of the last occurrence at or before `now` (aware), if any."""
    rule = parse(text, anchor, tz)
    hit = rule.before(now.astimezone(ZoneInfo(tz)), inc=True)
    return hit.date() if hit else None
