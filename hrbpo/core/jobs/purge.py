"""Forgetting finished work, so the outbox and the jobs table do not grow
without bound while holding employees' names and addresses: sent and failed
mail and finished jobs older than HRBPO_KEEP_FINISHED_DAYS (default 30) go,
with the files those jobs left behind (exports, uploads of failed imports).

The worker runs it daily; `flask hrbpo jobs run --task purge` runs it now.
Queued, sending and running work is never touched, whatever its age.
"""
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from hrbpo.core import files, queue, tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.mail.models import OutboxMessage

NAME = "purge"


@queue.periodic(queue.crontab(minute="41", hour="3"), "jobs.purge")
def purge(now=None) -> str:
    """Delete finished mail and jobs older than the keep period; a summary line."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["HRBPO_KEEP_FINISHED_DAYS"])
    with tenancy.all_tenants():
        mail = db.session.execute(sa.delete(OutboxMessage).where(
            sa.or_(sa.and_(OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff),
                   sa.and_(OutboxMessage.status == "failed", OutboxMessage.created_at < cutoff)))).rowcount
        finished = db.session.execute(sa.select(BackgroundJob.id, BackgroundJob.tenant_id, BackgroundJob.params,
                                                BackgroundJob.result)
                                      .where(BackgroundJob.status.in_(("succeeded", "failed")),
                                             BackgroundJob.finished_at < cutoff)).all()
        unlinks = [files.discard(stored) for stored in _left_files(finished)]
        if finished:
            db.session.execute(sa.delete(BackgroundJob).where(BackgroundJob.id.in_([job.id for job in finished])))
        db.session.commit()
    for unlink in unlinks:
        unlink()
    return f"purged {mail} messages, {len(finished)} jobs, {len(unlinks)} files"


def _left_files(jobs) -> list:
    """The stored files these jobs name (an import's upload, an export's result) that still exist."""
    keys = {(job.tenant_id, uuid.UUID(file_id)) for job in jobs
            for file_id in ((job.params or {}).get("file_id"), (job.result or {}).get("file_id")) if file_id}
    found = (db.session.get(files.StoredFile, key) for key in keys)
    return [stored for stored in found if stored is not None]
