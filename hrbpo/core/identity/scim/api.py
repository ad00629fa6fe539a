"""/api/v1/tenants/<slug>/scim-tokens: the tenant's SCIM tokens (HR admin, operator)."""
import marshmallow as ma
from flask import g

from hrbpo.core.api.base import Blueprint, PageArgs, page_schema, paginate
from hrbpo.core.api.schemas import Schema, text
from hrbpo.core.tenants.gate import tenant_scoped
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.identity.scim import tokens

blp = tenant_scoped(Blueprint("scim_tokens_api", __name__, url_prefix="/api/v1/tenants/<slug>",
                              description="SCIM tokens: what the tenant's identity provider provisions users with"))


class ScimTokenSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = text(100, load_default="SCIM")
    created_at = ma.fields.DateTime(dump_only=True)
    last_used_at = ma.fields.DateTime(dump_only=True, allow_none=True)


class NewScimTokenSchema(ScimTokenSchema):
    token = ma.fields.String(dump_only=True, metadata={"description": "Shown this once; stored hashed"})


@blp.route("/scim-tokens", methods=["POST"])
@requires("users.manage")
@blp.arguments(ScimTokenSchema)
@blp.response(201, NewScimTokenSchema)
def create_scim_token(data):
    """A new SCIM token for `/scim/v2/<slug>/…`. Its value is in this answer
    only; a tenant may hold several (to rotate one, make the next first)."""
    raw, token = tokens.create(data["name"], g.user)
    db.session.commit()
    return {"id": token.id, "name": token.name, "token": raw, "created_at": token.created_at, "last_used_at": None}


@blp.route("/scim-tokens", methods=["GET"])
@requires("users.manage")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ScimTokenSchema))
def list_scim_tokens(page):
    """The tenant's live SCIM tokens, oldest first (never their values)."""
    return paginate(tokens.live_tokens(), page)


@blp.route("/scim-tokens/<uuid:token_id>", methods=["DELETE"])
@requires("users.manage")
@blp.response(204)
def revoke_scim_token(token_id):
    """Revoke a token: refused from the next request on."""
    tokens.revoke(token_id)
    db.session.commit()
