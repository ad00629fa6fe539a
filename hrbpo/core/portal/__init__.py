"""The tenant portal: `/t/<slug>/…` pages, core's and each plugin's."""
from flask import abort, g, redirect, request, url_for

from hrbpo.core.auth.context import enter_tenant


def portal_scoped(blueprint, module: str | None = None):
    """Resolve `<slug>` for every page of `blueprint`: not logged in → login
    page; not a member, or `module` off for the tenant → 404."""

    @blueprint.before_request
    def _login_first():
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return None

    @blueprint.url_value_preprocessor
    def _enter(endpoint, values):
        if values is None or "slug" not in values or g.get("user") is None:
            return
        tenant = enter_tenant(values.pop("slug"))
        if module is not None:
            from hrbpo.core.tenants.services import enabled_modules

            if module not in enabled_modules(tenant):
                abort(404, f"The {module} module is not enabled for this tenant.")
        g.module = module

    @blueprint.url_defaults
    def _slug(endpoint, values):
        if "slug" not in values and g.get("tenant") is not None:
            values["slug"] = g.tenant.slug

    return blueprint
