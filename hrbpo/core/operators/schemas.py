import marshmallow as ma

from hrbpo.core.api.schemas import Schema, text
from hrbpo.core.operators.models import ROLES



class OperatorGroupSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = text(100, required=True)
    tenant_slugs = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=63)), load_default=list,
                                  validate=ma.validate.Length(max=1000),
                                  metadata={"description": "The tenants the group's operators see"})


class OperatorGroupUpdateSchema(Schema):
    name = text(100)
    tenant_slugs = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=63)),
                                  validate=ma.validate.Length(max=1000),
                                  metadata={"description": "Replaces the group's tenants"})


class GroupRefSchema(Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()


class OperatorSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    group_ids = ma.fields.List(ma.fields.UUID(), load_default=list, validate=ma.validate.Length(max=200))
    groups = ma.fields.List(ma.fields.Nested(GroupRefSchema), dump_only=True)
    status = ma.fields.String(dump_only=True, metadata={"description": "`invited` until the invitation is accepted"})
    active = ma.fields.Boolean(dump_only=True)


class OperatorUpdateSchema(Schema):
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    group_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=200),
                               metadata={"description": "Replaces the operator's groups"})
