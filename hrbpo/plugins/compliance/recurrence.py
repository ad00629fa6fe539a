"""RFC 5545 recurrence rules, evaluated on the tenant's wall clock.

Occurrences are computed with an aware DTSTART in the tenant's zone, so
"every Monday 09:00" stays 09:00 local across daylight-saving changes.
"""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil import rrule

from hrbpo.plugin_api import N_

NOT_A_RULE = N_("Not a valid RFC 5545 RRULE.")
# Checklists recur daily at most: a finer rule would flood employees.
_TOO_FREQUENT = (rrule.HOURLY, rrule.MINUTELY, rrule.SECONDLY)


def parse(text: str, anchor: date, tz: str):
    """The rule for `text`; DTSTART defaults to local midnight of `anchor`.
    Raises ValueError with a readable message when the rule is unusable."""
    zone = ZoneInfo(tz)
    try:
        rule = rrule.rrulestr(text, dtstart=datetime.combine(anchor, time(0), zone), forceset=False)
    except Exception as exc:  # dateutil raises ValueError, TypeError, KeyError... on bad input
        raise ValueError(NOT_A_RULE) from None
    if not isinstance(rule, rrule.rrule):
        raise ValueError(N_("Give a single RRULE (no RDATE/EXRULE sets)."))
    if rule._freq in _TOO_FREQUENT:
        raise ValueError(N_("Checklists can recur at most daily (FREQ=DAILY or coarser)."))
    if rule._dtstart.tzinfo is None:  # DTSTART given without a zone: it is tenant-local
        rule = rule.replace(dtstart=rule._dtstart.replace(tzinfo=zone))
    return rule


def validate(text: str) -> str | None:
    """An error message for `text`, or None when it is a usable rule. The
    parser's own words (Python exception text) are never shown to anyone."""
    try:
        rule = parse(text, date(2000, 1, 1), "UTC")
    except ValueError as exc:  # ours, already in words
        return str(exc)
    try:
        rule.after(datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")), inc=True)
    except Exception:  # e.g. UNTIL with a zone that clashes with DTSTART
        return NOT_A_RULE
    return None


# --- The editor's picker: every N weeks / months / years, on a day.
PICKER_FREQUENCIES = {"weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LAST_DAY = -1  # BYMONTHDAY=-1: the month's last day, whatever its length


def from_picker(repeat: str, interval: int, weekday: str, monthday: int, month: int) -> str | None:
    """The RRULE the picker's fields describe (None for "does not repeat")."""
    if repeat not in PICKER_FREQUENCIES:
        return None
    parts = [f"FREQ={PICKER_FREQUENCIES[repeat]}"] + ([f"INTERVAL={interval}"] if interval > 1 else [])
    if repeat == "weekly":
        parts.append(f"BYDAY={weekday}")
    else:
        parts += ([f"BYMONTH={month}"] if repeat == "yearly" else []) + [f"BYMONTHDAY={monthday}"]
    return ";".join(parts)


def to_picker(text: str | None) -> dict | None:
    """The picker's fields for a rule it can show; None for one it cannot
    (written through the API with more parts), which the editor keeps as it is."""
    blank = {"repeat": "never", "interval": 1, "weekday": "MO", "monthday": 1, "month": 1}
    if not text:
        return blank
    try:
        parts = dict(part.split("=", 1) for part in text.strip().upper().split(";"))
        repeat = {v: k for k, v in PICKER_FREQUENCIES.items()}[parts.pop("FREQ")]
        fields = {"repeat": repeat, "interval": int(parts.pop("INTERVAL", 1))}
        # Without its day the rule counts from each assignment: not something the picker says.
        if repeat == "weekly":
            fields["weekday"] = parts.pop("BYDAY")
            if fields["weekday"] not in WEEKDAYS:
                return None
        else:
            fields["monthday"] = int(parts.pop("BYMONTHDAY"))
            if repeat == "yearly":
                fields["month"] = int(parts.pop("BYMONTH"))
    except (KeyError, ValueError):
        return None
    return None if parts else {**blank, **fields}


def latest_occurrence(text: str, anchor: date, tz: str, now: datetime) -> date | None:
    """The local date of the last occurrence at or before `now` (aware), if any."""
    rule = parse(text, anchor, tz)
    hit = rule.before(now.astimezone(ZoneInfo(tz)), inc=True)
    return hit.date() if hit else None
