"""Request and response shapes of the compliance API."""
import marshmallow as ma
from marshmallow import fields, validate
from webargs.fields import DelimitedList

from hrbpo.plugin_api import Schema, text
from hrbpo.plugins.compliance.models import ASSIGN_ON, OWNERS

FILTERS = ("department", "location", "employment_type", "hired_from", "hired_to")
from hrbpo.plugins.compliance.recurrence import validate as rrule_error


def _rrule(value):
    error = rrule_error(value)
    if error:
        raise ma.ValidationError(error)


class TemplateItemSchema(Schema):
    title = text(200, required=True)
    due_days = fields.Integer(required=True, validate=validate.Range(min=0, max=3650),
                              metadata={"description": "Due this many days after assignment (tenant's calendar)"})
    requires_evidence = fields.Boolean(load_default=False)
    requires_attestation = fields.Boolean(load_default=False)
    instructions = fields.String(validate=validate.Length(max=5000), allow_none=True, load_default=None)
    owner = fields.String(load_default="employee", validate=validate.OneOf(OWNERS),
                          metadata={"description": "Who does the item: the employee, their HR admin or the BPO operator"})
    attestation_text = fields.String(validate=validate.Length(max=5000), allow_none=True, load_default=None,
                                     metadata={"description": "The exact statement attested (default: the title)"})


class TemplateSchema(Schema):
    id = fields.String(dump_only=True)
    name = text(200, required=True)
    items = fields.List(fields.Nested(TemplateItemSchema), required=True,
                        validate=validate.Length(min=1, max=100))
    recurrence = fields.String(allow_none=True, load_default=None, validate=[validate.Length(max=500), _rrule],
                               metadata={"description": "RFC 5545 RRULE, e.g. FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15; "
                                                        "evaluated in the tenant's time zone; at most daily"})
    assign_on = fields.String(load_default="manual", validate=validate.OneOf(ASSIGN_ON))
    version = fields.Integer(dump_only=True)
    master_id = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class TemplatePatchSchema(Schema):
    """PATCH: only the fields sent change (no defaults filled in)."""

    name = text(200)
    items = fields.List(fields.Nested(TemplateItemSchema), validate=validate.Length(min=1, max=100))
    recurrence = fields.String(allow_none=True, validate=[validate.Length(max=500), _rrule])
    assign_on = fields.String(validate=validate.OneOf(ASSIGN_ON))


class TemplateVersionSchema(Schema):
    number = fields.Integer()
    name = fields.String()
    items = fields.List(fields.Nested(TemplateItemSchema))
    recurrence = fields.String(allow_none=True)
    assign_on = fields.String()
    created_at = fields.DateTime()


class AssignmentSchema(Schema):
    """Who: `employee_ids`, or `all: true`, or filters (every active employee matching all given)."""

    template_id = fields.UUID(required=True)
    employee_ids = fields.List(fields.UUID(), validate=validate.Length(min=1, max=1000),
                               metadata={"description": "These employees (one audience option of three)"})
    all = fields.Boolean(metadata={"description": "true: every active employee"})
    department = text(100, metadata={"description": "Filter: active employees of this department"})
    location = text(100, metadata={"description": "Filter: active employees at this location"})
    employment_type = text(20, metadata={"description": "Filter: of this employment type"})
    hired_from = fields.Date(metadata={"description": "Filter: hired on or after this day"})
    hired_to = fields.Date(metadata={"description": "Filter: hired on or before this day"})

    @ma.validates_schema
    def _one_audience(self, data, **kwargs):
        chosen = [name for name, given in (("employee_ids", "employee_ids" in data), ("all", data.get("all") is True),
                                           ("filters", any(k in data for k in FILTERS))) if given]
        if len(chosen) != 1:
            raise ma.ValidationError("Give exactly one of employee_ids, all: true, or filters "
                                     f"({', '.join(FILTERS)}).", "audience")


class AttestationSchema(Schema):
    statement = fields.String()
    user_email = fields.String()
    signed_at = fields.DateTime()
    client_address = fields.String()


class ItemSchema(Schema):
    id = fields.String()
    title = fields.String()
    instructions = fields.String(allow_none=True)
    owner = fields.String()
    due_on = fields.Date()
    status = fields.String(metadata={"description": "open | done | overdue | waived"})
    requires_evidence = fields.Boolean()
    requires_attestation = fields.Boolean()
    attestation_text = fields.String(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    evidence_file_id = fields.String(allow_none=True)
    review = fields.String(allow_none=True, metadata={"description": "pending | approved | returned (HR review)"})
    review_comment = fields.String(allow_none=True)
    waive_reason = fields.String(allow_none=True)
    attestations = fields.List(fields.Nested(AttestationSchema))




class ChecklistSummarySchema(Schema):
    id = fields.String()
    name = fields.String()
    template_id = fields.String()
    template_version = fields.Integer()
    employee_id = fields.String()
    employee_name = fields.String()
    reason = fields.String(metadata={"description": "manual | hire | termination | recurrence"})
    status = fields.String(metadata={"description": "open | done | overdue"})
    assigned_on = fields.Date()
    due_on = fields.Date(allow_none=True, metadata={"description": "Latest due date of its items"})
    completed_at = fields.DateTime(allow_none=True)
    progress = fields.Integer(metadata={"description": "Percent of items resolved (done or waived), 0-100"})
    done = fields.Integer()
    waived = fields.Integer()
    total = fields.Integer()


class ChecklistSchema(ChecklistSummarySchema):
    items = fields.List(fields.Nested(ItemSchema))


class AssignmentResultSchema(Schema):
    items = fields.List(fields.Nested(ChecklistSchema), metadata={"description": "The new checklists"})


class ChecklistQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(("open", "done", "overdue")))
    employee_id = fields.UUID()
    template_id = fields.UUID()


class CompleteSchema(Schema):
    attestation = fields.Boolean(load_default=False,
                                 metadata={"description": "true: the caller attests the item's statement"})
    evidence_file_id = fields.UUID(allow_none=True, load_default=None,
                                   metadata={"description": "An id from POST /files"})


class CommentSchema(Schema):
    comment = text(2000, required=True)


class ReasonSchema(Schema):
    reason = text(2000, required=True)


class UploadSchema(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})


class FileSchema(Schema):
    id = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class ReportQuerySchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("csv", "json")))
    template_id = fields.UUID()
    employee_id = fields.UUID()
    assigned_from = fields.Date(data_key="from", metadata={"description": "Checklists assigned on or after"})
    assigned_to = fields.Date(data_key="to", metadata={"description": "Checklists assigned on or before"})


class ReportRowSchema(Schema):
    template_id = fields.String()
    template_name = fields.String()
    employee_id = fields.String()
    employee_name = fields.String()
    checklists = fields.Integer()
    checklists_completed = fields.Integer()
    items_total = fields.Integer()
    items_done = fields.Integer()
    items_waived = fields.Integer()
    items_overdue = fields.Integer()
    progress = fields.Integer(metadata={"description": "Percent of items resolved, 0-100"})


class ReportSchema(Schema):
    items = fields.List(fields.Nested(ReportRowSchema))
    generated_at = fields.DateTime()


class FeedRequestSchema(Schema):
    employee_id = fields.UUID(metadata={"description": "HR only: whose feed (default: the caller's own)"})


class FeedSchema(Schema):
    url = fields.String(metadata={"description": "Private iCalendar URL; anyone holding it can read the due dates"})


class AuditPackQuerySchema(Schema):
    checklist_ids = DelimitedList(fields.UUID(), required=True, validate=validate.Length(min=1, max=500))


class MasterTemplateSchema(TemplateSchema):
    pass


class PushSchema(Schema):
    tenants = fields.List(fields.String(), required=True, validate=validate.Length(min=1),
                          metadata={"description": "Tenant slugs"})


class PushResultSchema(Schema):
    created = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "tenant slug → id of the new tenant template"})
    skipped = fields.List(fields.String(), metadata={"description": "Tenants that already hold a copy"})
