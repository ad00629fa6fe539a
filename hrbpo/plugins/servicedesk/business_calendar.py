"""A tenant's business calendar: weekly spans in its time zone, public and own holidays.

`parse_calendar` turns the contract's `PUT /calendar` body into a `Calendar` or raises
`CalendarInvalid` with the contract's 422 `errors` (`{field: [messages]}`, nested fields joined
with dots). `Calendar.to_json()` is the `GET /calendar` body.
"""
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Mapping, NamedTuple

from hrbpo.plugins.servicedesk import public_holidays
from hrbpo.plugins.servicedesk.timeline import Timeline

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN_SUBDIVISIONS = 20

Span = tuple[int, int]  # minutes from local midnight, start < end ≤ 1440


class Holiday(NamedTuple):
    date: date
    name: str
    source: str  # "country" | "tenant"


@dataclass(frozen=True)
class Calendar:
    """`hours[0]` … `hours[6]`: Monday … Sunday's spans, sorted and apart; `holidays`: the
    tenant's own dates. Build it with `parse_calendar` or `Calendar.default`."""
    timezone: str
    hours: tuple[tuple[Span, ...], ...]
    country: str | None = None
    subdivision: str | None = None
    holidays: frozenset[date] = frozenset()

    @classmethod
    def default(cls, timezone: str) -> "Calendar":
        """The calendar before any `PUT`: Monday to Friday 09:00–17:00, no holidays."""
        return cls(timezone, (((540, 1020),),) * 5 + ((),) * 2)

    def holiday_dates(self, year: int) -> frozenset[date]:
        """Every day off in a year: the country's (and subdivision's) and the tenant's."""
        own = frozenset(d for d in self.holidays if d.year == year)
        if self.country is None:
            return own
        return public_holidays.dates(self.country, self.subdivision, year) | own

    def holidays_in(self, year: int, locale: str | None = None, tenant_name: str = "Company holiday") -> list[Holiday]:
        """`GET /calendar/holidays?year=` items by date: the country's, named in `locale` where the
        package can, then the tenant's own, named `tenant_name` (pass it translated)."""
        found = []
        if self.country is not None:
            found = [Holiday(d, name, "country")
                     for d, name in public_holidays.names(self.country, self.subdivision, year, locale)]
        found += [Holiday(d, tenant_name, "tenant") for d in self.holidays if d.year == year]
        return sorted(found, key=lambda h: (h.date, h.source))

    def to_json(self) -> dict[str, Any]:
        """The `GET /calendar` body."""
        return {
            "timezone": self.timezone,
            "business_hours": {day: [[_clock(a), _clock(b)] for a, b in spans]
                               for day, spans in zip(WEEKDAYS, self.hours)},
            "holidays_country": self.country,
            "holidays_subdivision": self.subdivision,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
        }

    @cached_property
    def timeline(self) -> Timeline:
        """The engine's cumulative business time for this calendar (built once, on first use)."""
        return Timeline(self)


class CalendarInvalid(ValueError):
    """The body breaks the contract's 422 rules; `errors` says where and why, for people."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(" ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def parse_calendar(data: Mapping[str, Any], timezone: str) -> Calendar:
    """The `PUT /calendar` body as a calendar in `timezone` (the tenant's); days left out are
    closed. A `timezone` key in the body is ignored (it is the tenant's, read-only here)."""
    if not isinstance(data, Mapping):
        raise CalendarInvalid({"_schema": ["Send a JSON object with business_hours."]})
    errors: dict[str, list[str]] = {}
    hours = _business_hours(data.get("business_hours"), errors)
    country, subdivision = _region(data.get("holidays_country"), data.get("holidays_subdivision"), errors)
    own = _dates(data.get("holidays"), errors)
    if errors:
        raise CalendarInvalid(errors)
    return Calendar(timezone, hours, country, subdivision, own)


def _business_hours(value, errors) -> tuple[tuple[Span, ...], ...]:
    if value is None:
        errors["business_hours"] = ["Missing data for required field."]
        return ()
    if not isinstance(value, Mapping):
        errors["business_hours"] = ["Give an object with a list of spans per day, e.g. "
                                    '{"mon": [["09:00", "17:00"]]}.']
        return ()
    for key in value:
        if key not in WEEKDAYS:
            errors[f"business_hours.{key}"] = ["Not a day: use mon, tue, wed, thu, fri, sat or sun."]
    hours = tuple(_day(value.get(day, []), f"business_hours.{day}", errors) for day in WEEKDAYS)
    if not any(key.startswith("business_hours") for key in errors) and not any(hours):
        errors["business_hours"] = ["Open at least one span in the week."]
    return hours


def _day(spans, field, errors) -> tuple[Span, ...]:
    if not isinstance(spans, list):
        errors[field] = ['Give a list of spans, e.g. [["09:00", "17:00"]] (an empty list: closed).']
        return ()
    parsed = []
    for i, span in enumerate(spans):
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) for t in span)):
            errors[f"{field}.{i}"] = ['Give a span as two times, e.g. ["09:00", "17:00"].']
            continue
        start, end = (_minutes(t) for t in span)
        problems = [f"{t!r} is not a time HH:MM from 00:00 to 24:00." for t, m in zip(span, (start, end)) if m is None]
        if start == DAY_MINUTES:
            problems.append("24:00 can only end a span (it is midnight at the end of the day).")
        elif not problems and start >= end:
            problems.append(f"The span must start before it ends ({span[0]} is not before {span[1]}).")
        if problems:
            errors[f"{field}.{i}"] = problems
        else:
            parsed.append((start, end, i))
    parsed.sort()
    reach = None  # the span reaching latest so far
    for start, end, i in parsed:
        if reach is not None and start < reach[1]:
            errors.setdefault(f"{field}.{max(i, reach[2])}", []).append(
                f"Overlaps {_clock(reach[0])}–{_clock(reach[1])}: spans of a day must not overlap.")
        if reach is None or end > reach[1]:
            reach = (start, end, i)
    return tuple((start, end) for start, end, _ in parsed)


def _region(country, subdivision, errors):
    if country is not None and (not isinstance(country, str) or country not in public_holidays.COUNTRIES):
        errors["holidays_country"] = ["Not a country the holidays package knows: give an ISO 3166-1 "
                                      "alpha-2 code in capitals, e.g. NO, US or IN."]
        return None, None
    if subdivision is None:
        return country, None
    if country is None:
        errors["holidays_subdivision"] = ["Give holidays_country too: a subdivision belongs to a country."]
    elif not isinstance(subdivision, str) or subdivision not in public_holidays.COUNTRIES[country]:
        known = public_holidays.COUNTRIES[country]
        if not known:
            errors["holidays_subdivision"] = [f"The holidays package knows no subdivisions of {country}."]
        else:
            shown = ", ".join(known[:_SHOWN_SUBDIVISIONS]) + (", …" if len(known) > _SHOWN_SUBDIVISIONS else "")
            errors["holidays_subdivision"] = [f"Not a subdivision of {country} the holidays package knows ({shown})."]
    return country, subdivision


def _dates(value, errors) -> frozenset[date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        errors["holidays"] = ["Give a list of dates, e.g. [\"2026-12-24\"]."]
        return frozenset()
    found = set()
    for i, text in enumerate(value):
        day = _date(text)
        if day is None:
            errors[f"holidays.{i}"] = [f"{text!r} is not a date YYYY-MM-DD."]
        else:
            found.add(day)
    return frozenset(found)


def _date(text) -> date | None:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _minutes(text: str) -> int | None:
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    return DAY_MINUTES if match.group(1) is None else int(match.group(1)) * 60 + int(match.group(2))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
