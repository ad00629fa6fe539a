"""Portal shell: navigation, the tenant home (HR dashboard or an employee's
self-service page) and the tenant logo. People pages live in `people.py`,
settings and the audit log in `settings.py`, webhooks in `webhooks.py`,
invitations in `invitations.py`: all add their routes to the `portal`
blueprint (`blueprint.py`); the app factory imports each."""
import sqlalchemy as sa
from flask import abort, g, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrbpo.core import files
from hrbpo.core.db import db
from hrbpo.core.people.models import Employee
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.plugins.types import Chart, NavItem
from hrbpo.core.i18n import text_direction
from hrbpo.core.portal import charts
from hrbpo.core.portal.blueprint import bp

# (endpoint, label, permission, order): core sections of the portal.
CORE_NAV = (
    ("portal.directory", _l("Employees"), "people.read", 10),
    ("portal.users", _l("Users"), "users.manage", 80),
    ("portal.invitations_page", _l("Invitations"), "users.manage", 82),
    ("portal.scim_page", _l("SCIM provisioning"), "users.manage", 83),
    ("portal.audit", _l("Audit log"), "audit.read", 85),
    ("portal.settings", _l("Settings"), "settings.write", 90),
)


def nav_items():
    access = g.access
    core = [NavItem(_("Home"), url_for("portal.home"), 0)]
    core += [NavItem(str(label), url_for(endpoint), order) for endpoint, label, perm, order in CORE_NAV
             if access.can(perm)]
    extra = plugins().tenant_hook(g.tenant, "nav_items")(user=g.user, role=access.role)
    return sorted(core + extra, key=lambda n: n.order)


@bp.app_context_processor
def _portal_nav():
    """Navigation for any page rendered inside a tenant (core or plugin)."""
    if g.get("tenant") is None or g.get("access") is None:
        return {}
    return {"nav": nav_items()}


@bp.get("/")
def home():
    access = g.access
    if not access.can("people.read"):
        return _self_service()
    answers = plugins().tenant_hook(g.tenant, "dashboard_cards")(user=g.user, role=access.role)
    counts = dict(db.session.execute(sa.select(Employee.status, sa.func.count()).group_by(Employee.status)).all())
    cards = [a for a in answers if not isinstance(a, Chart)]
    rtl = text_direction(get_locale() or "en") == "rtl"
    chart_cards = charts.core_charts(g.tenant) + [a for a in answers if isinstance(a, Chart)]
    drawings = [charts.draw(c, rtl) for c in sorted(chart_cards, key=lambda c: c.order)]
    return render_template("portal/home.html", cards=sorted(cards, key=lambda c: c.order), counts=counts,
                           drawings=drawings)


def _self_service():
    """An employee's home: their own record and what each module asks of them."""
    employee = None
    if g.access.employee_id is not None:
        employee = db.session.scalars(sa.select(Employee).where(Employee.id == g.access.employee_id)).first()
    tasks = plugins().tenant_hook(g.tenant, "employee_tasks")(employee=employee) if employee else []
    cards = plugins().tenant_hook(g.tenant, "dashboard_cards")(user=g.user, role=g.access.role)
    return render_template("portal/self_service.html", employee=employee, cards=sorted(cards, key=lambda c: c.order),
                           tasks=sorted(tasks, key=lambda t: (t.due_on is None, t.due_on or 0, t.title)))


@bp.get("/logo")
def logo():
    """The tenant's logo, for every member (files are served only after this check)."""
    return logo_response(g.tenant)


def logo_response(tenant):
    """`tenant`'s logo shown inline, or 404 when it has none (the caller decides who may see it)."""
    file_id = (tenant.settings or {}).get("logo_file_id")
    if not file_id:
        abort(404)
    return files.send(files.get(file_id), inline=True)
