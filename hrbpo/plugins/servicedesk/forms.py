"""HTML form fields ⇄ the API's bodies, so the pages post to the same services
and schemas as the API: business hours typed as `09:00-12:00, 13:00-17:00`
per day, own holidays one date a line, hours as numbers. Errors come back
under the form's field names."""
from hrbpo.plugin_api import N_, form_message, message_patterns
from hrbpo.plugins.servicedesk.business_calendar import WEEKDAYS
from hrbpo.plugins.servicedesk.models import PRIORITIES

TARGETS = ("first_response_hours", "resolution_hours")
SPAN = N_("Write each span as 09:00-17:00.")
# The schemas' and the calendar's fixed messages these forms show, for the
# catalogue (pages translate them with the `form_message` filter).
SHOWN = (N_("Open at least one span in the week."), N_("Must be a number of hours."),
         N_("Must be more than 0 and at most 8760 hours."), N_("At most two decimals (0.25 is 15 minutes)."),
         N_("Must not be less than first_response_hours."), N_("Must be on or after from."),
         N_("24:00 can only end a span (it is midnight at the end of the day)."),
         N_("Not a country the holidays package knows: give an ISO 3166-1 "
            "alpha-2 code in capitals, e.g. NO, US or IN."),
         N_("Give holidays_country too: a subdivision belongs to a country."), N_("A category with this name exists."))
# The calendar's messages with values in them (business_calendar), as the pages translate them.
CALENDAR_MESSAGES = message_patterns(
    (r"(?P<value>.+) is not a time HH:MM from 00:00 to 24:00\.\Z",
     N_("%(value)s is not a time HH:MM from 00:00 to 24:00.")),
    (r"The span must start before it ends \((?P<start>\S+) is not before (?P<end>\S+)\)\.\Z",
     N_("The span must start before it ends (%(start)s is not before %(end)s).")),
    (r"Overlaps (?P<start>\S+)–(?P<end>\S+): spans of a day must not overlap\.\Z",
     N_("Overlaps %(start)s–%(end)s: spans of a day must not overlap.")),
    (r"The holidays package knows no subdivisions of (?P<country>\S+)\.\Z",
     N_("The holidays package knows no subdivisions of %(country)s.")),
    (r"Not a subdivision of (?P<country>\S+) the holidays package knows \((?P<known>.+)\)\.\Z",
     N_("Not a subdivision of %(country)s the holidays package knows (%(known)s).")),
    (r"(?P<value>.+) is not a date YYYY-MM-DD\.\Z", N_("%(value)s is not a date YYYY-MM-DD.")),
)


def spans_text(spans) -> str:
    return ", ".join(f"{a}-{b}" for a, b in spans)


def calendar_typed(calendar: dict) -> dict:
    """The form's values for a stored calendar (`GET /calendar` body)."""
    typed = {f"hours_{d}": spans_text(calendar["business_hours"].get(d, [])) for d in WEEKDAYS}
    typed.update(holidays_country=calendar.get("holidays_country") or "",
                 holidays_subdivision=calendar.get("holidays_subdivision") or "",
                 holidays="\n".join(calendar.get("holidays") or []))
    return typed


def calendar_body(form) -> tuple[dict, dict]:
    """The `PUT /calendar` body from the form, and the errors of spans that are not two times."""
    errors, hours = {}, {}
    for day in WEEKDAYS:
        hours[day] = []
        for piece in filter(None, (p.strip() for p in form.get(f"hours_{day}", "").split(","))):
            times = [t.strip() for t in piece.split("-")]
            if len(times) != 2:
                errors.setdefault(f"hours_{day}", []).append(SPAN)
                continue
            hours[day].append(times)
    body = {"business_hours": hours,
            "holidays_country": form.get("holidays_country", "").strip().upper() or None,
            "holidays_subdivision": form.get("holidays_subdivision", "").strip().upper() or None,
            "holidays": [line.strip() for line in form.get("holidays", "").splitlines() if line.strip()]}
    return body, errors


def calendar_errors(errors: dict) -> dict:
    """The calendar's errors (`business_hours.mon.0`, `holidays.2` …) under the
    form's fields, in the page's language."""
    out = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "business_hours" and len(parts) > 1:
            name = f"hours_{parts[1]}" if parts[1] in WEEKDAYS else "hours_mon"
        elif parts[0] == "business_hours":
            name = "hours_mon"
        else:
            name = parts[0] if parts[0] in ("holidays_country", "holidays_subdivision", "holidays") else "hours_mon"
        out.setdefault(name, []).extend(form_message(m, CALENDAR_MESSAGES) for m in messages)
    return out


def _number(text: str):
    """A typed number as a number (the schema judges it); anything else as typed, for its message."""
    text = (text or "").strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return text or None


def category_typed(category) -> dict:
    typed = {"name": category.name, "active": category.active,
             **{k: _shown(getattr(category, k)) for k in TARGETS}}
    for priority, targets in (category.targets_by_priority or {}).items():
        typed.update({f"{priority}.{k}": _shown(targets.get(k)) for k in TARGETS})
    return typed


def _shown(value) -> str:
    return "" if value is None else f"{float(value):g}"


def category_body(form) -> dict:
    """A category body; a priority's targets are sent when either of its fields is filled."""
    body = {"name": form.get("name", ""), "active": form.get("active") == "1",
            **{k: _number(form.get(k)) for k in TARGETS}}
    body["targets_by_priority"] = {p: {k: _number(form.get(f"{p}.{k}")) for k in TARGETS}
                                   for p in PRIORITIES if any(form.get(f"{p}.{k}", "").strip() for k in TARGETS)}
    return body


def category_errors(errors: dict) -> dict:
    """`targets_by_priority.high.value.resolution_hours` → `high.resolution_hours`, as the form names it."""
    return {key.removeprefix("targets_by_priority.").replace(".value.", "."): messages
            for key, messages in errors.items()}
