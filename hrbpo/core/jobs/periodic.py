"""Periodic work: the modules' `periodic_tasks`, once a day per tenant at
their local time (`PeriodicTask.at` in the tenant's time zone).

Every five minutes the worker's scheduler asks, per time zone, which tenants
with the module on have reached `at` today and have no job of that task for
their local date yet; each gets a job (unique per tenant, task and date, so
two schedulers never make two), which the worker runs like any other:
retried, visible, applied once. A day the worker missed is caught up once.
`flask hrbpo jobs run [--task NAME]` runs tasks now, for every tenant.
"""
import logging
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hrbpo.core import queue, tenancy
from hrbpo.core.db import db, new_id, utcnow
from hrbpo.core.jobs.kinds import kind_for, periodic_tasks
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.tenants.models import Tenant, TenantModule
from hrbpo.core.tenants.services import enabled_modules

log = logging.getLogger(__name__)


@queue.periodic(queue.crontab(minute="*/5"), "jobs.dispatch_periodic")
def dispatch(now=None) -> int:
    """Make today's job of each periodic task for every tenant that is due."""
    now, made = now or utcnow(), []
    with tenancy.all_tenants():
        zones = db.session.scalars(sa.select(Tenant.timezone).distinct()).all()
        for task in periodic_tasks().values():
            for zone in zones:
                local = now.astimezone(_zone(zone))
                if local.time() >= task.at:
                    made += _make_jobs(task, zone, local.date(), now)
        db.session.commit()
    for job_id in made:
        queue.enqueue("jobs.run", str(job_id))
    return len(made)


def _zone(name):
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _make_jobs(task, zone, day, now) -> list:
    due = db.session.scalars(
        sa.select(Tenant.id).join(TenantModule, sa.and_(TenantModule.tenant_id == Tenant.id,
                                                        TenantModule.name == task.module,
                                                        TenantModule.enabled.is_(True)))
        .where(Tenant.timezone == zone,
               ~sa.select(BackgroundJob.id).where(BackgroundJob.tenant_id == Tenant.id, BackgroundJob.kind == task.name, BackgroundJob.run_on == day).exists())
    ).all()
    if not due:
        return []
    rows = [{"id": new_id(), "tenant_id": tenant_id, "kind": task.name, "status": "queued", "params": {},
             "progress_done": 0, "attempts": 0, "max_attempts": 1 + kind_for(task.name).retries, "run_on": day,
             "created_at": now, "run_after": now} for tenant_id in due]
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(BackgroundJob)
    result = db.session.execute(insert.on_conflict_do_nothing().returning(BackgroundJob.id), rows)
    return list(result.scalars())


def run_periodic(only: str | None = None) -> list[str]:
    """Run periodic tasks now for every tenant that has their module on
    (`jobs run`): one transaction per tenant and task; a task that raises is
    reported and the others still run."""
    report = []
    tasks = [t for name, t in periodic_tasks().items() if only in (None, name)]
    with tenancy.all_tenants():
        tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.slug)).all()
    for tenant in tenants:
        on = enabled_modules(tenant)
        for task in tasks:
            if task.module not in on:
                continue
            with tenancy.tenant_context(tenant):
                try:
                    summary = task.run(tenant)
                    db.session.commit()
                except Exception as exc:
                    db.session.rollback()
                    log.exception("periodic task %s failed for %s", task.name, tenant.slug)
                    summary = f"failed: {type(exc).__name__}: {exc}"
            report.append(f"{tenant.slug} {task.name}: {summary}")
    return report
