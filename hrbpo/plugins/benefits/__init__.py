"""Benefits module: plan catalogue, enrolment windows, employee self-service
enrolment with dependants, life events and the carrier 834 feed."""
from pathlib import Path

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrbpo.plugin_api import (N_, Card, EventType, NavItem, PeriodicTask, Permission, PluginMeta, Task, WorkItem, db,
                              hookimpl)
from hrbpo.plugins.benefits import models  # noqa: F401  (registers the tables)

meta = PluginMeta(name="benefits", title="Benefits", version="0.1.0",
                  description=N_("Benefit plans, enrolment windows, self-service enrolment and carrier 834 feeds"))
BASE = "/t/{slug}/benefits/"


@hookimpl
def plugin_meta():
    return meta


@hookimpl
def migrations_path():
    return Path(__file__).parent / "migrations"


@hookimpl
def api_blueprints():
    from hrbpo.plugins.benefits import payroll_api  # noqa: F401  (adds the payroll routes to blp)
    from hrbpo.plugins.benefits.api import blp

    return [blp]


@hookimpl
def portal_blueprints():
    from hrbpo.plugins.benefits import admin, payroll_pages  # noqa: F401  (add the HR pages to bp)
    from hrbpo.plugins.benefits.views import bp

    return [bp]


@hookimpl
def webhook_event_types():
    return [EventType("enrollment.submitted", "An employee's benefit elections were submitted (or replaced).")]


@hookimpl
def permissions():
    return [Permission("benefits.manage", "Set up benefit plans and windows, enrol for employees, export 834 files",
                       ("hr_admin",))]


@hookimpl
def settings_schema():
    from hrbpo.plugins.benefits.schemas import StoredSettingsSchema

    return StoredSettingsSchema


@hookimpl
def periodic_tasks():
    from hrbpo.plugins.benefits.notices import send_reminders

    return [PeriodicTask("benefits.reminders", send_reminders, meta.name)]


@hookimpl
def nav_items(tenant, user, role):
    return [NavItem(str(_l("Benefits")), BASE.format(slug=tenant.slug), order=30)]


def _open_windows_without_enrolment(employee):
    from hrbpo.plugins.benefits import services
    from hrbpo.plugins.benefits.models import Enrollment, Window

    today = services.tenant_today()
    done = sa.select(Enrollment.window_id).where(Enrollment.employee_id == employee.id,
                                                 Enrollment.status == "submitted")
    return db.session.scalars(services.window_query(employee.id).where(
        Window.open_on(today), Window.id.not_in(done))).all()


@hookimpl
def dashboard_cards(tenant, user, role):
    from hrbpo.plugin_api import current_access
    from hrbpo.plugin_api import Employee
    from hrbpo.plugins.benefits import eligibility
    from hrbpo.plugins.benefits.models import LifeEvent

    url = BASE.format(slug=tenant.slug)
    access = current_access()
    if access.can("benefits.manage"):
        pending = db.session.scalar(sa.select(sa.func.count()).select_from(LifeEvent)
                                    .where(LifeEvent.status == "pending"))
        lost = db.session.scalar(sa.select(sa.func.count()).select_from(eligibility.to_review().subquery()))
        lines = (str(_l("%(n)s life events to review", n=pending)),) + (
            (str(_l("%(n)s coverage changes to review (eligibility lost)", n=lost)),) if lost else ())
        return [Card(str(_l("Benefits")), url, lines, order=30)]
    employee = db.session.get(Employee, (tenant.id, access.employee_id)) if access.employee_id else None
    if employee is None:
        return []
    windows = _open_windows_without_enrolment(employee)
    lines = tuple(str(_l("Enrol by %(day)s: %(name)s", day=format_date(w.ends_on), name=w.name)) for w in windows)
    return [Card(str(_l("Benefits")), url, lines or (str(_l("Your coverage and dependants")),), order=30)]


@hookimpl
def employee_tasks(tenant, employee):
    return [Task(str(_l("Choose your benefits: %(name)s", name=w.name)),
                 BASE.format(slug=tenant.slug) + f"enrol/{w.id}", w.ends_on, meta.name)
            for w in _open_windows_without_enrolment(employee)]


@hookimpl
def work_queue(tenant):
    from hrbpo.plugins.benefits import eligibility
    from hrbpo.plugins.benefits.labels import label
    from hrbpo.plugins.benefits.models import LifeEvent

    base = BASE.format(slug=tenant.slug)
    events = db.session.scalars(sa.select(LifeEvent).where(LifeEvent.status == "pending")
                                .order_by(LifeEvent.created_at)).all()
    lost = db.session.scalars(eligibility.to_review()).all()
    return [WorkItem(tenant.slug, "benefits.life_event",
                     _("Life event to approve: %(event)s (%(name)s)", event=label(e.kind), name=e.employee.full_name),
                     base + "life-events", extra={"event_id": str(e.id)}) for e in events] + [
        WorkItem(tenant.slug, "benefits.eligibility_lost",
                 _("Coverage ending, eligibility lost: %(plan)s (%(name)s)", plan=c.plan.name, name=c.employee.full_name),
                 base + "eligibility", due_on=c.effective_on, extra={"change_id": str(c.id)}) for c in lost]


@hookimpl
def demo_data(tenant):
    from hrbpo.plugins.benefits import demo

    demo.load(tenant)


@hookimpl
def employee_hired(tenant, employee, source):
    from hrbpo.plugins.benefits import catalogue, notices

    for window in catalogue.open_new_hire_windows(employee):
        notices.window_opened(window, employee, "new_hire")


@hookimpl
def employee_updated(tenant, employee, changes):
    from hrbpo.plugins.benefits import eligibility

    eligibility.employee_changed(employee, changes)


@hookimpl
def employee_terminated(tenant, employee):
    from hrbpo.plugins.benefits import services

    services.end_coverage(employee)
