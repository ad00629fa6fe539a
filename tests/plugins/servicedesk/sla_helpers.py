"""Small builders for the service-level engine's tests."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hrbpo.plugins.servicedesk.business_calendar import WEEKDAYS, parse_calendar

WORKDAYS = WEEKDAYS[:5]


def calendar(zone: str, spans="09:00-17:00", days=WORKDAYS, country=None, subdivision=None, holidays=(), **more):
    """`spans` ("09:00-12:00 13:00-17:00") on each of `days`; `more` sets single days (sun="00:00-24:00")."""
    hours = {day: _spans(spans) for day in days}
    hours.update({day: _spans(text) for day, text in more.items()})
    return parse_calendar({"business_hours": hours, "holidays_country": country, "holidays_subdivision": subdivision,
                           "holidays": list(holidays)}, zone)


def local(zone: str, *fields, fold=0) -> datetime:
    return datetime(*fields, tzinfo=ZoneInfo(zone), fold=fold)


def utc(*fields) -> datetime:
    return datetime(*fields, tzinfo=timezone.utc)


def hours(amount: float) -> timedelta:
    return timedelta(hours=amount)


def _spans(text: str) -> list[list[str]]:
    return [part.split("-") for part in text.split()]
