"""Portal shell: the tenant home built from plugin cards and nav."""
from flask import Blueprint, g, render_template

from hrbpo.core.plugins.manager import plugins
from hrbpo.core.portal import portal_scoped

bp = portal_scoped(Blueprint("portal", __name__, url_prefix="/t/<slug>"))


def nav_items():
    return sorted(plugins().tenant_hook(g.tenant, "nav_items")(user=g.user, role=g.access.role), key=lambda n: n.order)


@bp.app_context_processor
def _portal_nav():
    """Navigation for any page rendered inside a tenant (core or plugin)."""
    if g.get("tenant") is None or g.get("access") is None:
        return {}
    return {"nav": nav_items()}


@bp.get("/")
def home():
    cards = plugins().tenant_hook(g.tenant, "dashboard_cards")(user=g.user, role=g.access.role)
    return render_template("portal/home.html", cards=sorted(cards, key=lambda c: c.order))
