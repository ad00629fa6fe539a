"""The `ops` blueprint: every console page is behind the operators' check,
and so are the plugins' `operator_blueprints` mounted beside it."""
import sqlalchemy as sa
from flask import Blueprint, abort, g, redirect, request, url_for
from flask_babel import gettext as _

from hrbpo.core.db import db
from hrbpo.core.ops import times
from hrbpo.core.tenants.models import Tenant

bp = Blueprint("ops", __name__, url_prefix="/ops")
bp.record_once(lambda state: times.register(state.app))


@bp.before_request
def _operators_only():
    if g.get("user") is None:
        return redirect(url_for("auth.login", next=request.full_path))
    if not g.user.is_operator:
        abort(403, _("Only BPO operators may use the console."))
    return None


def mount_plugin_pages(app, registry):
    """The plugins' `operator_blueprints` under /ops/<name>/, behind the console's own check,
    and listed (as `operator_pages`: endpoint, plugin name) for the console's menu."""
    mounted = []
    for name, blueprints in registry.results_by_plugin("operator_blueprints"):
        for plugin_bp in blueprints or []:
            app.register_blueprint(plugin_bp, url_prefix=f"/ops/{name}" + (plugin_bp.url_prefix or ""))
            mounted.append((f"{plugin_bp.name}.index", name))
    names = {endpoint.partition(".")[0] for endpoint, _name in mounted}
    app.before_request(lambda: _operators_only() if request.blueprint in names else None)
    app.jinja_env.globals["operator_pages"] = mounted


def tenant_or_404(slug) -> Tenant:
    tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        abort(404)
    return tenant
