import marshmallow as ma

from hrbpo.plugin_api import Schema, text
from hrbpo_timeoff.models import STATUSES


def _plausible(value):
    if not 2000 <= value.year <= 2200:
        raise ma.ValidationError("Must be a real date (year 2000–2200).")


class RequestSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    employee_id = ma.fields.UUID(metadata={"description": "Defaults to the caller's own employee record"})
    employee_name = ma.fields.String(dump_only=True)
    starts_on = ma.fields.Date(required=True, validate=_plausible)
    ends_on = ma.fields.Date(required=True, validate=_plausible)
    days = ma.fields.Integer(dump_only=True)
    reason = text(500, allow_none=True)
    status = ma.fields.String(dump_only=True, metadata={"description": " | ".join(STATUSES)})
    decision_note = ma.fields.String(dump_only=True, allow_none=True)
    decided_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _in_order(self, data, **kwargs):
        if "starts_on" in data and "ends_on" in data and data["ends_on"] < data["starts_on"]:
            raise ma.ValidationError("Must not be before starts_on.", "ends_on")


class RequestQuerySchema(Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    employee_id = ma.fields.UUID()


class DecisionSchema(Schema):
    note = text(500, allow_none=True)
