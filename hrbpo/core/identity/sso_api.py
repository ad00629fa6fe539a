"""/api/v1/tenants/<slug>/sso: the tenant's sign-in settings (HR admins and operators)."""
from flask import abort, g

from hrbpo.core.api.base import Blueprint
from hrbpo.core.tenants.gate import tenant_scoped
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.identity import sso_settings
from hrbpo.core.identity.sso_schemas import SsoSettingsSchema

blp = tenant_scoped(Blueprint("sso_api", __name__, url_prefix="/api/v1/tenants/<slug>/sso",
                              description="Single sign-on: the tenant's OpenID Connect provider"))
MANAGE = "settings.write"


def _current():
    settings = sso_settings.find(g.tenant)
    if settings is None:
        abort(404, "Single sign-on is not set up for this tenant.")
    return settings


@blp.route("", methods=["PUT"])
@requires(MANAGE)
@blp.arguments(SsoSettingsSchema)
@blp.response(200, SsoSettingsSchema)
def put_settings(data):
    """Set up (or replace) single sign-on. The issuer's discovery document is
    fetched now; `client_secret` is write-only (left out later: kept)."""
    settings = sso_settings.save(data)
    db.session.commit()
    return sso_settings.describe(settings, g.tenant.slug)


@blp.route("", methods=["GET"])
@requires(MANAGE)
@blp.response(200, SsoSettingsSchema)
@blp.alt_response(404, description="No single sign-on for this tenant")
def get_settings():
    return sso_settings.describe(_current(), g.tenant.slug)


@blp.route("", methods=["DELETE"])
@requires(MANAGE)
@blp.response(204)
@blp.alt_response(404, description="No single sign-on for this tenant")
def delete_settings():
    """Switch single sign-on off: its pages answer 404 and password sign-in is
    allowed again; logins made through it stay."""
    sso_settings.delete(_current())
    db.session.commit()
