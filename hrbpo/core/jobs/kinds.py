"""What kinds of job there are: `@job_kind(name)` for core and module work,
plus one kind per periodic task the modules declare (`periodic_tasks` hook)."""
from collections.abc import Callable
from dataclasses import dataclass

from hrbpo.core.plugins.manager import plugins
from hrbpo.core.tenants.services import enabled_modules

_KINDS: dict[str, "JobKind"] = {}


@dataclass(frozen=True)
class JobKind:
    name: str
    # run(job_run) inside the job's tenant context → the job's `result` (a dict).
    # It must not commit: core commits its work together with the job's success.
    run: Callable
    retries: int = 2  # attempts after the first, with backoff from retry_delay
    retry_delay: float = 30.0
    permission: str | None = None  # who may see the job besides operators (None: HR admins)


def job_kind(name: str, retries: int = 2, retry_delay: float = 30.0, permission: str | None = None):
    """Declare a kind of job; `hrbpo.core.jobs.submit(name, params)` queues one."""
    def decorator(fn):
        _KINDS[name] = JobKind(name, fn, retries, retry_delay, permission)
        return fn
    return decorator


def periodic_tasks() -> dict:
    """The modules' periodic tasks by name."""
    return plugins().memo("periodic_tasks", lambda: {t.name: t for t in plugins().call("periodic_tasks")})


def kind_for(name: str) -> JobKind | None:
    if name in _KINDS:
        return _KINDS[name]
    task = periodic_tasks().get(name)
    if task is None:
        return None
    return JobKind(name, lambda job_run: _run_periodic(task, job_run.tenant), retries=2, retry_delay=60.0)


def _run_periodic(task, tenant) -> dict:
    if task.module not in enabled_modules(tenant):
        return {"summary": f"skipped: {task.module} is off for this tenant"}
    return {"summary": task.run(tenant)}
