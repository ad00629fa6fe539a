"""Request and response shapes of the servicedesk API (shared/api/servicedesk.md)."""
from decimal import Decimal

import marshmallow as ma

from hrbpo.plugin_api import Schema, text
from hrbpo.plugins.servicedesk.models import LOCALES, PRIORITIES

STATUS_CHANGES = ("open", "pending", "resolved", "closed")


class Hours(ma.fields.Field):
    """Business hours: a JSON number > 0 and ≤ 8760 with at most two decimals, answered as a number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ma.ValidationError("Must be a number of hours.")
        hours = Decimal(str(value))
        if not 0 < hours <= 8760:
            raise ma.ValidationError("Must be more than 0 and at most 8760 hours.")
        if hours != hours.quantize(Decimal("0.01")):
            raise ma.ValidationError("At most two decimals (0.25 is 15 minutes).")
        return hours

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else float(value)


def _resolution_not_sooner(data, first="first_response_hours", resolution="resolution_hours"):
    if data.get(first) is not None and data.get(resolution) is not None and data[resolution] < data[first]:
        raise ma.ValidationError("Must not be less than first_response_hours.", resolution)


class TargetSchema(Schema):
    first_response_hours = Hours(required=True)
    resolution_hours = Hours(required=True)

    @ma.validates_schema
    def _order(self, data, **kw):
        _resolution_not_sooner(data)


class CategorySchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = text(100, required=True)
    first_response_hours = Hours(required=True)
    resolution_hours = Hours(required=True)
    targets_by_priority = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.OneOf(PRIORITIES)),
                                         values=ma.fields.Nested(TargetSchema), load_default=dict)
    active = ma.fields.Boolean(load_default=True)

    @ma.validates_schema
    def _order(self, data, **kw):
        _resolution_not_sooner(data)


class CategoryPatchSchema(CategorySchema):
    """PATCH: load with partial=True; new targets apply to cases opened afterwards."""


class Ref(Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()


class Person(Schema):
    id = ma.fields.UUID(allow_none=True)
    name = ma.fields.String()
    email = ma.fields.String(allow_none=True)


class Requester(Schema):
    employee_id = ma.fields.UUID(allow_none=True)
    user_id = ma.fields.UUID(allow_none=True)
    name = ma.fields.String()
    email = ma.fields.String(allow_none=True)


class AttachmentSchema(Schema):
    id = ma.fields.UUID()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()


class Satisfaction(Schema):
    rating = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=5))
    comment = text(2000, allow_none=True)


class CaseInSchema(Schema):
    subject = text(200, required=True)
    description = text(20_000, required=True)
    category_id = ma.fields.UUID(required=True)
    employee_id = ma.fields.UUID(allow_none=True)
    priority = ma.fields.String(load_default="normal", validate=ma.validate.OneOf(PRIORITIES))
    attachment_ids = ma.fields.List(ma.fields.UUID(), load_default=list, validate=ma.validate.Length(max=20))
    opened_at = ma.fields.AwareDateTime(allow_none=True, metadata={
        "description": "Operators only, for migrating an old system's cases: the case counts as opened then"})


class CaseSchema(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String()
    subject = ma.fields.String()
    description = ma.fields.String()
    status = ma.fields.String()
    priority = ma.fields.String()
    category = ma.fields.Nested(Ref)
    requester = ma.fields.Nested(Requester)
    assignee_id = ma.fields.UUID(allow_none=True)
    opened_at = ma.fields.DateTime()
    created_at = ma.fields.DateTime()
    first_response_due_at = ma.fields.DateTime()
    first_responded_at = ma.fields.DateTime(allow_none=True)
    first_response_breached = ma.fields.Boolean()
    resolution_due_at = ma.fields.DateTime()
    resolved_at = ma.fields.DateTime(allow_none=True)
    resolution_breached = ma.fields.Boolean()
    sla_paused = ma.fields.Boolean()
    satisfaction = ma.fields.Nested(Satisfaction, allow_none=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))


class QueueCaseSchema(CaseSchema):
    tenant = ma.fields.String()
    next_due_at = ma.fields.DateTime()


class ArticleRef(Schema):
    id = ma.fields.UUID()
    title = ma.fields.String()


class OpenedCaseSchema(CaseSchema):
    suggested_articles = ma.fields.List(ma.fields.Nested(ArticleRef))


class EntrySchema(Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"enum": ["comment", "status"]})
    at = ma.fields.DateTime()
    author = ma.fields.Nested(Person)
    body = ma.fields.String()
    internal = ma.fields.Boolean()
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    from_ = ma.fields.String(data_key="from")
    to = ma.fields.String()


class CaseWithThreadSchema(CaseSchema):
    thread = ma.fields.List(ma.fields.Nested(EntrySchema))


class CaseQuerySchema(Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(("new", "open", "pending", "resolved", "closed")))
    assignee_id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    category_id = ma.fields.UUID()
    priority = ma.fields.String(validate=ma.validate.OneOf(PRIORITIES))
    breached = ma.fields.Boolean()
    q = text(200)


class QueueQuerySchema(Schema):
    breached = ma.fields.Boolean()
    assignee = ma.fields.String(metadata={"description": "me, none or a user id"})
    due_before = ma.fields.AwareDateTime()
    status = ma.fields.String(validate=ma.validate.OneOf(("new", "open", "pending")))


class CommentInSchema(Schema):
    body = text(20_000, required=True)
    internal = ma.fields.Boolean(load_default=False)
    attachment_ids = ma.fields.List(ma.fields.UUID(), load_default=list, validate=ma.validate.Length(max=20))
    at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Operators only, for replaying history"})


class AssignSchema(Schema):
    assignee_id = ma.fields.UUID(required=True, allow_none=True)


class StatusInSchema(Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(STATUS_CHANGES))
    at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Operators only, for replaying history"})


class ArticleSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    title = text(200, required=True)
    body = text(50_000, required=True)
    locale = ma.fields.String(required=True, validate=ma.validate.OneOf(LOCALES))
    published = ma.fields.Boolean(load_default=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class ArticlePatchSchema(ArticleSchema):
    """PATCH /articles/<id>: load with partial=True."""


class ArticleQuerySchema(Schema):
    q = text(200)
    locale = ma.fields.String(validate=ma.validate.OneOf(LOCALES))


class HolidaysQuerySchema(Schema):
    year = ma.fields.Integer(strict=False, validate=ma.validate.Range(min=1900, max=2199))


class ReportQuerySchema(Schema):
    from_ = ma.fields.Date(required=True, data_key="from")
    to = ma.fields.Date(required=True)
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv")))

    @ma.validates_schema
    def _order(self, data, **kw):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ma.ValidationError("Must be on or after from.", "to")


class CalendarSchema(Schema):
    timezone = ma.fields.String(metadata={"description": "The tenant's time zone (read-only here)"})
    business_hours = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.List(ma.fields.String())),
                                    metadata={"description": "mon…sun, each a list of [\"HH:MM\", \"HH:MM\"] spans"})
    holidays_country = ma.fields.String(allow_none=True)
    holidays_subdivision = ma.fields.String(allow_none=True)
    holidays = ma.fields.List(ma.fields.String())


class HolidaySchema(Schema):
    date = ma.fields.String()
    name = ma.fields.String()
    source = ma.fields.String(metadata={"enum": ["country", "tenant"]})


class HolidayListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(HolidaySchema))


class CaseReportRowSchema(Schema):
    category_id = ma.fields.UUID(allow_none=True)
    category = ma.fields.String(allow_none=True)
    opened = ma.fields.Integer()
    resolved = ma.fields.Integer()
    median_first_response_hours = ma.fields.Float(allow_none=True)
    sla_attainment_pct = ma.fields.Float(allow_none=True)
    csat_average = ma.fields.Float(allow_none=True)
    csat_responses = ma.fields.Integer()


class CaseReportSchema(Schema):
    from_ = ma.fields.Date(data_key="from", attribute="from")
    to = ma.fields.Date()
    categories = ma.fields.List(ma.fields.Nested(CaseReportRowSchema))
    total = ma.fields.Nested(CaseReportRowSchema)
