"""The tenant portal: `/t/<slug>/…` pages, core's and each plugin's."""
from flask import g, redirect, request, url_for

from hrbpo.core.tenants.gate import enter_member_tenant


def portal_scoped(blueprint, module: str | None = None):
    """Resolve `<slug>` for every page of `blueprint`: not logged in → login
    page; then the tenant gate (not a member, or `module` off → 404)."""
    if getattr(blueprint, "_hrbpo_scoped", False):  # a plugin's blueprint mounted by a second app
        return blueprint
    blueprint._hrbpo_scoped = True

    @blueprint.before_request
    def _login_first():
        if (request.endpoint or "").endswith(".static"):
            return None  # a module's stylesheets and scripts: the same for everyone, served without the caller
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        if g.access.is_operator and not g.get("acting"):
            # Operators state why before they see a tenant's data.
            return redirect(url_for("ops.act_as", tenant=g.tenant.slug, next=request.full_path.rstrip("?")))
        return None

    @blueprint.url_value_preprocessor
    def _enter(endpoint, values):
        if values is None or "slug" not in values:
            return
        if (endpoint or "").endswith(".static"):
            values.pop("slug")  # static files are not the tenant's
            return
        if g.get("user") is None:
            return
        enter_member_tenant(values.pop("slug"), module)

    @blueprint.url_defaults
    def _slug(endpoint, values):
        if "slug" not in values and g.get("tenant") is not None:
            values["slug"] = g.tenant.slug

    return blueprint
