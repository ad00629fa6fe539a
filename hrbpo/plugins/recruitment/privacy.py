"""Candidate privacy: data export on request, anonymisation after retention."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from hrbpo.plugin_api import audit, db, files, utcnow
from hrbpo.plugins.recruitment.models import Application, Candidate, Interview, Offer, Scorecard, StageChange
from hrbpo.plugins.recruitment.services import application_query, settings


def export_candidate(candidate: Candidate) -> dict:
    """Everything held about a candidate (data subject access request)."""
    applications = db.session.scalars(application_query(candidate_id=candidate.id)).all()
    app_ids = [a.id for a in applications]
    changes = db.session.scalars(sa.select(StageChange).where(StageChange.application_id.in_(app_ids))
                                 .order_by(StageChange.at)).all() if app_ids else []
    interviews = db.session.scalars(sa.select(Interview).where(Interview.application_id.in_(app_ids))).all() \
        if app_ids else []
    offers = db.session.scalars(sa.select(Offer).where(Offer.application_id.in_(app_ids))).all() if app_ids else []
    resume = files.get(candidate.resume_file_id) if candidate.resume_file_id else None
    audit.record("recruitment.candidate.export", candidate, {})
    return {
        "candidate": {k: getattr(candidate, k) for k in (
            "id", "first_name", "last_name", "email", "phone", "consent_at", "consent_version", "created_at",
            "anonymised_at")},
        "resume": {"filename": resume.filename, "content_type": resume.content_type, "size": resume.size}
        if resume else None,
        "applications": [{
            "id": a.id, "job_id": a.job_id, "job_title": a.job.title, "stage": a.stage.name, "status": a.status,
            "source": a.source, "created_at": a.created_at, "rejection_reason": a.rejection_reason,
            "history": [{"from": c.from_stage, "to": c.to_stage, "at": c.at, "note": c.note}
                        for c in changes if c.application_id == a.id],
            "interviews": [{"id": i.id, "scheduled_at": i.scheduled_at} for i in interviews
                           if i.application_id == a.id],
            "offers": [{"id": o.id, "status": o.status, "salary": str(o.salary), "currency": o.currency}
                       for o in offers if o.application_id == a.id],
        } for a in applications],
    }


def purge(now: datetime | None = None) -> int:
    """Anonymise candidates never hired whose last application is older than
    the tenant's retention period; returns how many."""
    days = settings()["retention_days"]
    cutoff = (now or utcnow()) - timedelta(days=days)
    last = (sa.select(Application.candidate_id, sa.func.max(Application.created_at).label("last"),
                      sa.func.count(Application.hired_at).label("hires"))
            .group_by(Application.candidate_id).subquery())
    candidates = db.session.scalars(
        sa.select(Candidate).outerjoin(last, last.c.candidate_id == Candidate.id)
        .where(Candidate.anonymised_at.is_(None),
               sa.func.coalesce(last.c.hires, 0) == 0,
               sa.func.coalesce(last.c.last, Candidate.created_at) < cutoff)).all()
    for candidate in candidates:
        anonymise(candidate)
    return len(candidates)


def anonymise(candidate: Candidate):
    app_ids = sa.select(Application.id).where(Application.candidate_id == candidate.id)
    candidate.first_name, candidate.last_name = "Anonymised", "candidate"
    candidate.email = f"anonymised-{candidate.id}@invalid"
    candidate.phone, candidate.anonymised_at = None, utcnow()
    resume_id, candidate.resume_file_id = candidate.resume_file_id, None
    db.session.execute(sa.update(StageChange).where(StageChange.application_id.in_(app_ids)).values(note=None)
                       .execution_options(synchronize_session=False))
    interviews = sa.select(Interview.id).where(Interview.application_id.in_(app_ids))
    db.session.execute(sa.update(Scorecard).where(Scorecard.interview_id.in_(interviews)).values(notes=None)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    if resume_id is not None:
        _drop_file(resume_id)
    audit.record("recruitment.candidate.anonymise", candidate, {})


def _drop_file(file_id):
    """Delete a stored file's row and bytes (core files has no delete yet)."""
    stored = files.get(file_id)
    path = files._path(stored.tenant_id, stored.id)
    db.session.delete(stored)
    db.session.flush()
    path.unlink(missing_ok=True)
