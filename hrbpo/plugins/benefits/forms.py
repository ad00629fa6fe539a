"""HR admin forms for plans and windows (Flask-WTF: CSRF, labels, errors
beside each field). The rules stay in the API schemas and services: a form
turns its fields into the API's body and puts the API's errors back next to
the fields they are about."""
import re

import wtforms
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, FormField, IntegerField, SelectField, SelectMultipleField, StringField, \
    TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from hrbpo.plugin_api import EMPLOYMENT_LABELS, EMPLOYMENT_TYPES, Form
from hrbpo.plugins.benefits.labels import LABELS, label
from hrbpo.plugins.benefits.models import PERIODS, PLAN_KINDS, TIERS, WINDOW_KINDS
from hrbpo.plugins.benefits.money import PAY_PERIODS

BAND = re.compile(r"^\s*(\d{1,3})\s*[-–]\s*(\d{1,3})\s+(\S+)\s+(\S+)\s*$")


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TierForm(wtforms.Form):
    """One coverage tier's prices; left empty, the plan does not offer it."""

    employee_cost = StringField(_l("Employee pays"), validators=[Optional(), Length(max=20)],
                                render_kw={"inputmode": "decimal"})
    employer_cost = StringField(_l("Employer pays"), validators=[Optional(), Length(max=20)],
                                render_kw={"inputmode": "decimal"})
    age_bands = TextAreaField(_l("Rates by age (optional)"), validators=[Optional(), Length(max=2000)],
                              description=_l("One band a line: ages, employee cost, employer cost, e.g. "
                                             "16-39 6.00 2.00. The employee's age when coverage starts picks "
                                             "the band."))

    def offered(self) -> bool:
        return bool(self.employee_cost.data or self.employer_cost.data or self.age_bands.data)

    def validate_age_bands(self, field):
        for line in (field.data or "").splitlines():
            if line.strip() and not BAND.match(line):
                raise ValidationError(_("Write each band as: ages, employee cost, employer cost (e.g. 16-39 6.00 "
                                        "2.00); this line does not fit: %(line)s", line=line.strip()))


class ApiForm(Form):
    """A form whose fields are named like the API's."""

    def show_errors(self, errors: dict) -> list[str]:
        """Put API errors next to their fields (unless the form's own message
        already says it there); return those that belong to no field."""
        general = []
        for key, messages in errors.items():
            field = self._fields.get(key.split(".")[0])
            if field is None:
                general += messages
            elif not field.errors:
                field.errors = list(messages)
        return general


class PlanForm(ApiForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, LABELS[k]) for k in PLAN_KINDS])
    carrier = StringField(_l("Carrier"), validators=[Optional(), Length(max=200)])
    carrier_id = StringField(_l("Carrier identifier (FEIN)"), validators=[Optional(), Length(max=80)])
    group_number = StringField(_l("Group policy number"), validators=[Optional(), Length(max=50)])
    currency = StringField(_l("Currency"), validators=[Optional(), Length(min=3, max=3)],
                           render_kw={"autocapitalize": "characters"})
    plan_year_starts_on = DateField(_l("Plan year starts"), validators=[Optional()])
    plan_year_ends_on = DateField(_l("Plan year ends"), validators=[Optional()])
    employment_types = Checkboxes(_l("Who may join (none ticked: everyone)"),
                                  choices=[SelectChoice(t, EMPLOYMENT_LABELS[t]) for t in EMPLOYMENT_TYPES])
    min_hours = IntegerField(_l("Minimum hours a week"), validators=[Optional(), NumberRange(min=0, max=168)])
    waiting_days = IntegerField(_l("Waiting period after hire (days)"), default=0,
                                validators=[Optional(), NumberRange(min=0, max=365)])
    child_age_limit = IntegerField(_l("Children covered until age"), default=26,
                                   validators=[Optional(), NumberRange(min=0, max=30)])
    period = SelectField(_l("Prices are per"), choices=[SelectChoice(p, LABELS[p]) for p in PERIODS])
    employee = FormField(TierForm)
    employee_spouse = FormField(TierForm)
    employee_children = FormField(TierForm)
    family = FormField(TierForm)

    def __init__(self, *args, plan=None, **kw):
        super().__init__(*args, obj=plan, **kw)
        if plan is not None:
            del self.kind  # a plan's kind cannot change
            if not self.is_submitted():
                self.period.data = plan.tiers[0].period if plan.tiers else "month"
                for tier in plan.tiers:
                    sub = self[tier.tier].form
                    sub.employee_cost.data, sub.employer_cost.data = str(tier.employee_cost), str(tier.employer_cost)
                    sub.age_bands.data = "\n".join(f"{b['min_age']}-{b['max_age']} {b['employee_cost']} "
                                                   f"{b['employer_cost']}" for b in tier.age_bands or [])
        for tier in TIERS:
            self[tier].label.text = label(tier)

    def body(self, editing=False) -> dict:
        """The API body (POST /plans, or PATCH /plans/<id> with blanks clearing optional fields)."""
        body = {"name": self.name.data, "carrier": self.carrier.data or None,
                "carrier_id": self.carrier_id.data or None, "group_number": self.group_number.data or None,
                "plan_year_starts_on": _iso(self.plan_year_starts_on.data),
                "plan_year_ends_on": _iso(self.plan_year_ends_on.data),
                "employment_types": self.employment_types.data or [], "min_hours": self.min_hours.data,
                "tiers": [self._tier(t) for t in TIERS if self[t].form.offered()]}
        for field in ("currency", "waiting_days", "child_age_limit"):
            if self[field].data not in (None, ""):
                body[field] = self[field].data.upper() if field == "currency" else self[field].data
        if not editing:
            body["kind"] = self.kind.data
        return body

    def _tier(self, tier: str) -> dict:
        sub = self[tier].form
        return {"tier": tier, "employee_cost": sub.employee_cost.data or "0", "employer_cost":
                sub.employer_cost.data or "0", "period": self.period.data, "age_bands": _bands(sub.age_bands.data)}

    def show_errors(self, errors: dict) -> list[str]:
        """As ApiForm, with `tiers.<n>.<field>` put next to that tier's field."""
        offered = [t for t in TIERS if self[t].form.offered()]
        rest = {}
        for key, messages in errors.items():
            parts = key.split(".")
            if parts[0] == "tiers" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(offered):
                sub = self[offered[int(parts[1])]].form
                target = sub[parts[2]] if len(parts) > 2 and parts[2] in sub else sub.age_bands
                if not target.errors:
                    target.errors = list(messages)
            else:
                rest[key] = messages
        return super().show_errors(rest)


class WindowForm(ApiForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, LABELS[k]) for k in WINDOW_KINDS])
    starts_on = DateField(_l("Opens on"), validators=[DataRequired()])
    ends_on = DateField(_l("Closes on"), validators=[DataRequired()],
                        description=_l("Employees can enrol up to and including this day."))
    coverage_starts_on = DateField(_l("Coverage starts on"), validators=[DataRequired()])
    plan_ids = Checkboxes(_l("Plans offered"))

    def __init__(self, *args, plans=(), window=None, **kw):
        super().__init__(*args, obj=window, **kw)
        self.plan_ids.choices = [SelectChoice(str(p.id), f"{p.name} ({label(p.kind)})"
                                              + (f" – {label('archived')}" if p.archived_at else "")) for p in plans]
        if window is not None:
            del self.kind  # a window's kind cannot change
            if not self.is_submitted():
                self.plan_ids.data = [str(p) for p in window.plan_ids]
        elif not self.is_submitted():
            self.plan_ids.data = [str(p.id) for p in plans]

    def body(self, editing=False) -> dict:
        body = {"name": self.name.data, "starts_on": _iso(self.starts_on.data), "ends_on": _iso(self.ends_on.data),
                "coverage_starts_on": _iso(self.coverage_starts_on.data), "plan_ids": self.plan_ids.data or []}
        if not editing:
            body["kind"] = self.kind.data
        return body


class SettingsForm(ApiForm):
    pay_frequency = SelectField(_l("Employees are paid"), choices=[SelectChoice(k, LABELS[k]) for k in PAY_PERIODS],
                                description=_l("Costs per paycheck and per year follow from it; elections "
                                               "already submitted keep theirs."))
    new_hire_window_days = IntegerField(_l("Days a new hire has to choose"),
                                        validators=[InputRequired(), NumberRange(min=1, max=365)])
    reminder_days_before_end = IntegerField(
        _l("Remind those who have not chosen this many days before a window closes"),
        validators=[InputRequired(), NumberRange(min=0, max=90)])

    def body(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


def _iso(day):
    return day.isoformat() if day else None


def _bands(text: str | None):
    """"16-39 6.00 2.00" lines (checked by TierForm) → the API's age bands."""
    bands = []
    for line in (text or "").splitlines():
        match = BAND.match(line)
        if match:
            low, high, mine, theirs = match.groups()
            bands.append({"min_age": int(low), "max_age": int(high), "employee_cost": mine, "employer_cost": theirs})
    return bands or None
