from datetime import timezone

import marshmallow as ma

from hrbpo.plugin_api import EMPLOYMENT_TYPES, N_, Schema, money, text
from hrbpo.plugins.recruitment.models import JOB_STATUSES, RECOMMENDATIONS, SOURCES, STAGE_KINDS


def _plausible(value):
    if not 1900 <= value.year <= 2200:
        raise ma.ValidationError(N_("Must be a real date (year 1900–2200)."))


def _currency(**kw):
    return ma.fields.String(validate=ma.validate.Regexp(r"^[A-Z]{3}$", error=N_("Use a three-letter ISO 4217 code.")), **kw)


class StageSchema(Schema):
    id = ma.fields.UUID(allow_none=True, metadata={"description": "Omit to add a new stage"})
    name = text(80, required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(STAGE_KINDS))


class RejectionReasonSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    label = text(120, required=True)


class RecruitmentSettingsSchema(Schema):
    """Per-tenant recruitment settings."""

    retention_days = ma.fields.Integer(load_default=180, validate=ma.validate.Range(min=1, max=3650),
                                       metadata={"description": "Anonymise non-hired candidates after this many "
                                                                "days since their last application"})
    consent_version = ma.fields.String(load_default="2025-01", validate=ma.validate.Length(min=1, max=40),
                                       metadata={"description": "Version of the privacy text candidates accept"})


class JobSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    title = text(200, required=True)
    description = text(20_000, required=True)
    department = text(100, allow_none=True)
    location = text(200, allow_none=True)
    country = ma.fields.String(allow_none=True, validate=ma.validate.Regexp(r"^[A-Z]{2}$",
                                                                            error=N_("Use an ISO 3166 alpha-2 code.")))
    remote = ma.fields.Boolean()
    employment_type = ma.fields.String(validate=ma.validate.OneOf(EMPLOYMENT_TYPES))
    openings = ma.fields.Integer(validate=ma.validate.Range(min=1, max=10_000))
    hiring_manager_id = ma.fields.UUID(allow_none=True, metadata={"description": "An employee id"})
    salary_min = money(allow_none=True)
    salary_max = money(allow_none=True)
    currency = _currency(allow_none=True)
    valid_through = ma.fields.Date(allow_none=True, validate=_plausible)
    status = ma.fields.String(dump_only=True, metadata={"enum": list(JOB_STATUSES)})
    published_at = ma.fields.DateTime(dump_only=True)
    closed_at = ma.fields.DateTime(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class JobUpdateSchema(JobSchema):
    title = text(200)
    description = text(20_000)


class JobQuerySchema(Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(JOB_STATUSES))


class CandidateSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    first_name = text(100, required=True)
    last_name = text(100, required=True)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    phone = text(40, allow_none=True)
    resume_file_id = ma.fields.UUID(dump_only=True)
    consent_at = ma.fields.DateTime(dump_only=True)
    consent_version = ma.fields.String(dump_only=True)
    anonymised_at = ma.fields.DateTime(dump_only=True)


class StageOutSchema(Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    kind = ma.fields.String()


class StageChangeSchema(Schema):
    id = ma.fields.UUID()
    from_stage_id = ma.fields.UUID(allow_none=True)
    from_stage = ma.fields.String(allow_none=True)
    to_stage_id = ma.fields.UUID()
    to_stage = ma.fields.String()
    by_id = ma.fields.UUID(attribute="actor_id", allow_none=True)
    by = ma.fields.String(attribute="actor_email", allow_none=True, metadata={"description": "Email of who moved it"})
    at = ma.fields.DateTime()
    note = ma.fields.String(allow_none=True)
    # Short aliases: who/when/from/to at a glance.
    from_ = ma.fields.Function(lambda c: c.from_stage_id and str(c.from_stage_id), data_key="from", allow_none=True,
                               metadata={"type": "string", "format": "uuid", "nullable": True,
                                         "description": "Stage id moved from (null for the first entry)"})
    to = ma.fields.Function(lambda c: str(c.to_stage_id),
                            metadata={"type": "string", "format": "uuid", "description": "Stage id moved to"})


class ApplicationSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    job_id = ma.fields.UUID(required=True)
    candidate = ma.fields.Nested(CandidateSchema, required=True)
    consent = ma.fields.Boolean(required=True, load_only=True,
                                metadata={"description": "Must be true: the candidate agreed to data processing"})
    source = ma.fields.String(load_default="manual", validate=ma.validate.OneOf(SOURCES))
    candidate_id = ma.fields.UUID(dump_only=True)
    job_title = ma.fields.String(dump_only=True, attribute="job.title")
    stage_id = ma.fields.UUID(dump_only=True)
    stage = ma.fields.Nested(StageOutSchema, dump_only=True)
    status = ma.fields.String(dump_only=True, metadata={"enum": ["active", "hired", "rejected"]})
    rejection_reason = ma.fields.String(dump_only=True, allow_none=True)
    employee_id = ma.fields.UUID(dump_only=True, allow_none=True)
    stage_entered_at = ma.fields.DateTime(dump_only=True)
    days_in_stage = ma.fields.Integer(dump_only=True)
    hired_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.DateTime(dump_only=True)


class OfferSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    application_id = ma.fields.UUID(dump_only=True)
    salary = money(required=True)
    currency = _currency()
    start_date = ma.fields.Date(allow_none=True, validate=_plausible)
    terms = text(5000, allow_none=True)
    status = ma.fields.String(dump_only=True)
    sent_at = ma.fields.DateTime(dump_only=True)
    decided_at = ma.fields.DateTime(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class InterviewSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    application_id = ma.fields.UUID(dump_only=True)
    scheduled_at = ma.fields.AwareDateTime(required=True, default_timezone=timezone.utc, validate=_plausible)
    duration_minutes = ma.fields.Integer(load_default=60, validate=ma.validate.Range(min=5, max=600))
    location = text(200, allow_none=True)
    interviewer_ids = ma.fields.List(ma.fields.UUID(), required=True,
                                     validate=ma.validate.Length(min=1, max=20),
                                     metadata={"description": "User ids of this tenant's logins"})
    created_at = ma.fields.DateTime(dump_only=True)


class ApplicationDetailSchema(ApplicationSchema):
    history = ma.fields.List(ma.fields.Nested(StageChangeSchema), dump_only=True)
    interviews = ma.fields.List(ma.fields.Nested(InterviewSchema), dump_only=True)
    offers = ma.fields.List(ma.fields.Nested(OfferSchema), dump_only=True)


class ApplicationQuerySchema(Schema):
    job_id = ma.fields.UUID()
    stage_id = ma.fields.UUID()
    candidate_id = ma.fields.UUID()


class MoveSchema(Schema):
    stage_id = ma.fields.UUID(required=True)
    note = text(2000, allow_none=True)


class RejectSchema(Schema):
    reason = text(200, required=True)


class HireSchema(Schema):
    hire_date = ma.fields.Date(required=True, validate=_plausible)


def _ratings(value):
    if not value:
        raise ma.ValidationError(N_("Rate at least one criterion."))
    for criterion, rating in value.items():
        if not criterion.strip() or len(criterion) > 80:
            raise ma.ValidationError(N_("Criteria names are 1–80 characters."))
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ma.ValidationError(f"{criterion}: a rating is a whole number from 1 to 5.")


class ScorecardSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    interview_id = ma.fields.UUID(dump_only=True)
    interviewer_id = ma.fields.UUID(dump_only=True)
    ratings = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), required=True, validate=_ratings,
                             metadata={"description": "criterion → rating 1–5",
                                       "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5}})
    recommendation = ma.fields.String(required=True, validate=ma.validate.OneOf(RECOMMENDATIONS))
    notes = text(5000, allow_none=True)
    submit = ma.fields.Boolean(load_default=True, load_only=True,
                               metadata={"description": "false keeps a draft only its author sees and can edit"})
    submitted = ma.fields.Boolean(dump_only=True)
    submitted_at = ma.fields.DateTime(dump_only=True, allow_none=True)


class ResumeSchema(Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class FunnelStageSchema(Schema):
    stage_id = ma.fields.UUID()
    stage = ma.fields.String()
    kind = ma.fields.String()
    count = ma.fields.Integer()


class HiringReportQuerySchema(Schema):
    job_id = ma.fields.UUID()
