from datetime import date

import marshmallow as ma

from hrbpo.core.api.schemas import Schema, text
from hrbpo.core.auth.models import ROLES
from hrbpo.core.i18n import N_
from hrbpo.core.people.models import EMPLOYMENT_TYPES, STATUSES


def _not_future(value):
    if value > date.today():
        raise ma.ValidationError(N_("Must not be in the future."))


def _plausible(value):
    if value.year < 1900 or value.year > 2200:
        raise ma.ValidationError(N_("Must be a real date (year 1900–2200)."))


class EmployeeSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    first_name = text(100, required=True)
    last_name = text(100, required=True)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    hire_date = ma.fields.Date(required=True, validate=_plausible)
    date_of_birth = ma.fields.Date(allow_none=True, validate=[_not_future, _plausible])
    national_id = ma.fields.String(
        load_only=True, allow_none=True, validate=ma.validate.Length(min=4, max=64),
        metadata={"description": "Write-only; stored encrypted. Reads show national_id_last4."},
    )
    national_id_last4 = ma.fields.String(dump_only=True, allow_none=True)
    employment_type = ma.fields.String(validate=ma.validate.OneOf(EMPLOYMENT_TYPES))
    hours_per_week = ma.fields.Integer(validate=ma.validate.Range(min=0, max=168))
    department = text(100, allow_none=True)
    location = text(100, allow_none=True, metadata={"description": "Where the person works (office or site)"})
    employee_number = text(100, allow_none=True)
    manager_id = ma.fields.UUID(allow_none=True, metadata={"description": "Another employee of this tenant"})
    job_title = text(100, allow_none=True)
    phone = text(40, allow_none=True)
    status = ma.fields.String(dump_only=True)
    termination_date = ma.fields.Date(dump_only=True, allow_none=True)
    created_at = ma.fields.DateTime(dump_only=True)


class EmployeeUpdateSchema(EmployeeSchema):
    """PATCH: every field optional; setting termination_date terminates."""

    first_name = text(100)
    last_name = text(100)
    email = ma.fields.Email(validate=ma.validate.Length(max=254))
    hire_date = ma.fields.Date(validate=_plausible)
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    termination_date = ma.fields.Date(allow_none=True, validate=_plausible)


class EmployeeQuerySchema(Schema):
    q = ma.fields.String(metadata={"description": "Search in name and email"})
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    department = ma.fields.String(validate=ma.validate.Length(max=100))
    location = ma.fields.String(validate=ma.validate.Length(max=100), metadata={"description": "Only this location"})


class ImportResultSchema(Schema):
    imported = ma.fields.Integer()


class ImportFileSchema(Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class TenantUserSchema(Schema):
    id = ma.fields.UUID(dump_only=True, metadata={"description": "The user's id"})
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(load_only=True, validate=ma.validate.Length(max=1024), metadata={
        "description": "For a new account: at least 12 characters, not the email, not a common password"})
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    employee_id = ma.fields.UUID(allow_none=True)
    tenant = ma.fields.String(dump_only=True)
    active = ma.fields.Boolean(dump_only=True, metadata={"description": "False once deactivated in this tenant"})


class RoleUpdateSchema(Schema):
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    employee_id = ma.fields.UUID(allow_none=True)
