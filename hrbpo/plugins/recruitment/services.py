"""Recruitment rules: pipelines, applications, interviews, offers, hiring and
retention. Views call these, then commit."""
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import g
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy.orm import joinedload

from hrbpo.core import audit, files
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.auth.services import normalise_email
from hrbpo.core.db import db, get_or_404, utcnow
from hrbpo.core.errors import Conflict, Forbidden, Invalid, NotFound
from hrbpo.core.people.models import Employee
from hrbpo.core.people.services import create_employee, current_tenant
from hrbpo.core.tenants.models import TenantModule
from hrbpo.core.tenants.services import module_settings
from hrbpo.plugins.recruitment.models import (FINAL_KINDS, Application, Candidate, Interview, Job, Offer, Panelist,
                                              RejectionReason, Scorecard, Stage, StageChange)

MODULE = "recruitment"
DEFAULT_STAGES = (("Applied", "screen"), ("Phone screen", "screen"), ("Interview", "interview"),
                  ("Offer", "offer"), ("Hired", "hired"), ("Rejected", "rejected"))
DEFAULT_REASONS = ("Not enough experience", "Skills do not match", "Salary expectations too high",
                   "Position filled", "Candidate withdrew", "No response from candidate")
JOB_FIELDS = ("title", "description", "department", "location", "country", "remote", "employment_type", "openings",
              "hiring_manager_id", "salary_min", "salary_max", "currency", "valid_through")


def _actor():
    return g.get("user")


def settings() -> dict:
    return module_settings(current_tenant(), MODULE)


def save_settings(changes: dict) -> dict:
    row = db.session.scalars(sa.select(TenantModule).where(TenantModule.name == MODULE)).one()
    before = dict(row.settings or {})
    row.settings = {**before, **changes}
    db.session.flush()
    audit.record("recruitment.settings", target_type="module", target_id=MODULE,
                 changes={k: [before.get(k), v] for k, v in changes.items()})
    return settings()


# --- Pipeline stages and rejection reasons


def seed_defaults():
    """Default pipeline and rejection reasons for a tenant switching the module on."""
    if db.session.scalars(sa.select(Stage.id)).first() is None:
        for position, (name, kind) in enumerate(DEFAULT_STAGES):
            db.session.add(Stage(name=name, kind=kind, position=position))
    if db.session.scalars(sa.select(RejectionReason.id)).first() is None:
        for position, label in enumerate(DEFAULT_REASONS):
            db.session.add(RejectionReason(label=label, position=position))
    db.session.flush()


def stages() -> list[Stage]:
    return db.session.scalars(sa.select(Stage).order_by(Stage.position)).all()


def _stage_of_kind(kind) -> Stage:
    stage = db.session.scalars(sa.select(Stage).where(Stage.kind == kind).order_by(Stage.position)).first()
    if stage is None:
        raise Conflict(f"The pipeline has no '{kind}' stage; add one under stages first.")
    return stage


def replace_stages(items: list[dict]) -> list[Stage]:
    """Make the pipeline exactly `items`, in order: given ids are kept (renamed,
    re-kinded, reordered), items without id are new, missing ones are deleted
    unless an application is in them (409)."""
    current = {s.id: s for s in stages()}
    errors = {}
    if not items:
        errors["_schema"] = ["The pipeline needs at least one stage."]
    elif items[0]["kind"] in FINAL_KINDS:
        errors["0.kind"] = ["The first stage receives new applications; it cannot be hired or rejected."]
    for kind in FINAL_KINDS:
        if items and kind not in {i["kind"] for i in items}:
            errors.setdefault("_schema", []).append(f"The pipeline needs a '{kind}' stage.")
    names = Counter(i["name"].strip().lower() for i in items)
    for index, item in enumerate(items):
        if item.get("id") is not None and item["id"] not in current:
            errors[f"{index}.id"] = ["No such stage in this pipeline."]
        if names[item["name"].strip().lower()] > 1:
            errors[f"{index}.name"] = ["Stage names must be unique."]
    kept = [i["id"] for i in items if i.get("id") is not None]
    if len(kept) != len(set(kept)):
        errors.setdefault("_schema", []).append("A stage id appears twice.")
    if errors:
        raise Invalid(errors)
    removed = [s for sid, s in current.items() if sid not in set(kept)]
    if removed:
        used = db.session.scalars(sa.select(Application.stage_id).where(
            Application.stage_id.in_([s.id for s in removed])).distinct()).all()
        if used:
            names_used = ", ".join(current[sid].name for sid in used)
            raise Conflict(f"Stage(s) still holding applications cannot be deleted: {names_used}.")
    for stage in removed:
        db.session.delete(stage)
    result = []
    for position, item in enumerate(items):
        stage = current[item["id"]] if item.get("id") is not None else Stage()
        stage.name, stage.kind, stage.position = item["name"].strip(), item["kind"], position
        db.session.add(stage)
        result.append(stage)
    db.session.flush()
    audit.record("recruitment.stages.replace", target_type="Stage", target_id=None,
                 changes={"stages": [f"{s.name} ({s.kind})" for s in result],
                          "deleted": [s.name for s in removed]})
    return result


def rejection_reasons() -> list[RejectionReason]:
    return db.session.scalars(sa.select(RejectionReason).order_by(RejectionReason.position)).all()


def replace_rejection_reasons(labels: list[str]) -> list[RejectionReason]:
    labels = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    for reason in rejection_reasons():
        db.session.delete(reason)
    db.session.flush()
    reasons = [RejectionReason(label=label, position=i) for i, label in enumerate(labels)]
    db.session.add_all(reasons)
    db.session.flush()
    audit.record("recruitment.reasons.replace", target_type="RejectionReason", target_id=None,
                 changes={"reasons": labels})
    return reasons


# --- Jobs


def job_query(status=None):
    query = sa.select(Job).order_by(Job.created_at.desc(), Job.id.desc())
    return query.where(Job.status == status) if status else query


def _check_job(job: Job):
    errors = {}
    if job.salary_min is not None and job.salary_max is not None and job.salary_min > job.salary_max:
        errors["salary_max"] = ["Must not be below salary_min."]
    if (job.salary_min is not None or job.salary_max is not None) and not job.currency:
        errors["currency"] = ["Give the currency of the salary range."]
    if job.hiring_manager_id is not None and db.session.scalars(
            sa.select(Employee.id).where(Employee.id == job.hiring_manager_id)).first() is None:
        errors["hiring_manager_id"] = ["No employee with this id in this tenant."]
    if errors:
        raise Invalid(errors)


def create_job(data: dict) -> Job:
    job = Job(status="draft", **{k: v for k, v in data.items() if k in JOB_FIELDS})
    job.currency = job.currency or (current_tenant().currency if job.salary_min or job.salary_max else None)
    _check_job(job)
    db.session.add(job)
    db.session.flush()
    audit.record("recruitment.job.create", job, {k: data[k] for k in data if k in JOB_FIELDS})
    return job


def update_job(job: Job, changes: dict) -> Job:
    diff = {}
    for key, value in changes.items():
        if key in JOB_FIELDS and getattr(job, key) != value:
            diff[key] = [getattr(job, key), value]
            setattr(job, key, value)
    _check_job(job)
    if diff:
        db.session.flush()
        audit.record("recruitment.job.update", job, diff)
    return job


def change_status(item: Job | Offer, action: str) -> Job | Offer:
    """Take a workflow step of a job or offer (409 when it is the wrong one), audited."""
    before = item.transition(action)
    db.session.flush()
    audit.record(f"recruitment.{type(item).__name__.lower()}.{action}", item, {"status": [before, item.status]})
    return item


# --- Candidates and applications


def application_query(job_id=None, stage_id=None, candidate_id=None):
    """Applications with candidate, job and stage loaded in the same statement."""
    query = (sa.select(Application)
             .options(joinedload(Application.candidate), joinedload(Application.job), joinedload(Application.stage))
             .order_by(Application.created_at.desc(), Application.id.desc()))
    if job_id:
        query = query.where(Application.job_id == job_id)
    if stage_id:
        query = query.where(Application.stage_id == stage_id)
    if candidate_id:
        query = query.where(Application.candidate_id == candidate_id)
    return query


def get_application(application_id) -> Application:
    application = db.session.scalars(application_query().where(Application.id == _uuid(application_id))).first()
    if application is None:
        raise NotFound("Application not found.")
    return application


def _uuid(value):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.")


def find_or_add_candidate(data: dict, consent_version: str) -> Candidate:
    """The tenant's candidate with this email (a repeat applicant), or a new one."""
    email = normalise_email(data["email"])
    candidate = db.session.scalars(sa.select(Candidate).where(Candidate.email == email)).first()
    now = utcnow()
    if candidate is None:
        candidate = Candidate(first_name=data["first_name"].strip(), last_name=data["last_name"].strip(), email=email,
                              phone=data.get("phone"))
        db.session.add(candidate)
    elif data.get("phone") and not candidate.phone:
        candidate.phone = data["phone"]
    candidate.consent_at, candidate.consent_version = now, consent_version
    db.session.flush()
    return candidate


def apply(job: Job, candidate_data: dict, consent: bool, source="manual", resume=None, public=False) -> Application:
    """Put a candidate into the first stage of `job`'s pipeline."""
    if consent is not True:
        raise Invalid({"consent": ["The candidate must consent to the processing of their data."]})
    if public and job.status != "open":
        raise NotFound("Job not found.")
    if job.status == "closed":
        raise Conflict("The job is closed; it takes no more applications.")
    candidate = find_or_add_candidate(candidate_data, settings()["consent_version"])
    duplicate = db.session.scalars(sa.select(Application.id).where(
        Application.job_id == job.id, Application.candidate_id == candidate.id)).first()
    if duplicate is not None:
        raise Conflict(f"{candidate.email} has already applied to this job.")
    if resume is not None:
        attach_resume(candidate, resume)
    first = db.session.scalars(sa.select(Stage).order_by(Stage.position)).first()
    if first is None:
        raise Conflict("The pipeline has no stages; set them up first.")
    application = Application(job_id=job.id, candidate_id=candidate.id, stage_id=first.id, source=source)
    application.job, application.candidate, application.stage = job, candidate, first
    db.session.add(application)
    db.session.flush()
    actor = _actor()
    db.session.add(StageChange(application_id=application.id, to_stage_id=first.id, to_stage=first.name,
                               actor_id=getattr(actor, "id", None), actor_email=getattr(actor, "email", None),
                               note=f"Applied ({source})"))
    db.session.flush()
    audit.record("recruitment.application.create", application,
                 {"job_id": job.id, "candidate_id": candidate.id, "source": source})
    return application


def get_stage(stage_id) -> Stage:
    stage = db.session.get(Stage, (current_tenant().id, stage_id)) if stage_id else None
    if stage is None:
        raise Invalid({"stage_id": ["No such stage in this pipeline."]})
    return stage


def move(application: Application, stage: Stage, note=None) -> Application:
    """Move to `stage`. Moving into a hired stage hires (today), into a
    rejected stage rejects (the note is the reason)."""
    if stage.kind == "hired":
        return hire(application, utcnow().date(), note=note, stage=stage)
    if stage.kind == "rejected":
        return reject(application, note or "Rejected", stage=stage)
    before = application.stage.name
    db.session.add(application.move_to(stage, _actor(), note))
    db.session.flush()
    audit.record("recruitment.application.move", application, {"stage": [before, stage.name], "note": note})
    return application


def reject(application: Application, reason: str, stage=None) -> Application:
    stage = stage or _stage_of_kind("rejected")
    before = application.stage.name
    db.session.add(application.move_to(stage, _actor(), reason))
    application.rejection_reason = reason
    db.session.flush()
    audit.record("recruitment.application.reject", application, {"stage": [before, stage.name], "reason": reason})
    return application


def hire(application: Application, hire_date, note=None, stage=None) -> Application:
    """Move to the hired stage and create the employee in core, which fires
    `employee_hired` so other modules (onboarding, benefits) react."""
    stage = stage or _stage_of_kind("hired")
    before = application.stage.name
    application.ensure_movable()
    candidate, job = application.candidate, application.job
    employee = create_employee({
        "first_name": candidate.first_name, "last_name": candidate.last_name, "email": candidate.email,
        "hire_date": hire_date, "phone": candidate.phone, "job_title": job.title[:100],
        "department": job.department, "employment_type": job.employment_type,
    }, source="recruitment")
    db.session.add(application.move_to(stage, _actor(), note))
    application.employee_id, application.hired_at = employee.id, utcnow()
    db.session.flush()
    audit.record("recruitment.application.hire", application,
                 {"stage": [before, stage.name], "employee_id": employee.id, "hire_date": hire_date})
    return application


def history(application: Application) -> list[StageChange]:
    return db.session.scalars(sa.select(StageChange).where(StageChange.application_id == application.id)
                              .order_by(StageChange.at, StageChange.id)).all()


def get_candidate(candidate_id) -> Candidate:
    return get_or_404(Candidate, candidate_id, "Candidate not found.")


def attach_resume(candidate: Candidate, upload) -> Candidate:
    stored = files.store(upload, allowed=(files.PDF, files.DOCX), purpose="resume",
                         uploaded_by=getattr(_actor(), "id", None))
    candidate.resume_file_id = stored.id
    db.session.flush()
    audit.record("recruitment.candidate.resume", candidate, {"file_id": stored.id})
    return candidate


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


# --- Interviews and scorecards


def _tenant_user_ids(user_ids) -> set:
    found = db.session.scalars(sa.select(Membership.user_id).where(Membership.user_id.in_(list(user_ids)))).all()
    return set(found)


def schedule_interview(application: Application, data: dict) -> Interview:
    if application.stage.is_final:
        raise Conflict(f"The application is {application.stage.kind}; no more interviews.")
    ids = list(dict.fromkeys(data["interviewer_ids"]))
    unknown = [str(i) for i in ids if i not in _tenant_user_ids(ids)]
    if unknown:
        raise Invalid({"interviewer_ids": [f"Not a user of this tenant: {', '.join(unknown)}."]})
    interview = Interview(application_id=application.id, scheduled_at=data["scheduled_at"].astimezone(timezone.utc),
                          duration_minutes=data.get("duration_minutes") or 60, location=data.get("location"))
    db.session.add(interview)
    db.session.flush()
    db.session.add_all([Panelist(interview_id=interview.id, user_id=user_id) for user_id in ids])
    db.session.flush()
    db.session.refresh(interview, ["panel"])
    audit.record("recruitment.interview.schedule", interview,
                 {"application_id": application.id, "scheduled_at": interview.scheduled_at,
                  "interviewer_ids": [str(i) for i in ids]})
    return interview


def interview_query(user=None, upcoming=False):
    query = (sa.select(Interview).options(joinedload(Interview.application).joinedload(Application.candidate),
                                          joinedload(Interview.application).joinedload(Application.job))
             .order_by(Interview.scheduled_at))
    if user is not None:
        query = query.where(Interview.id.in_(sa.select(Panelist.interview_id).where(Panelist.user_id == user.id)))
    if upcoming:
        query = query.where(Interview.scheduled_at >= utcnow() - timedelta(hours=12))
    return query


def get_interview(interview_id, access) -> Interview:
    """An interview the caller manages, or sits on the panel of (others 404)."""
    interview = db.session.scalars(interview_query().where(Interview.id == _uuid(interview_id))).first()
    if interview is None or not (access.can("recruitment.manage") or interview.has_interviewer(access.user)):
        raise NotFound("Interview not found.")
    return interview


def invite_ics(interview: Interview) -> bytes:
    """An iCalendar (RFC 5545) REQUEST for the interview, one per interview."""
    users = db.session.scalars(sa.select(User).where(User.id.in_(interview.interviewer_ids))).all()
    application = interview.application
    tenant = current_tenant()
    cal = Calendar()
    cal.add("prodid", "-//hrbpo//recruitment//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"interview-{interview.id}@hrbpo")
    event.add("dtstamp", utcnow())
    event.add("dtstart", interview.scheduled_at)
    event.add("dtend", interview.scheduled_at + timedelta(minutes=interview.duration_minutes))
    event.add("sequence", interview.sequence)
    event.add("summary", f"Interview: {application.candidate.full_name} – {application.job.title}")
    event.add("description", f"{tenant.name}: interview for {application.job.title}.")
    if interview.location:
        event["location"] = vText(interview.location)
    organizer = vCalAddress(f"mailto:no-reply@{tenant.slug}.hrbpo.invalid")
    organizer.params["cn"] = vText(tenant.name)
    event["organizer"] = organizer
    for user in users:
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params.update({"role": vText("REQ-PARTICIPANT"), "rsvp": vText("TRUE")})
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def visible_scorecards(interview: Interview, access) -> list[Scorecard]:
    """HR sees submitted scorecards (and their own drafts); an interviewer
    sees only their own."""
    cards = db.session.scalars(sa.select(Scorecard).where(Scorecard.interview_id == interview.id)
                               .order_by(Scorecard.created_at)).all()
    mine = [c for c in cards if c.interviewer_id == access.user.id]
    if access.can("recruitment.manage"):
        return [c for c in cards if c.submitted or c in mine]
    return mine


def save_scorecard(interview: Interview, user, data: dict) -> tuple[Scorecard, bool]:
    """Create or edit the caller's own scorecard; returns (card, created).
    Only panel members score, and a submitted card is final."""
    if not interview.has_interviewer(user):
        raise Forbidden("Only the interview's interviewers write scorecards.")
    card = db.session.scalars(sa.select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                         Scorecard.interviewer_id == user.id)).first()
    created = card is None
    if created:
        card = Scorecard(interview_id=interview.id, interviewer_id=user.id)
        db.session.add(card)
    elif card.submitted:
        raise Conflict("The scorecard was submitted; it can no longer change.")
    card.ratings, card.recommendation, card.notes = data["ratings"], data["recommendation"], data.get("notes")
    if data.get("submit", True):
        card.submitted_at = utcnow()
    db.session.flush()
    audit.record("recruitment.scorecard.submit" if card.submitted else "recruitment.scorecard.save", card,
                 {"recommendation": card.recommendation})
    return card, created


def get_scorecard(scorecard_id, user) -> Scorecard:
    card = get_or_404(Scorecard, scorecard_id, "Scorecard not found.")
    if card.interviewer_id != user.id:
        raise NotFound("Scorecard not found.")
    return card


# --- Offers


def offers_of(application: Application) -> list[Offer]:
    return db.session.scalars(sa.select(Offer).where(Offer.application_id == application.id)
                              .order_by(Offer.created_at)).all()


def make_offer(application: Application, data: dict) -> Offer:
    if application.stage.is_final:
        raise Conflict(f"The application is {application.stage.kind}; no offers.")
    offer = Offer(application_id=application.id, salary=data["salary"],
                  currency=data.get("currency") or current_tenant().currency, start_date=data.get("start_date"),
                  terms=data.get("terms"), status="draft")
    db.session.add(offer)
    db.session.flush()
    audit.record("recruitment.offer.create", offer, {"salary": offer.salary, "currency": offer.currency})
    return offer


# --- Reports


def funnel(job_id=None) -> list[tuple[Stage, int]]:
    """Applications per stage (current position), in pipeline order."""
    query = sa.select(Application.stage_id, sa.func.count()).group_by(Application.stage_id)
    if job_id:
        query = query.where(Application.job_id == job_id)
    counts = dict(db.session.execute(query).all())
    return [(stage, counts.get(stage.id, 0)) for stage in stages()]


def time_to_hire() -> dict:
    """Per job: hires and average days from application to hire."""
    rows = db.session.execute(sa.select(Application.job_id, Application.created_at, Application.hired_at)
                              .where(Application.hired_at.is_not(None))).all()
    out = {}
    for job_id, applied, hired in rows:
        days = out.setdefault(job_id, [])
        days.append((hired - applied).total_seconds() / 86400)
    return {job_id: {"hires": len(d), "average_days": round(sum(d) / len(d), 1)} for job_id, d in out.items()}


# --- Privacy


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
