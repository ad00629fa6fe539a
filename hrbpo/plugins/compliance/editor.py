"""The template editor's form: item rows added and removed freely, and the
recurrence picker (every N weeks, months or years, on a day) that writes the
RRULE. Works as plain form posts: "Add item" sends the page back with a row
more, nothing saved, and a row ticked "Remove" is left out; with JavaScript,
hrbpo.js adds and removes rows in place."""
import uuid
from datetime import date

from babel.dates import get_day_names, get_month_names
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from hrbpo.plugin_api import Invalid
from hrbpo.plugins.compliance import recurrence

ROW_FIELDS = ("title", "due_days", "owner", "requires_evidence", "requires_attestation", "instructions",
              "attestation_text")
BLANK_ROW = {"title": "", "due_days": 7, "owner": "employee", "requires_evidence": False,
             "requires_attestation": False, "instructions": "", "attestation_text": ""}
REPEATS = ("never", *recurrence.PICKER_FREQUENCIES, "custom")


def rows_of(template) -> list[dict]:
    return [{**BLANK_ROW, **{k: item.get(k) for k in ROW_FIELDS if item.get(k) is not None}}
            for item in template.items] if template else []


def posted_rows(keep_blank=False) -> list[dict]:
    """The rows as sent, less those ticked "Remove"; blank rows are unused
    slots, kept only while rows are being added."""
    form = request.form
    count = int(form["rows"]) if form.get("rows", "").isdigit() else 0
    rows = []
    for n in range(min(count, 500)):
        title = (form.get(f"items-{n}-title") or "").strip()
        if form.get(f"items-{n}-remove") == "yes" or f"items-{n}-title" not in form or not (title or keep_blank):
            continue
        rows.append({"title": title, "due_days": form.get(f"items-{n}-due_days", ""),
                     "owner": form.get(f"items-{n}-owner") or "employee",
                     "requires_evidence": form.get(f"items-{n}-requires_evidence") == "yes",
                     "requires_attestation": form.get(f"items-{n}-requires_attestation") == "yes",
                     "instructions": form.get(f"items-{n}-instructions") or "",
                     "attestation_text": form.get(f"items-{n}-attestation_text") or ""})
    return rows


def item_data(rows) -> list[dict]:
    """Rows as the API's items (the schema checks the values)."""
    return [{**row, "due_days": row["due_days"] if str(row["due_days"]).strip() else 0,
             "instructions": row["instructions"] or None, "attestation_text": row["attestation_text"] or None}
            for row in rows]


def picker_of(template) -> dict:
    rule = template.recurrence if template else None
    return recurrence.to_picker(rule) or {**recurrence.to_picker(None), "repeat": "custom", "custom": rule}


def _number(value, low, high) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high and number != 0 else None


def posted_picker() -> tuple[dict, dict]:
    """The picker's fields as sent, and errors keyed `recurrence` (its fieldset)."""
    form = request.form
    picker = {"repeat": form.get("repeat", "never"), "weekday": form.get("weekday", "MO"),
              "custom": form.get("recurrence_custom") or None}
    errors = []
    for name, low, high, message in (("interval", 1, 99, _("Give a whole number from 1 to 99.")),
                                      ("monthday", recurrence.LAST_DAY, 31, _("Choose a day.")),
                                      ("month", 1, 12, _("Choose a day."))):
        picker[name] = _number(form.get(name, "1"), low, high)
        if picker[name] is None:
            picker[name] = form.get(name)  # shown again as typed
            errors.append(message)
    if picker["repeat"] not in REPEATS or picker["weekday"] not in recurrence.WEEKDAYS:
        errors.append(_("Choose how often it repeats."))
    return picker, {"recurrence": list(dict.fromkeys(errors))} if errors else {}


def weekday_names() -> list[tuple[str, str]]:
    names = get_day_names("wide", context="stand-alone", locale=get_locale())
    return [(code, names[i]) for i, code in enumerate(recurrence.WEEKDAYS)]


def month_names() -> list[tuple[int, str]]:
    names = get_month_names("wide", context="stand-alone", locale=get_locale())
    return [(number, names[number]) for number in range(1, 13)]


def describe(rule: str | None) -> str:
    """The rule in words for lists ("Every 3 months on day 15"); one the picker
    cannot show is given as written."""
    picker = recurrence.to_picker(rule)
    if not rule or picker is None:
        return rule or "—"
    n, day = picker["interval"], picker["monthday"]
    if picker["repeat"] == "weekly":
        return ngettext("Every week on %(day)s", "Every %(num)s weeks on %(day)s", n,
                        day=dict(weekday_names())[picker["weekday"]])
    if picker["repeat"] == "monthly":
        if day == recurrence.LAST_DAY:
            return ngettext("Every month on its last day", "Every %(num)s months on the last day", n)
        return ngettext("Every month on day %(day)s", "Every %(num)s months on day %(day)s", n, day=day)
    month = dict(month_names())[picker["month"]]
    if day == recurrence.LAST_DAY:
        return ngettext("Every year on the last day of %(month)s", "Every %(num)s years on the last day of %(month)s",
                        n, month=month)
    return ngettext("Every year on %(month)s %(day)s", "Every %(num)s years on %(month)s %(day)s", n, month=month,
                    day=day)


def rule_from(picker) -> str | None:
    if picker["repeat"] == "custom":
        return picker["custom"]
    return recurrence.from_picker(picker["repeat"], picker["interval"], picker["weekday"], picker["monthday"],
                                  picker["month"])


def row_errors(errors: dict) -> tuple[dict, dict]:
    """Schema errors split into the form's own ({field: messages}) and the rows'
    ({(row, field): messages}): `items.<n>.<field>` names row n of the page."""
    own, rows = {}, {}
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
            rows[(int(parts[1]), parts[2])] = messages
        else:
            own[key] = messages
    return own, rows


def posted_audience() -> dict:
    """The assign form's audience (see assigning.audience_query), or Invalid."""
    form, choice = request.form, request.form.get("audience")
    if choice == "all":
        return {"all": True}
    if choice == "pick":
        try:
            ids = [uuid.UUID(v) for v in form.getlist("employee_ids")]
        except ValueError:
            raise Invalid({"employee_ids": [_("Unknown employee.")]}) from None
        if not ids:
            raise Invalid({"employee_ids": [_("Tick at least one person.")]})
        return {"employee_ids": ids}
    if choice != "filter":
        raise Invalid({"audience": [_("Choose who gets the checklist.")]})
    audience = {k: form.get(k) for k in ("department", "location", "employment_type") if form.get(k)}
    for name in ("hired_from", "hired_to"):
        if form.get(name):
            try:
                audience[name] = date.fromisoformat(form[name])
            except ValueError:
                raise Invalid({name: [_("Give a date.")]}) from None
    if not audience:
        raise Invalid({"audience": [_("Choose at least one thing to match.")]})
    return audience
