"""Recruitment module: hiring pipelines per client tenant (issue 4)."""
from pathlib import Path

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrbpo.plugin_api import (N_, AuditWords, EventType, NavItem, PeriodicTask, Permission, PluginMeta, hookimpl,
                              record_names)
from hrbpo.plugins.recruitment import models  # noqa: F401  (registers the tables)

meta = PluginMeta(name="recruitment", title="Recruitment", version="0.1.0",
                  description=N_("Jobs, hiring pipelines, interviews, offers and a public careers page"))


@hookimpl
def plugin_meta():
    return meta


@hookimpl
def migrations_path():
    return Path(__file__).parent / "migrations"


@hookimpl
def api_blueprints():
    from hrbpo.plugins.recruitment.api import blp

    return [blp]


@hookimpl
def portal_blueprints():
    from hrbpo.plugins.recruitment.views import bp

    return [bp]


@hookimpl
def public_blueprints():
    from hrbpo.plugins.recruitment.careers import bp

    return [bp]


@hookimpl
def webhook_event_types():
    return [EventType("application.moved", "An application moved to another stage of the pipeline (or was rejected)."),
            EventType("application.hired", "A candidate was hired (data.employee_id is the new employee).")]


@hookimpl
def permissions():
    return [
        Permission("recruitment.manage", _l("Run hiring: jobs, pipeline, candidates, offers"), ("hr_admin",)),
        Permission("recruitment.interview", _l("Interview candidates and write one's own scorecards"),
                   ("hr_admin", "employee")),
    ]


@hookimpl
def settings_schema():
    from hrbpo.plugins.recruitment.schemas import RecruitmentSettingsSchema

    return RecruitmentSettingsSchema


@hookimpl
def module_enabled(tenant, name):
    if name == meta.name:
        from hrbpo.plugins.recruitment import services

        services.seed_defaults()


@hookimpl
def periodic_tasks():
    from hrbpo.plugins.recruitment import privacy

    return [PeriodicTask("recruitment.purge", lambda tenant: f"{privacy.purge()} candidate(s) anonymised",
                         meta.name)]


@hookimpl
def register_commands(cli):
    from hrbpo.plugins.recruitment.cli import recruitment_cli

    cli.add_command(recruitment_cli)


@hookimpl
def nav_items(tenant, user, role):
    return [NavItem(_("Recruitment"), url_for("recruitment_pages.index", slug=tenant.slug), order=20)]


@hookimpl
def dashboard_cards(tenant, user, role):
    from hrbpo.plugins.recruitment.views import dashboard_card

    card = dashboard_card(tenant, user, role)  # None: nothing to show this user
    return [card] if card else []


@hookimpl
def demo_data(tenant):
    from hrbpo.plugins.recruitment.demo import load

    load(tenant)


@hookimpl
def audit_labels():
    return AuditWords(
        actions={"recruitment.job.create": _l("Created a job"), "recruitment.job.update": _l("Changed a job"),
                 "recruitment.application.create": _l("Added an application"),
                 "recruitment.application.move": _l("Moved an application"),
                 "recruitment.application.reject": _l("Rejected an application"),
                 "recruitment.application.hire": _l("Hired a candidate"),
                 "recruitment.interview.schedule": _l("Scheduled an interview"),
                 "recruitment.offer.create": _l("Made an offer")},
        fields={"stage": _l("Stage"), "note": _l("Note"), "title": _l("Title"), "salary": _l("Salary")},
        records={"Job": _l("Job"), "Application": _l("Application"), "Candidate": _l("Candidate"),
                 "Interview": _l("Interview"), "Offer": _l("Offer"), "Stage": _l("Stages")})


@hookimpl
def audit_record_names(tenant, targets):
    candidate = models.Candidate
    return {**record_names(targets, "Job", models.Job, models.Job.title),
            **record_names(targets, "Candidate", candidate, candidate.first_name, candidate.last_name),
            **record_names(targets, "Application", models.Application, candidate.first_name, candidate.last_name,
                           join=(candidate, candidate.id == models.Application.candidate_id))}
