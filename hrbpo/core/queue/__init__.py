"""The job queue: Huey on a SQLite file in the instance folder (the embedded
default) or on Redis (`HRBPO_QUEUE_URL`).

The queue only carries doorbells ("deliver these messages", "run this job").
What must survive lives in the database (the mail outbox, the jobs table) and
is claimed there with a conditional UPDATE, so a doorbell that is lost (a
worker killed, Redis restarted) or rung twice costs nothing: every minute the
sweepers ring again for whatever is due, and only one worker wins a claim.

Modules declare their work with `@queue.task(name)` and
`@queue.periodic(crontab(...), name)` at import time; `init_app` binds them to
the app's Huey instance, each run inside an app context with no tenant set.
`enqueue(name, *args)` rings now (never raises: the sweepers catch up), and
`after_commit(name, *args)` rings once the current transaction commits.
"""
import functools
import logging
import time
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from huey import RedisHuey, SqliteHuey
from huey import crontab as crontab
from huey.constants import EmptyData
from huey.storage import RedisStorage, SqliteStorage
from redis import ConnectionPool

from hrbpo.core import tenancy
from hrbpo.core.db import db

log = logging.getLogger(__name__)
EXTENSION = "hrbpo_queue"
PENDING = "hrbpo_queue_pending"  # key in Session.info: doorbells waiting for the commit
_TASKS: dict[str, tuple] = {}  # name → (function, crontab or None, Huey task options)


def task(name: str, **options):
    """Declare a function the worker runs: `enqueue(name, *args)` asks for it."""
    def decorator(fn):
        _TASKS[name] = (fn, None, options)
        return fn
    return decorator


def periodic(schedule, name: str):
    """Declare a function the worker's scheduler runs on `schedule` (a crontab, in UTC)."""
    def decorator(fn):
        _TASKS[name] = (fn, schedule, {})
        return fn
    return decorator


def make_huey(url: str | None, instance_path: str, name: str = "hrbpo"):
    """A Huey instance for HRBPO_QUEUE_URL: unset → <instance>/queue.db,
    `sqlite:///PATH` → that file, `redis://HOST:PORT/DB` → Redis."""
    url = url or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Short timeouts: a request that rings a doorbell must not hang on a
        # hung Redis (the sweepers ring again later). Blocking reads wait 1 s.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30)
        return RedisHuey(name, results=False, connection_pool=pool)
    if url and not url.startswith("sqlite:///"):
        raise ValueError("HRBPO_QUEUE_URL is not understood: use sqlite:///PATH or redis://HOST:PORT/DB")
    path = Path(url[len("sqlite:///"):]) if url else Path(instance_path) / "queue.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, results=False, filename=str(path), timeout=5, storage_class=QueueFile)


class QueueFile(SqliteStorage):
    """Huey's SQLite storage without an fsync per doorbell (WAL, synchronous=NORMAL):
    a crash keeps the file consistent and may lose the last few doorbells,
    which the sweepers ring again; a request that mails pays no disk flush."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=1")
        return connection


def init_app(app):
    bind(app, make_huey(app.config.get("HRBPO_QUEUE_URL"), app.instance_path,
                        app.config["HRBPO_QUEUE_NAME"]))


def bind(app, huey):
    """Make `huey` the app's queue and register every declared task on it."""
    wrappers = {}
    for name, (fn, schedule, options) in _TASKS.items():
        run = _in_app(app, fn)
        if schedule is None:
            wrappers[name] = huey.task(name=name, **options)(run)
        else:
            wrappers[name] = huey.periodic_task(schedule, name=name)(run)
    app.extensions[EXTENSION] = (huey, wrappers)
    return huey


def _in_app(app, fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with app.app_context(), tenancy.no_tenant():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()
    return run


def huey():
    return current_app.extensions[EXTENSION][0]


def enqueue(name: str, *args, eta=None) -> bool:
    """Ring for task `name` now (or at `eta`, an aware UTC datetime). False if
    the queue could not be reached: the sweepers ring again within a minute."""
    _, wrappers = current_app.extensions[EXTENSION]
    try:
        if eta is None:
            wrappers[name](*args)
        else:
            wrappers[name].schedule(args=args, eta=eta.replace(tzinfo=None) if eta.tzinfo else eta)
        return True
    except Exception:  # the queue is down or hung: the row in the database is what counts
        log.warning("could not enqueue %s; the sweeper will retry", name, exc_info=True)
        return False


def after_commit(name: str, *args):
    """Ring for task `name` once the current transaction commits (not at all on rollback)."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(PENDING, []).append((current_app._get_current_object(), name, args))


def _ring_pending(session):
    pending = session.info.pop(PENDING, None)
    for app, name, args in pending or ():
        with app.app_context():
            enqueue(name, *args)


def _drop_pending(session, previous_transaction):
    if not previous_transaction.nested:  # a savepoint rolling back keeps the transaction's doorbells
        session.info.pop(PENDING, None)


sa.event.listen(db.session, "after_commit", _ring_pending)
sa.event.listen(db.session, "after_soft_rollback", _drop_pending)


def check() -> str:
    """The queue's readiness for /readyz: "ok" or a short reason (no address, no credentials)."""
    try:
        storage = huey().storage
        if isinstance(storage, RedisStorage):
            storage.conn.ping()
        else:
            storage.queue_size()
    except Exception as exc:
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def depth() -> dict:
    """What is waiting in the queue itself: doorbells ready now and scheduled later."""
    storage = huey().storage
    return {"ready": storage.queue_size(), "scheduled": storage.schedule_size()}


HEARTBEAT = "hrbpo.worker.heartbeat"


@periodic(crontab(minute="*"), "queue.heartbeat")
def heartbeat():
    """A worker's scheduler is alive: the console shows how long ago it last said so."""
    put(HEARTBEAT, str(time.time()).encode())


def last_heartbeat() -> float | None:
    """Seconds since a worker's scheduler last ran (None: never, or the queue is unreachable)."""
    try:
        value = get(HEARTBEAT)
    except Exception:
        return None
    return time.time() - float(value) if value else None


def put(key: str, value: bytes):
    """Keep a small value in the queue's storage (live progress, heartbeats):
    out of the database, so it is visible while a long transaction is open."""
    huey().storage.put_data(key, value)


def get(key: str) -> bytes | None:
    value = huey().storage.peek_data(key)
    return None if value is EmptyData else bytes(value)


def forget(key: str):
    huey().storage.pop_data(key)
