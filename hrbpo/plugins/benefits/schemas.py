"""Request and response shapes of the benefits API (see API.md "Benefits")."""
from datetime import date

import marshmallow as ma

from hrbpo.plugin_api import Schema, text
from hrbpo.plugins.benefits import services
from hrbpo.plugins.benefits.models import (ELIGIBILITY_CHANGES, LIFE_EVENT_KINDS, LIFE_EVENT_STATUSES, PERIODS,
                                           PLAN_KINDS, RELATIONSHIPS, TIERS, WINDOW_KINDS)
from hrbpo.plugins.benefits.money import PAY_PERIODS

MAX_MONEY = 1_000_000


def _money_range(value):
    if not 0 <= value <= MAX_MONEY:
        raise ma.ValidationError(f"Must be between 0 and {MAX_MONEY}.")


def money(**kw):
    """A string decimal amount ("123.45"), never a float; bounded so it fits the column."""
    return ma.fields.Decimal(as_string=True, places=2, allow_nan=False, validate=_money_range,
                             metadata={"type": "string", "format": "decimal", "example": "123.45"}, **kw)


def _plausible(value):
    if not 1900 <= value.year <= 2200:
        raise ma.ValidationError("Must be a real date (year 1900–2200).")


def _not_future(value):
    if value > date.today():
        raise ma.ValidationError("Must not be in the future.")


def _unique(values):
    if len(set(values)) != len(values):
        raise ma.ValidationError("Each value may appear only once.")


class AgeBandSchema(Schema):
    min_age = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=120))
    max_age = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=120))
    employee_cost = money(required=True)
    employer_cost = money(required=True)


class TierSchema(Schema):
    tier = ma.fields.String(required=True, validate=ma.validate.OneOf(TIERS))
    employee_cost = money(required=True)
    employer_cost = money(required=True)
    period = ma.fields.String(required=True, validate=ma.validate.OneOf(PERIODS))
    age_bands = ma.fields.List(ma.fields.Nested(AgeBandSchema), allow_none=True, validate=ma.validate.Length(max=20),
                               metadata={"description": "Age-banded rates (life cover), replacing the flat costs "
                                                        "for an employee whose age falls in a band"})


class PlanSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = text(200, required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(PLAN_KINDS))
    carrier = text(200, allow_none=True)
    carrier_id = text(80, allow_none=True, metadata={"description": "The carrier's identifier (e.g. FEIN), for the 834"})
    group_number = text(50, allow_none=True)
    currency = ma.fields.String(validate=ma.validate.Regexp(r"^[A-Z]{3}\Z", error="Use a three-letter ISO 4217 code."),
                                metadata={"description": "Defaults to the tenant's currency"})
    tiers = ma.fields.List(ma.fields.Nested(TierSchema), required=True, validate=ma.validate.Length(min=1, max=4))
    plan_year_starts_on = ma.fields.Date(allow_none=True, validate=_plausible)
    plan_year_ends_on = ma.fields.Date(allow_none=True, validate=_plausible)
    child_age_limit = ma.fields.Integer(validate=ma.validate.Range(min=0, max=30),
                                        metadata={"description": "Children are covered until this age (default 26)"})
    employment_types = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=20)), allow_none=True,
                                      metadata={"description": "Eligible employment types; empty means all"})
    min_hours = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=0, max=168))
    waiting_days = ma.fields.Integer(validate=ma.validate.Range(min=0, max=365),
                                     metadata={"description": "Days after the hire date before coverage may start"})
    status = ma.fields.String(dump_only=True, metadata={"enum": ["active", "archived"], "description":
                              "Archived plans are offered in no new window; coverage already chosen stays"})
    archived_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.DateTime(dump_only=True)

    @ma.pre_load
    def _carrier_object(self, data, **kw):
        """Accept the carrier as an object too: {"name", "id", "group_number"}."""
        carrier = data.get("carrier") if isinstance(data, dict) else None
        if isinstance(carrier, dict):
            data = {**data, "carrier": carrier.get("name")}
            for key, field in (("id", "carrier_id"), ("group_number", "group_number")):
                if carrier.get(key) is not None:
                    data.setdefault(field, str(carrier[key]))
        return data

    @ma.validates("tiers")
    def _one_per_tier(self, tiers, **kw):
        _unique([t.get("tier") for t in tiers])

    @ma.validates_schema(skip_on_field_errors=False)
    def _plan_year(self, data, **kw):
        starts, ends = data.get("plan_year_starts_on"), data.get("plan_year_ends_on")
        if starts and ends and ends < starts:
            raise ma.ValidationError("Must not be before plan_year_starts_on.", "plan_year_ends_on")


class PlanPatchSchema(PlanSchema):
    """PATCH /plans/<id>: load with partial=True, so only the fields sent change.
    `tiers`, when sent, is the whole new price list; `kind` cannot change."""


class PlanQuerySchema(Schema):
    status = ma.fields.String(load_default="active", validate=ma.validate.OneOf(("active", "archived", "all")),
                              metadata={"description": "active (default), archived or all"})


class WindowSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = text(200, required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(WINDOW_KINDS))
    starts_on = ma.fields.Date(required=True, validate=_plausible)
    ends_on = ma.fields.Date(required=True, validate=_plausible)
    coverage_starts_on = ma.fields.Date(required=True, validate=_plausible)
    plan_ids = ma.fields.List(ma.fields.UUID(), required=True, validate=[ma.validate.Length(min=1, max=100), _unique])
    employee_id = ma.fields.UUID(allow_none=True, metadata={"description": "For a new-hire or life-event window: whose"})
    status = ma.fields.Function(lambda w: w.status_on(services.tenant_today()), dump_only=True, metadata={
        "enum": ["upcoming", "open", "closed"], "description": "Today, on the tenant's calendar; closed includes "
                                                               "closed early"})
    closed_at = ma.fields.DateTime(dump_only=True, allow_none=True,
                                   metadata={"description": "When HR closed the window before ends_on"})
    created_at = ma.fields.DateTime(dump_only=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _dates(self, data, **kw):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ma.ValidationError("Must be on or after starts_on.", "ends_on")


class WindowPatchSchema(WindowSchema):
    """PATCH /windows/<id>: load with partial=True. Name, dates, coverage start
    and plan set may change; kind and employee may not."""


class DependentSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    employee_id = ma.fields.UUID(dump_only=True)
    first_name = text(100, required=True)
    last_name = text(100, required=True)
    relationship = ma.fields.String(required=True, validate=ma.validate.OneOf(RELATIONSHIPS))
    date_of_birth = ma.fields.Date(required=True, load_only=True, validate=[_plausible, _not_future],
                                   metadata={"description": "Write-only; stored encrypted. Reads show birth_year."})
    national_id = ma.fields.String(load_only=True, allow_none=True, validate=ma.validate.Length(min=4, max=64),
                                   metadata={"description": "Write-only; stored encrypted."})
    national_id_last4 = ma.fields.String(dump_only=True, allow_none=True)
    birth_year = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class ElectionSchema(Schema):
    plan_id = ma.fields.UUID(required=True)
    tier = ma.fields.String(validate=ma.validate.OneOf(TIERS))
    dependent_ids = ma.fields.List(ma.fields.UUID(), load_default=list, validate=[ma.validate.Length(max=30), _unique])
    waive = ma.fields.Boolean(load_default=False)
    waive_reason = text(500, allow_none=True)

    @ma.validates_schema
    def _tier_or_waiver(self, data, **kw):
        if data.get("waive"):
            if data.get("dependent_ids"):
                raise ma.ValidationError("A waived plan covers nobody: leave dependent_ids empty.", "dependent_ids")
        elif not data.get("tier"):
            raise ma.ValidationError("Choose a coverage tier, or set waive to true.", "tier")


class EnrollmentInSchema(Schema):
    window_id = ma.fields.UUID(required=True)
    employee_id = ma.fields.UUID(required=True)
    elections = ma.fields.List(ma.fields.Nested(ElectionSchema), required=True,
                               validate=ma.validate.Length(min=1, max=50))

    @ma.validates("elections")
    def _one_per_plan(self, elections, **kw):
        if len({e.get("plan_id") for e in elections}) != len(elections):
            raise ma.ValidationError("Each plan may be elected only once.")


class ElectionOutSchema(Schema):
    plan_id = ma.fields.UUID()
    plan_name = ma.fields.Function(lambda e: e.plan.name)
    kind = ma.fields.Function(lambda e: e.plan.kind)
    tier = ma.fields.String(allow_none=True)
    waive = ma.fields.Boolean(attribute="waived")
    waive_reason = ma.fields.String(allow_none=True)
    dependent_ids = ma.fields.List(ma.fields.String())
    employee_cost = money()
    employer_cost = money()
    employee_cost_per_year = money()
    employer_cost_per_year = money()
    coverage_ends_on = ma.fields.Date(allow_none=True, metadata={
        "description": "Set when this plan ends early (eligibility lost); the enrolment's own date covers the rest"})


class EnrollmentSchema(Schema):
    id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    window_id = ma.fields.UUID()
    status = ma.fields.String()
    elections = ma.fields.List(ma.fields.Nested(ElectionOutSchema))
    currency = ma.fields.String()
    period = ma.fields.Constant("paycheck", metadata={"description": "The totals are per paycheck"})
    pay_periods = ma.fields.Integer(metadata={"description": "Paychecks per year"})
    employee_cost_total = ma.fields.Function(lambda e: str(e.total("employee_cost")))
    employer_cost_total = ma.fields.Function(lambda e: str(e.total("employer_cost")))
    employee_cost_per_year = ma.fields.Function(lambda e: str(e.total("employee_cost_per_year")))
    employer_cost_per_year = ma.fields.Function(lambda e: str(e.total("employer_cost_per_year")))
    coverage_starts_on = ma.fields.Function(lambda e: e.window.coverage_starts_on.isoformat())
    coverage_ends_on = ma.fields.Date(allow_none=True)
    replaces_id = ma.fields.UUID(allow_none=True)
    submitted_by = ma.fields.UUID(allow_none=True)
    created_at = ma.fields.DateTime()


class EnrollmentQuerySchema(Schema):
    window_id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(("submitted", "replaced", "terminated")))


class CoverageItemSchema(ElectionOutSchema):
    enrollment_id = ma.fields.UUID()
    window_id = ma.fields.Function(lambda e: str(e.window_id))
    coverage_starts_on = ma.fields.Date()
    in_force = ma.fields.Boolean()


class CoverageSchema(Schema):
    employee_id = ma.fields.UUID()
    currency = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(CoverageItemSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    employee_cost_total = ma.fields.String()
    employer_cost_total = ma.fields.String()


class ExportQuerySchema(Schema):
    window_id = ma.fields.UUID(required=True)
    carrier = ma.fields.String(validate=ma.validate.Length(max=200),
                               metadata={"description": "Only this carrier's plans (default: one transaction per carrier)"})
    kind = ma.fields.String(load_default="full", validate=ma.validate.OneOf(("full", "change")),
                            metadata={"description": "full: everyone covered; change: adds, changes and "
                                                     "terminations since the previous export"})


class WindowQuerySchema(Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(WINDOW_KINDS))


class EnrollmentProgressSchema(Schema):
    window_id = ma.fields.UUID()
    eligible = ma.fields.Integer()
    enrolled = ma.fields.Integer()
    waived = ma.fields.Integer()
    not_started = ma.fields.Integer()


class LifeEventInSchema(Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(LIFE_EVENT_KINDS))
    event_date = ma.fields.Date(required=True, validate=_plausible)
    employee_id = ma.fields.UUID(metadata={"description": "HR admins report for an employee; employees for themselves"})
    note = text(1000, allow_none=True)
    evidence = ma.fields.Raw(load_only=True, metadata={"type": "string", "format": "binary",
                                                       "description": "PDF, PNG or JPEG, judged by content"})


class LifeEventSchema(Schema):
    id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    kind = ma.fields.String()
    event_date = ma.fields.Date()
    status = ma.fields.String(metadata={"enum": list(LIFE_EVENT_STATUSES)})
    note = ma.fields.String(allow_none=True)
    evidence_file_id = ma.fields.UUID(allow_none=True)
    window_id = ma.fields.UUID(allow_none=True)
    created_at = ma.fields.DateTime()


class EligibilityChangeSchema(Schema):
    id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    employee_name = ma.fields.Function(lambda c: c.employee.full_name)
    plan_id = ma.fields.UUID()
    plan_name = ma.fields.Function(lambda c: c.plan.name)
    change = ma.fields.String(metadata={"enum": list(ELIGIBILITY_CHANGES)})
    reason = ma.fields.String()
    fields = ma.fields.List(ma.fields.String(), metadata={"description": "Employee fields whose change caused it"})
    effective_on = ma.fields.Date(metadata={"description": "gained: coverage could start; lost: last day covered"})
    window_id = ma.fields.UUID(allow_none=True, metadata={"description": "gained: the window offering the plan"})
    reviewed_at = ma.fields.DateTime(allow_none=True)
    reviewed_by = ma.fields.UUID(allow_none=True)
    created_at = ma.fields.DateTime()


class EligibilityChangeQuerySchema(Schema):
    change = ma.fields.String(validate=ma.validate.OneOf(ELIGIBILITY_CHANGES))
    reviewed = ma.fields.Boolean()
    employee_id = ma.fields.UUID()


class LifeEventDecisionSchema(Schema):
    note = text(1000, allow_none=True)


class BenefitsSettingsSchema(Schema):
    """Per-tenant benefits settings (defaults are the load defaults)."""

    pay_frequency = ma.fields.String(load_default="monthly", validate=ma.validate.OneOf(tuple(PAY_PERIODS)))
    new_hire_window_days = ma.fields.Integer(load_default=30, validate=ma.validate.Range(min=1, max=365))
    reminder_days_before_end = ma.fields.Integer(load_default=7, validate=ma.validate.Range(min=0, max=90))


class BenefitsSettingsPatchSchema(BenefitsSettingsSchema):
    """PATCH /settings: load with partial=True, so only the fields sent change."""


class StoredSettingsSchema(BenefitsSettingsSchema):
    """All the module keeps per tenant: the settings above plus the payroll
    ones, which only PUT /payroll-settings (PayrollSettingsSchema) sets."""

    first_pay_date = ma.fields.Date(load_default=None, allow_none=True)
    deduction_codes = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), load_default=dict)


class PayrollSettingsSchema(Schema):
    """The pay schedule the deduction feed follows, and each plan's code in the payroll system."""

    pay_frequency = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(PAY_PERIODS)))
    first_pay_date = ma.fields.Date(required=True, allow_none=True, metadata={
        "description": "The schedule's first pay date; it runs forward from here. Null (never set): a monthly "
                       "schedule pays on the last day of each month."})
    deduction_codes = ma.fields.Dict(keys=ma.fields.UUID(), values=text(40), load_default=dict,
                                     metadata={"description": "plan id → the deduction code payroll knows it by"})


class DeductionQuerySchema(Schema):
    pay_date = ma.fields.Date(required=True, metadata={"description": "A pay date of the schedule, else 422"})
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv")))


class DeductionSchema(Schema):
    employee_id = ma.fields.UUID()
    first_name = ma.fields.String()
    last_name = ma.fields.String()
    plan_id = ma.fields.UUID()
    plan_name = ma.fields.String()
    deduction_code = ma.fields.String(allow_none=True)
    tier = ma.fields.String()
    employee_amount = ma.fields.String(metadata={"description": "Per paycheck, a decimal in the currency's minor unit"})
    employer_amount = ma.fields.String()
    change = ma.fields.String(metadata={"enum": ["new", "changed", "unchanged", "stopped"]})


class DeductionTotalsSchema(Schema):
    employee_amount = ma.fields.String()
    employer_amount = ma.fields.String()


class DeductionFeedSchema(Schema):
    pay_date = ma.fields.Date()
    previous_pay_date = ma.fields.Date(allow_none=True)
    pay_frequency = ma.fields.String()
    currency = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(DeductionSchema))
    totals = ma.fields.Nested(DeductionTotalsSchema)
