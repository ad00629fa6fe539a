"""The servicedesk module: HR cases with service levels in each client's
business calendar. Written against `hrbpo.plugin_api` only; the service-level
arithmetic is a pure core (business_calendar, zones, timeline, sla)."""
from pathlib import Path

from flask import url_for
from flask_babel import lazy_gettext as _l

from hrbpo.plugin_api import N_, EventType, NavItem, Permission, PluginMeta, hookimpl
from hrbpo.plugins.servicedesk import models  # noqa: F401  (registers the tables)
from hrbpo.plugins.servicedesk.demo import seed_demo
from hrbpo.plugins.servicedesk.ops_pages import ops_pages

meta = PluginMeta(name="servicedesk", title="Service desk", version="0.1.0",
                  description=N_("HR cases with service levels in the client's business hours"))


@hookimpl
def plugin_meta():
    return meta


@hookimpl
def migrations_path():
    return Path(__file__).parent / "migrations"


@hookimpl
def api_blueprints():
    from hrbpo.plugins.servicedesk.api import blp

    return [blp]


@hookimpl
def portal_blueprints():
    from hrbpo.plugins.servicedesk import kb_pages, report_pages, staff_pages  # noqa: F401  (add the staff pages to bp)
    from hrbpo.plugins.servicedesk.views import bp

    return [bp]


@hookimpl
def operator_blueprints():
    return [ops_pages]


@hookimpl
def nav_items(tenant):
    return [NavItem(str(_l("Service desk")), url_for("servicedesk.index", slug=tenant.slug), 50)]


@hookimpl
def operator_api_blueprints():
    from hrbpo.plugins.servicedesk.queue_api import ops

    return [ops]


@hookimpl
def demo_data(tenant):
    seed_demo(tenant)


@hookimpl
def webhook_event_types():
    return [EventType("case.opened", "An HR case was opened (number, category, priority; never its text)."),
            EventType("case.status_changed", "An HR case moved to another status (resolved, closed …).")]


@hookimpl
def permissions():
    return [Permission("servicedesk.manage", "Work HR cases: answer, assign, set targets, the calendar and the "
                                             "knowledge base", ("hr_admin",))]
