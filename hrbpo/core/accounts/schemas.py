import marshmallow as ma

from hrbpo.core.accounts.models import STATUSES
from hrbpo.core.api.schemas import Schema
from hrbpo.core.auth.models import ROLES
from hrbpo.core.auth.schemas import TokenUserSchema

PASSWORD = {"required": True, "validate": ma.validate.Length(min=1, max=1024), "load_only": True}


class InviterSchema(Schema):
    id = ma.fields.UUID(allow_none=True)
    email = ma.fields.String(allow_none=True)


class InvitationSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254),
                            metadata={"description": "Stored lowercase"})
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    employee_id = ma.fields.UUID(allow_none=True, load_default=None)
    status = ma.fields.String(dump_only=True, metadata={"enum": list(STATUSES)})
    expires_at = ma.fields.DateTime(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    accepted_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    invited_by = ma.fields.Nested(InviterSchema, dump_only=True)


class InvitationQuerySchema(Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))


class TenantRefSchema(Schema):
    slug = ma.fields.String()
    name = ma.fields.String()


class InvitationPreviewSchema(Schema):
    email = ma.fields.String()
    role = ma.fields.String()
    tenant = ma.fields.Nested(TenantRefSchema, allow_none=True)
    existing_account = ma.fields.Boolean(metadata={
        "description": "True: accept with that account's current password (it is not changed)"})
    expires_at = ma.fields.DateTime()


class AcceptSchema(Schema):
    password = ma.fields.String(metadata={"description": "A new account's password (password policy), or an "
                                                         "existing account's current one"}, **PASSWORD)


class InvitationAcceptedSchema(Schema):
    token = ma.fields.String()
    user = ma.fields.Nested(TokenUserSchema)
    tenant = ma.fields.String(allow_none=True)
    expires_at = ma.fields.DateTime()


class ResetRequestSchema(Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))


class DetailSchema(Schema):
    detail = ma.fields.String()


class NewPasswordSchema(Schema):
    password = ma.fields.String(metadata={"description": "At least 12 characters, not the email, not a common "
                                                         "password"}, **PASSWORD)


class AccountRefSchema(Schema):
    id = ma.fields.UUID()
    email = ma.fields.String()
