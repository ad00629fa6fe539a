"""The daily purge: finished mail and jobs past the keep period go, with the
files the jobs left; unfinished or recent work stays."""
import io
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa

from hrbpo.core import files, tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.core.jobs import purge
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.mail import write
from hrbpo.core.mail.models import OutboxMessage

OLD = timedelta(days=31)


def _mail(subject, status, age):
    message = EmailMessage()
    message["Message-ID"] = make_msgid()
    message.set_content(subject)
    id_ = write(message, "ada@example.test", subject)
    db.session.flush()
    at = utcnow() - age
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == id_)
                       .values(status=status, created_at=at, sent_at=at if status == "sent" else None))
    return id_


def _failed_import(kit, worker):
    r = kit.hr.post(kit.url("/employees/import"), headers={"Prefer": "respond-async"},
                    data={"file": (io.BytesIO(b"first_name,surname\nA,B\n"), "people.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 202, r.get_json()
    worker.run()
    return uuid.UUID(r.get_json()["job"]["id"])


def _age_job(job_id, age):
    with tenancy.all_tenants():
        db.session.execute(sa.update(BackgroundJob).where(BackgroundJob.id == job_id)
                           .values(finished_at=utcnow() - age))
        db.session.commit()


def _rows(model, *where):
    with tenancy.all_tenants():
        found = set(db.session.scalars(sa.select(model.id).where(*where)).all())
        db.session.commit()
    return found


def test_purge_forgets_old_finished_mail_and_jobs_and_their_files(app, tenant_a, worker):
    with tenancy.all_tenants():  # platform mail: no tenant
        old_sent, old_failed = _mail("old sent", "sent", OLD), _mail("old failed", "failed", OLD)
        new_sent, old_queued = _mail("new sent", "sent", timedelta(days=2)), _mail("old queued", "queued", OLD)
        db.session.commit()
    old_job, new_job = _failed_import(tenant_a, worker), _failed_import(tenant_a, worker)
    _age_job(old_job, OLD)
    with tenancy.all_tenants():
        params = db.session.get(BackgroundJob, old_job).params
        stored = db.session.get(files.StoredFile, (uuid.UUID(tenant_a.id), uuid.UUID(params["file_id"])))
        path = files._path(stored.tenant_id, stored.id)
        db.session.commit()
    assert path.exists()  # a failed import keeps its upload until the purge

    assert purge.purge() == "purged 2 messages, 1 jobs, 1 files"

    assert _rows(OutboxMessage) >= {new_sent, old_queued}
    assert not _rows(OutboxMessage, OutboxMessage.id.in_([old_sent, old_failed]))
    assert _rows(BackgroundJob, BackgroundJob.id.in_([old_job, new_job])) == {new_job}
    assert not _rows(files.StoredFile, files.StoredFile.id == stored.id) and not path.exists()
    assert purge.purge() == "purged 0 messages, 0 jobs, 0 files"  # nothing left to forget


def test_keep_period_is_a_setting_and_jobs_run_names_the_purge(app, tenant_a):
    with tenancy.all_tenants():
        recent = _mail("two days", "sent", timedelta(days=2))
        db.session.commit()
    before = app.config["HRBPO_KEEP_FINISHED_DAYS"]
    app.config["HRBPO_KEEP_FINISHED_DAYS"] = 1
    try:
        result = app.test_cli_runner().invoke(args=["hrbpo", "jobs", "run", "--task", "purge"])
    finally:
        app.config["HRBPO_KEEP_FINISHED_DAYS"] = before
    assert result.exit_code == 0 and "purged 1 messages" in result.output, result.output
    assert not _rows(OutboxMessage, OutboxMessage.id == recent)
