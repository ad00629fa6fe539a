"""Running a job in the worker: claim, run, finish, or record the failure.

The claim is a conditional UPDATE that sets a fresh fencing token (`claim`);
the job's effect and its `succeeded` commit in one transaction, and only
while the token is still the job's, so a job is applied once even when a
worker presumed dead comes back. Progress and the heartbeat live in the
queue's storage (visible while the job's transaction is open, on SQLite too);
a job whose heartbeat stops is run again by the sweeper (hrbpo.core.jobs.sweep).
"""
import json
import logging
import threading
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from hrbpo.core import queue, tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import DomainError
from hrbpo.core.jobs.kinds import kind_for
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.tenants.models import Tenant

log = logging.getLogger(__name__)


def live_key(job_id) -> str:
    return f"hrbpo.job.{job_id}"


def live(job_id) -> dict | None:
    """The running attempt's {"claim", "beat", "done", "total"}, from the queue's storage."""
    try:
        raw = queue.get(live_key(job_id))
    except Exception:  # the queue is unreachable: the row's own progress stands
        return None
    return json.loads(raw) if raw else None


class JobRun:
    """What a job kind's `run` gets: the job's params and tenant, and `progress(done, total)`."""

    def __init__(self, row, token, tenant):
        self.id, self.kind, self.params, self.created_by = row.id, row.kind, row.params or {}, row.created_by
        self.tenant, self.token, self.attempt = tenant, token, row.attempts
        self.done, self.total = row.progress_done or 0, row.progress_total
        self.after_commit = []  # callables run once the job's success is committed
        self._stop = threading.Event()
        self._app = current_app._get_current_object()

    def progress(self, done: int, total: int | None = None):
        """Report progress; `done` never goes below what an earlier attempt reached."""
        self.done, self.total = max(self.done, done), total if total is not None else self.total
        self._beat()

    def _beat(self):
        value = json.dumps({"claim": str(self.token), "beat": time.time(), "done": self.done, "total": self.total})
        try:
            with self._app.app_context():
                queue.put(live_key(self.id), value.encode())
        except Exception:
            log.warning("could not record the heartbeat of job %s", self.id, exc_info=True)

    def __enter__(self):
        interval = max(self._app.config["HRBPO_JOB_LEASE_SECONDS"] / 4, 0.2)

        def beat():
            while not self._stop.wait(interval):
                self._beat()

        self._beat()
        threading.Thread(target=beat, name=f"job-{self.id}-heartbeat", daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        return False


@queue.task("jobs.run")
def execute(job_id):
    """Run job `job_id` if it is due and nobody holds it (a doorbell; stale ones are skipped)."""
    row, token = _claim(uuid.UUID(str(job_id)))
    if row is None:
        return None
    kind = kind_for(row.kind)
    if kind is None:
        return _fail(row, token, f"No job kind {row.kind!r} is installed.", final=True)
    with tenancy.all_tenants():
        tenant = _tenant(row.tenant_id)
    with JobRun(row, token, tenant) as run:
        try:
            with tenancy.tenant_context(tenant) if tenant else tenancy.all_tenants():
                result = kind.run(run)
                finished = _finish(row, token, result, run)
            if not finished:
                db.session.rollback()
                log.warning("job %s was taken over by another attempt; this attempt's work is undone", row.id)
                return None
            db.session.commit()
        except DomainError as exc:  # the input is wrong: trying again cannot help
            db.session.rollback()
            return _fail(row, token, exc.detail, final=True, errors=exc.errors, run=run)
        except Exception as exc:
            db.session.rollback()
            log.exception("job %s (%s) failed on attempt %s", row.id, row.kind, row.attempts)
            return _fail(row, token, f"{type(exc).__name__}: {exc}"[:2000], final=row.attempts >= row.max_attempts,
                         run=run, delay=kind.retry_delay)
    _forget_live(row.id)
    for callback in run.after_commit:
        callback()
    return result


def _claim(job_id):
    now, token = utcnow(), uuid.uuid4()
    with tenancy.all_tenants():
        row = db.session.execute(
            sa.update(BackgroundJob).where(BackgroundJob.id == job_id, BackgroundJob.status.in_(("queued", "running")), BackgroundJob.claim.is_(None),
                                 BackgroundJob.run_after <= now)
            .values(status="running", claim=token, claimed_at=now, attempts=BackgroundJob.attempts + 1,
                    started_at=sa.func.coalesce(BackgroundJob.started_at, now))
            .returning(BackgroundJob.id, BackgroundJob.tenant_id, BackgroundJob.kind, BackgroundJob.params, BackgroundJob.attempts, BackgroundJob.max_attempts, BackgroundJob.progress_done,
                       BackgroundJob.progress_total, BackgroundJob.created_by)).first()
        db.session.commit()
    return row, token


def _tenant(tenant_id):
    return db.session.get(Tenant, tenant_id) if tenant_id else None


def _finish(row, token, result, run) -> bool:
    """Mark the job succeeded in the transaction that holds its effect, if the claim is still ours."""
    total = run.total if run.total is not None else run.done
    return db.session.execute(
        sa.update(BackgroundJob).where(BackgroundJob.id == row.id, BackgroundJob.claim == token, BackgroundJob.status == "running")
        .values(status="succeeded", result=result, errors=None, error=None, finished_at=utcnow(), claim=None,
                progress_done=max(run.done, total or 0), progress_total=total)
        .execution_options(synchronize_session=False)).rowcount == 1


def _fail(row, token, error, final, errors=None, run=None, delay=30.0):
    """Record a failed attempt: `failed` for good, or a retry after a backoff."""
    now = utcnow()
    values = {"error": error, "errors": errors or {"job": [error]}, "claim": None}
    if run is not None:  # done is already at least what earlier attempts reached (JobRun.progress)
        values.update(progress_done=run.done, progress_total=run.total)
    if final:
        values.update(status="failed", finished_at=now)
    else:
        values["run_after"] = now + timedelta(seconds=delay * 2 ** (row.attempts - 1))
    with tenancy.all_tenants():
        changed = db.session.execute(sa.update(BackgroundJob).where(BackgroundJob.id == row.id, BackgroundJob.claim == token).values(**values)
                                     .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    if changed and not final:
        queue.enqueue("jobs.run", str(row.id), eta=values["run_after"])
    if final:
        _forget_live(row.id)
    return None


def _forget_live(job_id):
    try:
        queue.forget(live_key(job_id))
    except Exception:
        log.warning("could not clear the live progress of job %s", job_id, exc_info=True)
