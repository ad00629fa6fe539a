import marshmallow as ma

from hrbpo.core.api.schemas import Schema


class TokenRequestSchema(Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1024))
    tenant = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=63),
        metadata={"description": "Tenant slug; required when the user belongs to more than one tenant"},
    )


class TokenUserSchema(Schema):
    id = ma.fields.UUID()
    email = ma.fields.String()
    role = ma.fields.String(metadata={"description": "operator, hr_admin or employee"})


class TokenSchema(Schema):
    token = ma.fields.String()
    user = ma.fields.Nested(TokenUserSchema)
    tenant = ma.fields.String(allow_none=True, metadata={"description": "Slug the token is bound to (null for operators)"})
    expires_at = ma.fields.DateTime()


class MembershipOutSchema(Schema):
    tenant = ma.fields.String()
    role = ma.fields.String()
    employee_id = ma.fields.UUID(allow_none=True)


class MeSchema(Schema):
    id = ma.fields.UUID()
    email = ma.fields.String()
    is_operator = ma.fields.Boolean()
    memberships = ma.fields.List(ma.fields.Nested(MembershipOutSchema))
    tenant = ma.fields.String(allow_none=True, metadata={"description": "Tenant the current token is bound to"})
    operator_role = ma.fields.String(allow_none=True, metadata={
        "description": "`bpo_admin` (every tenant) or `operator` (their groups' tenants); null for tenant users"})
    operator_groups = ma.fields.List(ma.fields.Dict(), metadata={"description": "The operator's groups: id, name"})
