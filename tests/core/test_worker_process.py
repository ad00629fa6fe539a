"""The real worker (`flask hrbpo worker`, a separate process): killed with
SIGKILL in the middle of an import, the next worker runs the job again and
its effect is applied once; mail it delivers reaches a real SMTP server."""
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from hrbpo.core import queue, tenancy
from hrbpo.core.db import db
from hrbpo.core.jobs import runner
from hrbpo.core.jobs.models import BackgroundJob

ROOT = Path(__file__).resolve().parents[2]
ROWS = 40_000


def start_worker(app, **env):
    # The migration URL too: cross-tenant work (claims, the outbox) runs on the operator connection.
    environment = {**os.environ, "HRBPO_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                   "HRBPO_MIGRATE_DATABASE_URL": app.config["HRBPO_MIGRATE_DATABASE_URL"],
                   "HRBPO_QUEUE_URL": app.config["HRBPO_QUEUE_URL"], "HRBPO_QUEUE_NAME": app.config["HRBPO_QUEUE_NAME"],
                   "HRBPO_INSTANCE_PATH": app.instance_path, "HRBPO_UPLOAD_DIR": app.config["HRBPO_UPLOAD_DIR"],
                   "HRBPO_JOB_LEASE_SECONDS": "1"}
    environment.pop("HRBPO_MAIL_URL", None)
    environment.update({k: v for k, v in env.items() if v is not None})
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "hrbpo", "worker", "--threads", "2"],
                            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds=120, what="condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def job_state(job_id):
    with tenancy.all_tenants():
        job = db.session.get(BackgroundJob, job_id, populate_existing=True)
        db.session.commit()
        return job


def stop(process):
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


def test_a_killed_worker_leaves_the_import_to_the_next_one_applied_once(tenant_a, app):
    body = "first_name,last_name,email,hire_date\n" + "".join(
        f"P{i},Q,p{i}@a.test,2024-01-01\n" for i in range(ROWS))
    r = tenant_a.hr.post(tenant_a.url("/employees/import"), headers={"Prefer": "respond-async"},
                         data={"file": (io.BytesIO(body.encode()), "big.csv")}, content_type="multipart/form-data")
    assert r.status_code == 202
    job_id = uuid.UUID(r.get_json()["job"]["id"])
    first = start_worker(app)
    try:
        # Kill it once it is visibly part-way through writing.
        wait_for(lambda: (runner.live(job_id) or {}).get("done", 0) >= 2000 or first.poll() is not None,
                 what="the first batches")
        assert first.poll() is None, first.stderr.read()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first)
    killed = job_state(job_id)
    assert (killed.status, killed.attempts) == ("running", 1) and killed.claim is not None
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 1  # its transaction died with it
    seen = tenant_a.hr.get(f"/api/v1/jobs/{job_id}").get_json()["progress"]["done"]
    time.sleep(1.5)  # its heartbeat has been silent for a lease
    second = start_worker(app)
    try:
        done = wait_for(lambda: job_state(job_id).status in ("succeeded", "failed") and job_state(job_id),
                        what="the second worker")
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=60)
        finally:
            stop(second)
    assert (done.status, done.attempts, done.result) == ("succeeded", 2, {"imported": ROWS})
    assert done.progress_done == ROWS >= seen
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == ROWS + 1  # once


def test_the_worker_delivers_mail_to_smtp_and_starts_with_nothing_up(app, smtp_server, make_tenant):
    from hrbpo.core import mail

    with tenancy.tenant_context(uuid.UUID(make_tenant("proc").id)):
        mail.write(_message("a@proc.test"), "a@proc.test", "Hello")
        db.session.commit()
    process = start_worker(app, HRBPO_MAIL_URL=smtp_server.url)
    try:
        wait_for(lambda: smtp_server.received, seconds=60, what="the message")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert [m["Subject"] for m in smtp_server.received] == ["Hello"]
    assert process.returncode == 0
    # Pointed at a Redis that is not there, it still starts and keeps running.
    down = start_worker(app, HRBPO_QUEUE_URL="redis://127.0.0.1:1/0")
    try:
        time.sleep(3)
        assert down.poll() is None
    finally:
        stop(down)


def _message(to):
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "Hello", "hrbpo@localhost", to
    message["Message-ID"] = make_msgid(domain="localhost")
    message.set_content("Hi.\n")
    return message


@pytest.fixture(autouse=True)
def _queue_is_process_wide(app):
    """The worker processes share this test's queue file and database."""
    assert app.config["HRBPO_QUEUE_URL"].startswith("sqlite:///")
    yield
    queue.huey().storage.flush_all()
