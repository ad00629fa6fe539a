"""Jobs: queue one, find one the caller may see, list, retry, and the sweeper
that runs again what a dead worker left behind."""
import logging
import uuid
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import abort, current_app, g

from hrbpo.core import queue, tenancy
from hrbpo.core.auth.context import access_to
from hrbpo.core.auth.models import Membership
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import Conflict
from hrbpo.core.jobs import runner
from hrbpo.core.jobs.kinds import kind_for
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.tenants.models import Tenant

log = logging.getLogger(__name__)
SWEEP_LIMIT = 5000


def submit(kind: str, params: dict | None = None, tenant=None, created_by=None, total: int | None = None) -> BackgroundJob:
    """Queue a job of `kind` for `tenant` (default: the current one) in the
    current transaction; the worker is rung once it commits."""
    spec = kind_for(kind)
    if spec is None:
        raise ValueError(f"no job kind {kind!r}")
    tenant_id = tenant.id if tenant is not None else tenancy.current_tenant_id()
    job = BackgroundJob(kind=kind, tenant_id=tenant_id, params=params or {}, max_attempts=1 + spec.retries,
              created_by=created_by, progress_total=total, status="queued", attempts=0, progress_done=0)
    with tenancy.tenant_context(tenant_id) if tenant_id else tenancy.all_tenants():
        db.session.add(job)
        db.session.flush()
    queue.after_commit("jobs.run", str(job.id))
    return job


def visible_job(job_id) -> tuple[BackgroundJob, Tenant | None]:
    """The job `job_id` if the caller may see it: operators who see its
    tenant, that tenant's HR admins; another tenant's job or an unknown id → 404."""
    user = g.get("user")
    if user is None:
        abort(401)
    with tenancy.all_tenants():
        job, tenant = db.session.execute(
            sa.select(BackgroundJob, Tenant).outerjoin(Tenant, Tenant.id == BackgroundJob.tenant_id)
            .where(BackgroundJob.id == job_id)).first() or (None, None)
    if job is None or (tenant is None and not user.is_operator):
        abort(404, "No such job.")
    if tenant is not None:
        _, access = access_to(user, tenant.slug)
        if access is None:
            abort(404, "No such job.")
        if not _may_see(access, job.kind):
            abort(403, "Only HR admins and operators may see jobs.")
    return job, tenant


def _may_see(access, kind: str) -> bool:
    spec = kind_for(kind)
    permission = spec.permission if spec is not None else None
    return access.can(permission) if permission else access.is_operator or access.role == "hr_admin"


def visible_tenant_ids(user) -> list | None:
    """Tenants whose jobs the caller may list: None for every tenant
    (operators), else the tenants where they are HR admin (a tenant token: its own)."""
    if user.is_operator:
        return None
    stmt = sa.select(Membership.tenant_id).where(Membership.user_id == user.id, Membership.role == "hr_admin")
    token = g.get("token")
    if token is not None and token.tenant_id is not None:
        stmt = stmt.where(Membership.tenant_id == token.tenant_id)
    with tenancy.all_tenants():
        return list(db.session.scalars(stmt))


def jobs_query(tenant_ids=None, status=None, kind=None, statuses=None):
    """Jobs, newest first (run it inside tenancy.all_tenants())."""
    stmt = sa.select(BackgroundJob).order_by(BackgroundJob.created_at.desc(), BackgroundJob.id.desc())
    if tenant_ids is not None:
        stmt = stmt.where(BackgroundJob.tenant_id.in_(tenant_ids))
    if status:
        stmt = stmt.where(BackgroundJob.status == status)
    if statuses:
        stmt = stmt.where(BackgroundJob.status.in_(statuses))
    if kind:
        stmt = stmt.where(BackgroundJob.kind == kind)
    return stmt


def retry(job: BackgroundJob) -> BackgroundJob:
    """An operator runs a failed job again: a fresh round of attempts."""
    with tenancy.all_tenants():
        locked = db.session.get(BackgroundJob, job.id, with_for_update=True, populate_existing=True)
        if locked.status != "failed":
            raise Conflict(f"Only a failed job can be retried; this one is {locked.status}.")
        spec = kind_for(locked.kind)
        locked.status, locked.finished_at, locked.run_after, locked.claim = "queued", None, utcnow(), None
        locked.max_attempts = locked.attempts + 1 + (spec.retries if spec else 0)
        locked.error = locked.errors = locked.result = None
        db.session.flush()
    queue.after_commit("jobs.run", str(locked.id))
    return locked


@queue.periodic(queue.crontab(minute="*"), "jobs.sweep")
def sweep(now=None, starting=False) -> int:
    """Every minute (and when a worker starts): a running job whose heartbeat
    stopped for a lease is run again (or `failed`, out of attempts); due jobs
    whose doorbell was lost are rung again (at start, every due job)."""
    now, released = now or utcnow(), []
    lease = timedelta(seconds=current_app.config["HRBPO_JOB_LEASE_SECONDS"])
    with tenancy.all_tenants():
        held = db.session.execute(sa.select(BackgroundJob.id, BackgroundJob.claim, BackgroundJob.claimed_at, BackgroundJob.attempts, BackgroundJob.max_attempts)
                                  .where(BackgroundJob.status == "running", BackgroundJob.claim.is_not(None))).all()
        for job in held:
            if _last_heard(job) >= now - lease:
                continue
            error = f"The worker stopped while running attempt {job.attempts} (no heartbeat for {lease.seconds} s)."
            values = {"claim": None, "error": error, "errors": {"job": [error]}, "run_after": utcnow()}
            if job.attempts >= job.max_attempts:
                values.update(status="failed", finished_at=now)
            else:
                released.append(job.id)
            db.session.execute(sa.update(BackgroundJob).where(BackgroundJob.id == job.id, BackgroundJob.claim == job.claim).values(**values)
                               .execution_options(synchronize_session=False))
            log.warning("job %s: %s", job.id, error)
        db.session.commit()
        waited = now if starting else now - timedelta(minutes=1 if queue.depth()["ready"] == 0 else 15)
        due = db.session.scalars(sa.select(BackgroundJob.id).where(BackgroundJob.status.in_(("queued", "running")), BackgroundJob.claim.is_(None),
                                                         BackgroundJob.run_after <= waited)
                                 .order_by(BackgroundJob.run_after).limit(SWEEP_LIMIT)).all()
    for job_id in dict.fromkeys([*released, *due]):
        queue.enqueue("jobs.run", str(job_id))
    return len(due) + len(released)


def _last_heard(job):
    heard = runner.live(job.id)
    if heard and heard.get("claim") == str(job.claim):
        return datetime.fromtimestamp(heard["beat"], timezone.utc)
    return job.claimed_at


def parse_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        abort(404, "No such job.")
