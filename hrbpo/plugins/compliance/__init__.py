"""Compliance module: checklists with evidence, attestations, deadlines and
reminders; the BPO's proof that the work was done (reports, audit packs)."""
from pathlib import Path

import marshmallow as ma
import sqlalchemy as sa
from flask import g, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from hrbpo.plugin_api import (N_, AuditWords, Card, Chart, EventType, NavItem, PeriodicTask, Permission, PluginMeta,
                              Task, WorkItem, db, hookimpl, record_names)
from hrbpo.plugins.compliance import models  # noqa: F401  (registers the tables)
from hrbpo.plugins.compliance import services

meta = PluginMeta(name="compliance", title="Compliance", version="0.1.0",
                  description=N_("Checklists with evidence, attestations, deadlines and reminders"))


class ComplianceSettings(ma.Schema):
    remind_days_before = ma.fields.Integer(load_default=3, validate=ma.validate.Range(min=0, max=90))
    escalate_operator_after_days = ma.fields.Integer(load_default=7, validate=ma.validate.Range(min=1, max=365))


@hookimpl
def plugin_meta():
    return meta


@hookimpl
def migrations_path():
    return Path(__file__).parent / "migrations"


@hookimpl
def api_blueprints():
    from hrbpo.plugins.compliance.api import blp

    return [blp]


@hookimpl
def portal_blueprints():
    from hrbpo.plugins.compliance.views import bp

    return [bp]


@hookimpl
def operator_api_blueprints():
    from hrbpo.plugins.compliance.api import ops

    return [ops]


@hookimpl
def public_blueprints():
    from hrbpo.plugins.compliance.views import feeds

    return [feeds]


@hookimpl
def webhook_event_types():
    return [EventType("checklist.completed", "Every item of an employee's compliance checklist is done or waived.")]


@hookimpl
def permissions():
    return [Permission("compliance.manage", "Set up templates, assign, review and report on compliance checklists")]


@hookimpl
def settings_schema():
    return ComplianceSettings


@hookimpl
def periodic_tasks():
    from hrbpo.plugins.compliance import deadlines

    return [PeriodicTask("compliance.recurrence", deadlines.run_recurrence, meta.name),
            PeriodicTask("compliance.deadlines", deadlines.run_deadlines, meta.name)]


@hookimpl
def employee_hired(tenant, employee):
    from hrbpo.plugins.compliance.services import assign_on_event

    assign_on_event(tenant, employee, "hire", employee.hire_date)


@hookimpl
def employee_terminated(tenant, employee):
    from hrbpo.plugins.compliance.services import assign_on_event

    assign_on_event(tenant, employee, "termination", employee.termination_date or employee.hire_date)


@hookimpl
def nav_items(tenant, role):
    return [NavItem(str(_l("Compliance")), url_for("compliance_pages.index", slug=tenant.slug), 40)]


@hookimpl
def dashboard_cards(tenant, user, role):
    from hrbpo.plugins.compliance import views

    url = url_for("compliance_pages.index", slug=tenant.slug)
    return [Card(str(_l("Compliance")), url, tuple(views.card_lines(tenant, role)), 40)] + _completion(tenant, url)


def _completion(tenant, url) -> list[Chart]:
    """Checklists done, open and overdue, for those who manage them."""
    if not g.access.can("compliance.manage"):
        return []
    today = services.today_for(tenant)
    counts = {status: db.session.scalar(sa.select(sa.func.count()).select_from(
        services.checklist_query(g.access, today, status=status).subquery())) for status in ("done", "open", "overdue")}
    total = sum(counts.values())
    if not total:
        return []
    return [Chart(str(_l("Checklist completion")), ((str(_l("Done")), counts["done"]), (str(_l("Open")), counts["open"]),
                                                   (str(_l("Overdue")), counts["overdue"])),
                  kind="parts", url=url, order=40, description=ngettext(
                      "%(done)s of %(num)d checklist is done; %(overdue)s overdue.",
                      "%(done)s of %(num)d checklists are done; %(overdue)s overdue.",
                      total, done=counts["done"], overdue=counts["overdue"]))]


@hookimpl
def employee_tasks(tenant, employee):
    from hrbpo.plugins.compliance.services import open_items

    return [Task(item.title, url_for("compliance_pages.item", slug=tenant.slug, checklist_id=item.checklist_id,
                                     item_id=item.id), item.due_on, meta.name)
            for item in open_items(employee.id) if item.owner == "employee"]


@hookimpl
def work_queue(tenant):
    from hrbpo.plugins.compliance.deadlines import operator_queue

    return [WorkItem(tenant.slug, "compliance.overdue", f"{item.title} — {item.checklist.employee.full_name}",
                     url_for("compliance_pages.item", slug=tenant.slug, checklist_id=item.checklist_id,
                             item_id=item.id), item.due_on, {"checklist": item.checklist.name})
            for item in operator_queue(tenant)]


@hookimpl
def demo_data(tenant):
    from hrbpo.plugins.compliance import services

    services.seed_demo(tenant)


@hookimpl
def audit_labels():
    return AuditWords(
        actions={"compliance.template.create": _l("Created a checklist template"),
                 "compliance.template.update": _l("Changed a checklist template"),
                 "compliance.checklist.assign": _l("Assigned a checklist"),
                 "compliance.item.complete": _l("Completed a checklist item"),
                 "compliance.item.approve": _l("Approved a checklist item"),
                 "compliance.item.send_back": _l("Sent a checklist item back"),
                 "compliance.item.waive": _l("Waived a checklist item")},
        fields={"comment": _l("Comment"), "due_on": _l("Due on"), "version": _l("Version")},
        records={"ChecklistTemplate": _l("Checklist template"), "Checklist": _l("Checklist"),
                 "ChecklistItem": _l("Checklist item")})


@hookimpl
def audit_record_names(tenant, targets):
    return {**record_names(targets, "ChecklistTemplate", models.ChecklistTemplate, models.ChecklistTemplate.name),
            **record_names(targets, "Checklist", models.Checklist, models.Checklist.name),
            **record_names(targets, "ChecklistItem", models.ChecklistItem, models.ChecklistItem.title)}
