"""Tenant-scoped API blueprints: `<slug>` in the URL becomes the current
tenant, after the caller's right to see it (and the module switch) is checked."""
from flask import abort, g

from hrbpo.core.auth.context import enter_tenant


def tenant_scoped(blueprint, module: str | None = None):
    """Resolve `<slug>` for every view of `blueprint`; with `module`, answer
    404 unless that module is on for the tenant."""
    if getattr(blueprint, "_hrbpo_scoped", False):  # a plugin's blueprint mounted by a second app
        return blueprint
    blueprint._hrbpo_scoped = True

    @blueprint.url_value_preprocessor
    def _enter(endpoint, values):
        if values is None or "slug" not in values:
            return
        tenant = enter_tenant(values.pop("slug"))
        if module is not None:
            from hrbpo.core.tenants.services import enabled_modules

            if module not in enabled_modules(tenant):
                abort(404, f"The {module} module is not enabled for this tenant.")
        g.module = module

    return blueprint
