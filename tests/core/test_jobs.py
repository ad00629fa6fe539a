"""Jobs: the asynchronous CSV import (Prefer: respond-async), the Jobs API and
its tenant isolation, retries, a poison job, periodic tasks per time zone."""
import io
import socket
import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.core.jobs import job_kind, kinds, periodic, runner
from hrbpo.core.jobs import services as job_services
from hrbpo.core.jobs.models import BackgroundJob

HEADER = "first_name,last_name,email,hire_date\n"
ASYNC = {"Prefer": "respond-async"}


def people(n, start=0, domain="a.test"):
    return "".join(f"P{i},Q,p{i}@{domain},2024-01-01\n" for i in range(start, start + n))


def upload(kit, text, client=None, headers=ASYNC):
    return (client or kit.hr).post(kit.url("/employees/import"), headers=headers,
                                   data={"file": (io.BytesIO(text.encode()), "people.csv")},
                                   content_type="multipart/form-data")


def test_async_import_answers_202_and_the_worker_imports(tenant_a, worker):
    r = upload(tenant_a, HEADER + people(30))
    assert r.status_code == 202, r.get_json()
    job = r.get_json()["job"]
    assert r.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert r.headers["Preference-Applied"] == "respond-async"
    assert (job["status"], job["kind"], job["tenant"], job["attempts"]) == ("queued", "employees.import", "tenant-a", 0)
    assert job["created_by"] == tenant_a.hr.user["id"]
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 1  # nothing yet: the worker imports
    worker.run()
    done = tenant_a.hr.get(r.headers["Location"]).get_json()
    assert (done["status"], done["result"], done["errors"], done["attempts"]) == ("succeeded", {"imported": 30}, None, 1)
    assert done["progress"] == {"done": 30, "total": 30}
    assert done["started_at"] and done["finished_at"] and set(done) >= {"created_at", "created_by"}
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 31


def test_async_import_with_bad_rows_fails_with_errors_by_line_and_imports_nothing(tenant_a, worker, monkeypatch):
    from hrbpo.core.people import importer

    monkeypatch.setattr(importer, "BATCH", 5)
    text = HEADER + people(12) + "Bad,Row,not-an-email,2024-01-01\n" + "Dup,Row,p0@a.test,2024-01-01\n"
    job = upload(tenant_a, text).get_json()["job"]
    worker.run()
    failed = tenant_a.hr.get(f"/api/v1/jobs/{job['id']}").get_json()
    assert failed["status"] == "failed" and set(failed["errors"]) == {"14", "15"}
    assert failed["attempts"] == 1  # bad input is not retried
    assert failed["progress"]["done"] == 14 and failed["progress"]["total"] == 14
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 1
    bad_header = upload(tenant_a, "first_name,surname\nA,B\n").get_json()["job"]
    worker.run()
    assert set(tenant_a.hr.get(f"/api/v1/jobs/{bad_header['id']}").get_json()["errors"]) == {"1"}


def test_progress_is_visible_while_the_import_runs(tenant_a, worker, monkeypatch, app):
    from hrbpo.core.people import importer

    monkeypatch.setattr(importer, "BATCH", 10)
    seen = []
    real_write = importer._write

    def write_and_look(records):
        real_write(records)
        # What an HR admin polling the API sees while the worker's transaction is still open.
        with app.app_context():
            seen.append(tenant_a.hr.get(f"/api/v1/jobs/{job['id']}").get_json())

    monkeypatch.setattr(importer, "_write", write_and_look)
    job = upload(tenant_a, HEADER + people(35)).get_json()["job"]
    worker.run()
    assert [s["status"] for s in seen] == ["running"] * 4
    assert [s["progress"] for s in seen] == [{"done": 0, "total": None}] + [
        {"done": n, "total": 35} for n in (10, 20, 30)]
    assert tenant_a.hr.get(f"/api/v1/jobs/{job['id']}").get_json()["progress"] == {"done": 35, "total": 35}


def test_synchronous_import_stays(tenant_a):
    r = upload(tenant_a, HEADER + people(3), headers={})
    assert r.status_code == 201 and r.get_json() == {"imported": 3}


def test_jobs_are_isolated_by_tenant(tenant_a, tenant_b, worker, operator, client):
    mine = upload(tenant_a, HEADER + people(2)).get_json()["job"]
    theirs = upload(tenant_b, HEADER + people(2, domain="b.test")).get_json()["job"]
    worker.run()
    assert tenant_a.hr.get(f"/api/v1/jobs/{theirs['id']}").status_code == 404
    assert tenant_a.hr.get(f"/api/v1/jobs/{uuid.uuid4()}").status_code == 404
    assert tenant_a.hr.get("/api/v1/jobs/not-a-uuid").status_code == 404
    assert tenant_a.employee.get(f"/api/v1/jobs/{mine['id']}").status_code in (403, 404)
    assert tenant_a.employee.get(f"/api/v1/jobs/{theirs['id']}").status_code == 404
    assert client.get(f"/api/v1/jobs/{mine['id']}").status_code == 401
    assert operator.get(f"/api/v1/jobs/{theirs['id']}").status_code == 200
    listed = tenant_a.hr.get("/api/v1/jobs").get_json()
    assert [j["id"] for j in listed["items"]] == [mine["id"]] and listed["total"] == 1
    assert tenant_a.hr.get("/api/v1/jobs?tenant=tenant-b").status_code == 404
    assert tenant_a.employee.get("/api/v1/jobs").status_code == 403
    everyone = operator.get("/api/v1/jobs?kind=employees.import&status=succeeded").get_json()
    assert {j["tenant"] for j in everyone["items"]} == {"tenant-a", "tenant-b"}
    assert operator.get("/api/v1/jobs?tenant=tenant-b").get_json()["items"][0]["id"] == theirs["id"]
    assert operator.get("/api/v1/jobs?status=nope").status_code == 422
    # Retrying is for operators, and for failed jobs.
    assert tenant_a.hr.post(f"/api/v1/jobs/{mine['id']}/retry").status_code == 403
    assert operator.post(f"/api/v1/jobs/{mine['id']}/retry").status_code == 409


FLAKY = {"fails": 0}


@job_kind("test.flaky", retries=2, retry_delay=5)
def _flaky(run):
    if FLAKY["fails"]:
        FLAKY["fails"] -= 1
        raise RuntimeError("the carrier's server hung up")
    return {"ok": True}


@job_kind("test.poison", retries=1, retry_delay=5)
def _poison(run):
    raise ZeroDivisionError("always")


def _submit(kind, kit):
    with tenancy.tenant_context(uuid.UUID(kit.id)):
        job = job_services.submit(kind, {})
        db.session.commit()
    return str(job.id)


def _job(job_id):
    with tenancy.all_tenants():
        job = db.session.get(BackgroundJob, uuid.UUID(job_id), populate_existing=True)
        db.session.commit()
    return job


def test_a_job_that_raises_is_retried_with_backoff_then_succeeds(tenant_a, worker):
    FLAKY["fails"] = 1
    job_id = _submit("test.flaky", tenant_a)
    worker.run()
    job = _job(job_id)
    assert (job.status, job.attempts, job.claim) == ("running", 1, None)  # never back to queued
    assert "hung up" in job.error and job.run_after > utcnow() + timedelta(seconds=3)
    worker.run(later=True)
    job = _job(job_id)
    assert (job.status, job.attempts, job.result, job.error) == ("succeeded", 2, {"ok": True}, None)


def test_a_poison_job_fails_with_its_error_and_never_blocks_the_queue(tenant_a, worker, operator):
    FLAKY["fails"] = 0
    poison = _submit("test.poison", tenant_a)
    fine = _submit("test.flaky", tenant_a)
    worker.run()
    assert _job(fine).status == "succeeded"
    worker.run(later=True)
    job = operator.get(f"/api/v1/jobs/{poison}").get_json()
    assert (job["status"], job["attempts"]) == ("failed", 2) and "ZeroDivisionError: always" in job["error"]
    assert job["errors"] == {"job": ["ZeroDivisionError: always"]}
    worker.run(later=True)
    assert _job(poison).attempts == 2  # failed stays failed
    # The operator retries it: a fresh round of attempts.
    r = operator.post(f"/api/v1/jobs/{poison}/retry")
    assert r.status_code == 202 and r.get_json()["job"]["status"] == "queued"
    assert r.headers["Location"] == f"/api/v1/jobs/{poison}"
    worker.run(later=True)
    worker.run(later=True)
    assert (_job(poison).status, _job(poison).attempts) == ("failed", 4)


def test_a_job_whose_worker_went_silent_is_run_again_and_applied_once(tenant_a, worker, app):
    job_id = upload(tenant_a, HEADER + people(5)).get_json()["job"]["id"]
    row, token = runner._claim(uuid.UUID(job_id))  # a worker claims it and dies: no heartbeat ever
    assert _job(job_id).status == "running"
    job_services.sweep()
    assert _job(job_id).claim == token  # the lease still runs
    job_services.sweep(now=utcnow() + timedelta(seconds=app.config["HRBPO_JOB_LEASE_SECONDS"] + 1))
    worker.run()
    job = _job(job_id)
    assert (job.status, job.attempts, job.result) == ("succeeded", 2, {"imported": 5})
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 6
    # The first worker comes back and tries to finish: its claim is no longer the job's.
    with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
        assert runner._finish(row, token, {"imported": 5}, runner.JobRun(row, token, None)) is False
        db.session.rollback()


def test_periodic_tasks_run_once_a_day_at_each_tenants_local_time(app, make_tenant, operator, worker):
    calls = []
    task = kinds.periodic_tasks()["recruitment.purge"]
    original = task.run
    object.__setattr__(task, "run", lambda tenant: calls.append(tenant.slug) or "ok")
    try:
        oslo = make_tenant("oslo", modules=["recruitment"])
        operator.patch("/api/v1/tenants/oslo", json={"timezone": "Europe/Oslo"})
        operator.patch(f"/api/v1/tenants/{make_tenant('kolkata', modules=['recruitment']).slug}",
                       json={"timezone": "Asia/Kolkata"})
        make_tenant("off")  # the module is off: never
        at = task.at
        # 06:00 in Kolkata (UTC+5:30) comes first; Oslo (UTC+1 in winter) is still at night.
        kolkata_morning = datetime.combine(datetime(2026, 1, 15).date(), at, timezone(timedelta(hours=5, minutes=30)))
        periodic.dispatch(now=kolkata_morning.astimezone(timezone.utc) + timedelta(minutes=1))
        worker.run()
        assert calls == ["kolkata"]
        periodic.dispatch(now=kolkata_morning.astimezone(timezone.utc) + timedelta(minutes=6))
        worker.run()
        assert calls == ["kolkata"]  # once a day
        oslo_morning = datetime.combine(datetime(2026, 1, 15).date(), at, timezone(timedelta(hours=1)))
        periodic.dispatch(now=oslo_morning.astimezone(timezone.utc))
        worker.run()
        assert calls == ["kolkata", "oslo"]
        jobs = operator.get("/api/v1/jobs?kind=recruitment.purge").get_json()["items"]
        assert {(j["tenant"], j["status"], j["result"]["summary"]) for j in jobs} == {
            ("kolkata", "succeeded", "ok"), ("oslo", "succeeded", "ok")}
        assert oslo.slug == "oslo"
    finally:
        object.__setattr__(task, "run", original)


def test_jobs_run_runs_a_task_now(app, make_tenant):
    make_tenant("acme", modules=["recruitment"])
    runner_cli = app.test_cli_runner()
    r = runner_cli.invoke(args=["hrbpo", "jobs", "run", "--task", "recruitment.purge"])
    assert r.exit_code == 0 and "acme recruitment.purge:" in r.output
    r = runner_cli.invoke(args=["hrbpo", "jobs", "run", "--task", "no.such"])
    assert r.exit_code != 0 and "recruitment.purge" in r.output


def test_periodic_task_default_time_is_morning():
    from hrbpo.core.plugins.types import PeriodicTask

    assert PeriodicTask("x", lambda t: "", "m").at == time(6, 0)


def test_queue_check_names_the_problem_not_the_address(app, tmp_path):
    from hrbpo.core import queue

    assert queue.check() == "ok"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = app.extensions[queue.EXTENSION]
    try:
        queue.bind(app, queue.make_huey(f"redis://:s3cret@127.0.0.1:{port}/0", app.instance_path, "hrbpo-check"))
        reason = queue.check()
    finally:
        app.extensions[queue.EXTENSION] = before
    assert reason.startswith("unreachable") and "s3cret" not in reason and str(port) not in reason


def test_a_job_is_read_in_three_statements(tenant_a, worker, count_queries):
    job = upload(tenant_a, HEADER + people(2)).get_json()["job"]
    worker.run()
    tenant_a.hr.get(f"/api/v1/jobs/{job['id']}")
    with count_queries() as q:
        assert tenant_a.hr.get(f"/api/v1/jobs/{job['id']}").status_code == 200
    assert q.count <= 3, q.statements
