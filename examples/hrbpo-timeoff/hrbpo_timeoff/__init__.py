"""Time off: employees request days off, HR admins approve or reject them.
A third-party-style hrbpo module, installed through its entry point only."""
from pathlib import Path

from flask import url_for
from flask_babel import lazy_gettext as _l

from hrbpo.plugin_api import NavItem, Permission, PluginMeta, hookimpl
from hrbpo_timeoff import models  # noqa: F401  (maps the tables, so core can check and migrate them)

meta = PluginMeta(name="timeoff", title="Time off", version="0.1.0",
                  description="Time-off requests with approval", hrbpo_api=">=1.1,<2")


@hookimpl
def plugin_meta():
    return meta


@hookimpl
def migrations_path():
    return Path(__file__).parent / "migrations"


@hookimpl
def api_blueprints():
    from hrbpo_timeoff.api import blp

    return [blp]


@hookimpl
def portal_blueprints():
    from hrbpo_timeoff.views import bp

    return [bp]


@hookimpl
def permissions():
    return [Permission("timeoff.approve", "Approve or reject time-off requests", ("hr_admin",))]


@hookimpl
def nav_items(tenant, user, role):
    return [NavItem(_l("Time off"), url_for("timeoff.index"), order=70)]


@hookimpl
def employee_terminated(tenant, employee):
    from hrbpo_timeoff.services import cancel_pending

    cancel_pending(employee.id)
