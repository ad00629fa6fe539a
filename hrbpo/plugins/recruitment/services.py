"""Recruitment rules: pipeline, jobs, applications, hiring, offers, reports
(interviews and privacy have their own modules). Views call these, then commit."""
import uuid
from collections import Counter

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload

from hrbpo.plugin_api import (N_, Conflict, Employee, Invalid, NotFound, TenantModule, audit, create_employee,
                              current_tenant, db, emit_event, files, get_or_404, lock, module_settings,
                              normalise_email, utcnow)
from hrbpo.plugins.recruitment import defaults
from hrbpo.plugins.recruitment.models import (FINAL_KINDS, Application, Candidate, Interview, Job, Offer,
                                              RejectionReason, Stage, StageChange)

MODULE = "recruitment"
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
        for position, (name, kind) in enumerate(defaults.STAGES):
            db.session.add(Stage(name=name, kind=kind, position=position))
    if db.session.scalars(sa.select(RejectionReason.id)).first() is None:
        for position, label in enumerate(defaults.REASONS):
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
    before = lock(item).transition(action)
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


# An application's page: its history and offers (a handful each) joined to it,
# its interviews with their panels in a second statement.
APPLICATION_DETAIL = (joinedload(Application.history), joinedload(Application.offers),
                      sa.orm.selectinload(Application.interviews).joinedload(Interview.panel))


def get_application(application_id, *options) -> Application:
    """The application (candidate, job and stage loaded), with `options` for more."""
    query = application_query().where(Application.id == uuid_or_404(application_id)).options(*options)
    application = db.session.scalars(query).unique().first()
    if application is None:
        raise NotFound("Application not found.")
    return application


def uuid_or_404(value):
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
    lock(job, shared=True)  # closing the job waits for this application
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
    rejected stage rejects (the note is the reason, so it is required)."""
    if stage.kind == "hired":
        return hire(application, utcnow().date(), note=note, stage=stage)
    if stage.kind == "rejected":
        if not (note or "").strip():
            raise Invalid({"note": [N_("Give the reason for rejecting.")]})
        return reject(application, note.strip()[:200], stage=stage)
    before = lock(application).stage.name
    db.session.add(application.move_to(stage, _actor(), note))
    db.session.flush()
    audit.record("recruitment.application.move", application, {"stage": [before, stage.name], "note": note})
    _emit_moved(application, before)
    return application


def reject(application: Application, reason: str, stage=None) -> Application:
    stage = stage or _stage_of_kind("rejected")
    before = lock(application).stage.name
    db.session.add(application.move_to(stage, _actor(), reason))
    application.rejection_reason = reason
    db.session.flush()
    audit.record("recruitment.application.reject", application, {"stage": [before, stage.name], "reason": reason})
    _emit_moved(application, before)
    return application


def hire(application: Application, hire_date, note=None, stage=None) -> Application:
    """Move to the hired stage and create the employee in core, which fires
    `employee_hired` so other modules (onboarding, benefits) react."""
    stage = stage or _stage_of_kind("hired")
    before = lock(application).stage.name
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
    emit_event("application.hired", {**_application_data(application), "employee_id": employee.id,
                                      "hire_date": hire_date}, resource=f"application:{application.id}")
    return application


def _application_data(application: Application) -> dict:
    """What webhooks say about an application: ids and the stage, no candidate details."""
    stage = application.stage
    return {"id": application.id, "job_id": application.job_id, "candidate_id": application.candidate_id,
            "source": application.source, "stage": {"id": stage.id, "name": stage.name, "kind": stage.kind}}


def _emit_moved(application: Application, previous_stage: str):
    emit_event("application.moved", {**_application_data(application), "previous_stage": previous_stage,
                                      "rejection_reason": application.rejection_reason},
               resource=f"application:{application.id}")


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


# --- Offers


def make_offer(application: Application, data: dict) -> Offer:
    if lock(application, shared=True).stage.is_final:  # rejecting or hiring waits for this offer
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
