"""Background jobs: imports, exports and the modules' periodic tasks, run by
the worker (`flask hrbpo worker`) and recorded in the `jobs` table.

`submit(kind, params)` queues a job of a kind declared with
`@job_kind(name)`; the worker claims it, runs it in its tenant's context with
`progress(done, total)`, and commits its effect with its success. A job that
raises is retried with backoff, then `failed` with its error; one whose worker
died is run again once its heartbeat has been silent for a lease.
"""
from hrbpo.core.jobs import periodic, purge, runner  # noqa: F401  (declare the worker's tasks)
from hrbpo.core.jobs.kinds import JobKind, job_kind, kind_for
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.jobs.periodic import run_periodic
from hrbpo.core.jobs.services import retry, submit, sweep, visible_job

__all__ = ["BackgroundJob", "JobKind", "job_kind", "kind_for", "retry", "run_periodic", "submit", "sweep", "visible_job"]
