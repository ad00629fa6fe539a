"""The tenant gate: the tenant a URL names, the module switch and the caller's
right to see it, checked in this one place for the API, the portal, public
pages (careers, calendar feeds) and every module's blueprints.

Either way in, the tenant is current for the rest of the request (queries
are scoped to it; core's teardown leaves it), and a tenant the caller may
not see answers 404 exactly like one that does not exist.
"""
from flask import abort, g

from hrbpo.core import tenancy
from hrbpo.core.auth.context import enter_tenant, tenant_by_slug
from hrbpo.core.tenants.services import SLUG, enabled_modules


def enter_member_tenant(slug: str, module: str | None = None):
    """A signed-in caller (else 401) who may see the tenant: a member, or an
    operator (else 404); with `module`, that module is on for it (else 404)."""
    if not SLUG.match(slug):  # no tenant has it (nor can a NUL byte reach PostgreSQL)
        abort(404, "No such tenant.")
    tenant = enter_tenant(slug)
    if module is not None and module not in enabled_modules(tenant):
        abort(404, f"The {module} module is not enabled for this tenant.")
    g.module = module
    return tenant


def enter_public_tenant(slug: str | None, module: str):
    """No caller (careers, feeds): the tenant exists and has `module` on, else
    404 (the same for both, so an unknown slug tells nothing)."""
    tenant = tenant_by_slug(slug) if SLUG.match(slug or "") else None
    if tenant is None or module not in enabled_modules(tenant):
        abort(404)
    g.tenant = tenant
    g.tenant_token = tenancy.enter(tenant)
    return tenant


def tenant_scoped(blueprint, module: str | None = None):
    """An API blueprint whose `<slug>` passes the gate before every view."""
    if getattr(blueprint, "_hrbpo_scoped", False):  # a plugin's blueprint mounted by a second app
        return blueprint
    blueprint._hrbpo_scoped = True

    @blueprint.url_value_preprocessor
    def _enter(endpoint, values):
        if values is not None and "slug" in values:
            enter_member_tenant(values.pop("slug"), module)

    return blueprint
