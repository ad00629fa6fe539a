import marshmallow as ma

from hrbpo.core.accounts.schemas import InvitationSchema
from hrbpo.core.api.schemas import Schema, text
from hrbpo.core.config import SUPPORTED_LOCALES
from hrbpo.core.i18n import N_
from hrbpo.core.tenants.services import SLUG, enabled_modules, valid_timezone


def _timezone(value):
    if not valid_timezone(value):
        raise ma.ValidationError(f"Unknown time zone {value!r} (use an IANA name such as Europe/Oslo).")


TIMEZONE = {"validate": _timezone, "metadata": {"description": "IANA time zone, e.g. Europe/Oslo"}}
LOCALE = {"validate": ma.validate.OneOf(SUPPORTED_LOCALES)}
CURRENCY = {"validate": ma.validate.Regexp(r"^[A-Z]{3}$", error=N_("Use a three-letter ISO 4217 code such as USD.")),
            "metadata": {"description": "ISO 4217 code"}}


class TenantSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    slug = ma.fields.String(required=True, validate=ma.validate.Regexp(
        SLUG, error=N_("Use 2–63 lowercase letters, digits or hyphens, starting with a letter or digit.")))
    name = text(200, required=True)
    timezone = ma.fields.String(load_default="UTC", **TIMEZONE)
    locale = ma.fields.String(load_default="en", **LOCALE)
    currency = ma.fields.String(load_default="USD", **CURRENCY)
    created_at = ma.fields.DateTime(dump_only=True)
    modules = ma.fields.Method("enabled", dump_only=True, metadata={"type": "array", "items": {"type": "string"}})
    admin_email = ma.fields.Email(load_only=True, validate=ma.validate.Length(max=254), metadata={
        "description": "Create the tenant with a pending hr_admin invitation mailed to this address"})

    def enabled(self, tenant):
        return sorted(enabled_modules(tenant))


class TenantCreatedSchema(TenantSchema):
    invitation = ma.fields.Nested(InvitationSchema, attribute="first_invitation", dump_only=True, metadata={
        "description": "The pending hr_admin invitation (only when `admin_email` was given)"})


class TenantUpdateSchema(Schema):
    name = text(200)
    timezone = ma.fields.String(**TIMEZONE)
    locale = ma.fields.String(**LOCALE)
    currency = ma.fields.String(**CURRENCY)


class TenantQuerySchema(Schema):
    q = ma.fields.String(metadata={"description": "Search slug and name"})


class ModuleSchema(Schema):
    name = ma.fields.String()
    title = ma.fields.String()
    version = ma.fields.String()
    description = ma.fields.String()


class ModuleStateSchema(Schema):
    name = ma.fields.String()
    enabled = ma.fields.Boolean()


class AuditEventSchema(Schema):
    id = ma.fields.UUID()
    seq = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_id = ma.fields.UUID(allow_none=True)
    actor_email = ma.fields.String(allow_none=True)
    acting_as = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String(allow_none=True)
    target_id = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict()
    request_id = ma.fields.String(allow_none=True)
    hash = ma.fields.String()

