"""Test kit for the queue and mail (fixtures re-exported by hrbpo.testing).

- `worker`: the worker, in process: `worker.run()` runs every task waiting in
  the app's real Huey queue (SQLite storage in the test instance folder), the
  way `flask hrbpo worker` would; `worker.run(later=True)` first lets time
  pass until every retry is due (one backoff step per call).
- `mailbox`: what reached the `memory:` transport; reading it runs the worker
  first, so a test reads the mail its committed changes caused.
- `smtp_server`: a real SMTP server (aiosmtpd) on 127.0.0.1 that can be `up`,
  `refusing`, `hung` or `down`; `use()` points the app's mail at it.
- `queue_storage`: the app's queue on SQLite and then on Redis (a Huey of its
  own per test: a unique name, so its keys never meet another run's).
"""
import asyncio
import datetime
import email
import os
import socket
import uuid
from email import policy

import pytest
import sqlalchemy as sa
from huey import signals

REDIS_URL = os.environ.get("HRBPO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FAR_FUTURE = datetime.datetime(9999, 1, 1)


class InProcessWorker:
    """Runs the app's queued tasks in the test process, one after another."""

    def __init__(self, app):
        self.app, self.errors = app, []

    @property
    def huey(self):
        from hrbpo.core import queue

        return self.app.extensions[queue.EXTENSION][0]

    def _watch(self):
        huey = self.huey
        if not getattr(huey, "_hrbpo_watched", False):
            huey.signal(signals.SIGNAL_ERROR)(lambda signal, task, exc=None: self.errors.append((task, exc)))
            huey._hrbpo_watched = True

    def run(self, later=False, limit=10_000, raise_errors=True) -> int:
        """Run the queue dry; returns how many tasks ran. A task that raised is re-raised."""
        self._watch()
        huey, ran = self.huey, 0
        if later:  # time passes until what is waiting now is due (what fails again waits again)
            self.make_due()
            for item in huey.read_schedule(FAR_FUTURE):
                item.eta = None
                huey.enqueue(item)
        while ran < limit:
            task = huey.dequeue()
            if task is None:
                scheduled = huey.read_schedule(datetime.datetime.utcnow())
                if not scheduled:
                    break
                for item in scheduled:
                    huey.enqueue(item)
                continue
            huey.execute(task)
            ran += 1
        if raise_errors and self.errors:
            task, exc = self.errors.pop(0)
            self.errors.clear()
            raise AssertionError(f"task {task} raised {exc!r}") from exc
        return ran

    def make_due(self):
        """Let time pass: every message, job and webhook delivery waiting for a retry is due now."""
        from hrbpo.core import tenancy
        from hrbpo.core.db import db, utcnow
        from hrbpo.core.jobs.models import BackgroundJob
        from hrbpo.core.mail.models import OutboxMessage
        from hrbpo.core.webhooks.models import WebhookDelivery

        with self.app.app_context(), tenancy.all_tenants():
            now = utcnow()
            db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.status == "queued")
                               .values(next_attempt_at=now))
            db.session.execute(sa.update(BackgroundJob).where(BackgroundJob.claim.is_(None),
                                                               BackgroundJob.status.in_(("queued", "running")))
                               .values(run_after=now))
            db.session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.status == "pending",
                                                                WebhookDelivery.claimed_at.is_(None))
                               .values(next_attempt_at=now))
            db.session.commit()
            db.session.remove()

    def pending(self) -> int:
        return self.huey.pending_count() + self.huey.scheduled_count()


@pytest.fixture
def worker(app):
    """The worker, in process: `worker.run()` (see hrbpo.testing_queue)."""
    return InProcessWorker(app)


class Mailbox:
    """The messages delivered to the `memory:` transport; reading runs the worker first."""

    def __init__(self, worker, messages):
        self.worker, self._messages = worker, messages

    def _read(self):
        self.worker.run()
        return self._messages

    def __iter__(self):
        return iter(list(self._read()))

    def __len__(self):
        return len(self._read())

    def __getitem__(self, index):
        return self._read()[index]

    def __eq__(self, other):
        return list(self._read()) == list(other)

    def __bool__(self):
        return bool(self._read())

    def __repr__(self):
        return f"Mailbox({self._messages!r})"

    def clear(self):
        self._read().clear()


@pytest.fixture
def mailbox(app, worker):
    """The mail delivered during the test (tests use HRBPO_MAIL_URL=memory:):
    email.message.EmailMessage objects. Reading it first runs the queue, as
    the worker would, so it holds what committed transactions sent."""
    from hrbpo.core.mail.transport import transport

    messages = transport().messages
    worker.run()
    messages.clear()
    yield Mailbox(worker, messages)
    messages.clear()


# --- A real SMTP server


class SmtpSink:
    """aiosmtpd handler: stores what it accepts, or refuses, or hangs."""

    def __init__(self):
        self.received, self.mode, self.hang_seconds = [], "up", 5.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refusing":
            return "550 5.7.1 Relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "hung":  # takes the message, never answers in time, keeps nothing
            await asyncio.sleep(self.hang_seconds)
            return "451 4.3.0 Too late"
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpServer:
    """A local SMTP server: `.mode` = "up" | "refusing" | "hung" | "down",
    `.received` (EmailMessages), `.url` (with a short client timeout)."""

    def __init__(self, timeout=1.0):
        self.sink, self.controller = SmtpSink(), None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"smtp://127.0.0.1:{self.port}?timeout={timeout}"
        self.sink.hang_seconds = timeout * 3

    @property
    def received(self):
        return self.sink.received

    @property
    def mode(self):
        return "down" if self.controller is None else self.sink.mode

    @mode.setter
    def mode(self, value):
        if value == "down":
            self.stop()
            return
        self.sink.mode = value
        if self.controller is None:
            self.start()

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, ready_timeout=5)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.received]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) for the test; `smtp_server.use()` sends the app's mail there."""
    server = SmtpServer()
    server.start()
    before = app.config["HRBPO_MAIL_URL"]

    def use():
        app.config["HRBPO_MAIL_URL"] = server.url
        return server

    server.use = use
    yield server
    app.config["HRBPO_MAIL_URL"] = before
    server.stop()


# --- The queue on SQLite and on Redis


def redis_available() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def queue_storage(request, app, tmp_path):
    """The app's queue on each storage in turn: SQLite (a file) and Redis
    (HRBPO_TEST_REDIS_URL; skipped when none answers, unless CI=true)."""
    from hrbpo.core import queue

    if request.param == "redis" and not redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    url = REDIS_URL if request.param == "redis" else f"sqlite:///{tmp_path / 'queue.db'}"
    name = f"hrbpo-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    before = app.extensions[queue.EXTENSION]
    huey = queue.bind(app, queue.make_huey(url, app.instance_path, name))
    yield request.param
    huey.storage.flush_all()  # its own keys only (never FLUSHALL a shared Redis)
    app.extensions[queue.EXTENSION] = before
