"""Portal pages: /t/<slug>/recruitment/… Plain HTML forms (POST, then 303);
rules stay in services, these pages only read forms and render."""
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.plugin_api import (Card, DomainError, Invalid, Membership, User, db, form_message, get_or_404, paginate,
                              requires)
from hrbpo.plugins.recruitment import defaults
from hrbpo.plugins.recruitment import interviews as interviewing
from hrbpo.plugins.recruitment import services
from hrbpo.plugins.recruitment.models import (JOB_STATUSES, RECOMMENDATIONS, STAGE_KINDS, Application, Job, Offer,
                                              Scorecard)
from hrbpo.plugins.recruitment.schemas import CandidateSchema, JobSchema, ScorecardSchema

bp = Blueprint("recruitment_pages", __name__, template_folder="templates", static_folder="static")
MANAGE = "recruitment.manage"
OTHER_REASON = "_other"  # the reject form's "another reason" choice: the text field says which
CRITERIA = ("skills", "experience", "communication", "culture_add")


def _labels():
    return {"skills": _("Skills"), "experience": _("Experience"), "communication": _("Communication"),
            "culture_add": _("Culture add"), "strong_yes": _("Strong yes"), "yes": _("Yes"), "no": _("No"),
            "strong_no": _("Strong no"), "draft": _("Draft"), "open": _("Open"), "on_hold": _("On hold"),
            "closed": _("Closed"), "sent": _("Sent"), "accepted": _("Accepted"), "declined": _("Declined"),
            "active": _("Active"), "hired": _("Hired"), "rejected": _("Rejected"), "screen": _("Screening"),
            "interview": _("Interview"), "offer": _("Offer"), "careers": _("Careers page"), "referral": _("Referral"),
            "agency": _("Agency"), "manual": _("Manual"), "publish": _("Publish"),
            "hold": _("Put on hold"), "close": _("Close"), "send": _("Mark sent"), "accept": _("Accepted"),
            "decline": _("Declined")}


@bp.app_template_global("recruitment_label")
def recruitment_label(key):
    return _labels().get(key, key)


# Stored stage names and rejection reasons: the seeded defaults in the page's language.
bp.add_app_template_filter(defaults.shown, "recruitment_text")


def _done(message, target):
    """Commit a page's change, say so, and go on (POST → 303)."""
    db.session.commit()
    flash(message, "success")
    return redirect(target, 303)


def _failed(exc: DomainError, target):
    db.session.rollback()
    # The messages are sentences that say what to fix: field names would add nothing a reader knows.
    details = [form_message(m) for found in (exc.errors or {}).values() for m in found]
    flash(" ".join(details or [form_message(exc.detail)]), "error")
    return redirect(target, 303)


def dashboard_card(tenant, user, role):
    if role in ("hr_admin", "operator"):
        open_jobs = db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.status == "open"))
        active = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.hired_at.is_(None), Application.rejection_reason.is_(None)))
        lines = (_("%(n)s open jobs", n=open_jobs), _("%(n)s candidates in the pipeline", n=active))
        return Card(_("Recruitment"), url_for("recruitment_pages.index", slug=tenant.slug), lines, order=20)
    upcoming = db.session.scalar(sa.select(sa.func.count()).select_from(
        interviewing.interview_query(user=user, upcoming=True).subquery()))
    if not upcoming:
        return None
    return Card(_("Interviews"), url_for("recruitment_pages.interviews", slug=tenant.slug),
                (_("%(n)s upcoming interviews", n=upcoming),), order=20)


# --- Jobs


@bp.get("/")
def index():
    if not g.access.can(MANAGE):
        return redirect(url_for(".interviews"), 303)
    status = request.args.get("status") if request.args.get("status") in JOB_STATUSES else None
    result = paginate(services.job_query(status), {"page": max(request.args.get("page", 1, type=int), 1),
                                                   "per_page": 50})
    counts = dict(db.session.execute(sa.select(Application.job_id, sa.func.count()).where(
        Application.job_id.in_([j.id for j in result["items"]])).group_by(Application.job_id)).all())
    return render_template("recruitment/jobs.html", result=result, counts=counts, status=status,
                           statuses=JOB_STATUSES, time_to_hire=services.time_to_hire())


def _job_form():
    raw = {k: v.strip() for k, v in request.form.items() if k in JobSchema().fields and v.strip()}
    raw["remote"] = request.form.get("remote") == "on"
    errors = JobSchema().validate(raw)
    if errors:
        raise Invalid(errors)
    return JobSchema().load(raw), raw


@bp.route("/jobs/new", methods=["GET", "POST"])
@requires(MANAGE)
def new_job():
    return _edit_job(None)


@bp.route("/jobs/<uuid:job_id>/edit", methods=["GET", "POST"])
@requires(MANAGE)
def edit_job(job_id):
    return _edit_job(get_or_404(Job, job_id, "Job not found."))


def _edit_job(job):
    form, errors = (JobSchema().dump(job) if job else {}), {}
    if request.method == "POST":
        try:
            data, form = _job_form()
            job = services.update_job(job, data) if job else services.create_job(data)
            return _done(_("Job saved."), url_for(".board", job_id=job.id))
        except Invalid as exc:
            db.session.rollback()
            errors = exc.errors
            form = request.form
    return render_template("recruitment/job_form.html", job=job, form=form, errors=errors), 422 if errors else 200


@bp.post("/jobs/<uuid:job_id>/status")
@requires(MANAGE)
def job_status(job_id):
    job = get_or_404(Job, job_id, "Job not found.")
    return _step(job, request.form.get("action"), url_for(".board", job_id=job.id))


def _step(item, action, target):
    """A workflow step of a job or offer from a button."""
    if action not in item.TRANSITIONS:
        abort(404)
    try:
        services.change_status(item, action)
    except DomainError as exc:
        return _failed(exc, target)
    return _done(_("Now %(status)s.", status=recruitment_label(item.status)), target)


@bp.get("/jobs/<uuid:job_id>")
@requires(MANAGE)
def board(job_id):
    """Kanban board: one column per stage, buttons to move."""
    job = get_or_404(Job, job_id, "Job not found.")
    applications = db.session.scalars(services.application_query(job_id=job.id)).all()
    stages = services.stages()
    columns = [(s, [a for a in applications if a.stage_id == s.id]) for s in stages]
    funnel = services.funnel(job.id)
    return render_template("recruitment/board.html", job=job, columns=columns, stages=stages, funnel=funnel,
                           most=max([n for _, n in funnel] + [1]), hires=services.time_to_hire().get(job.id))


@bp.post("/jobs/<uuid:job_id>/applications")
@requires(MANAGE)
def add_application(job_id):
    job = get_or_404(Job, job_id, "Job not found.")
    target = url_for(".board", job_id=job.id)
    candidate = {k: request.form.get(k, "").strip() for k in ("first_name", "last_name", "email", "phone")}
    errors = CandidateSchema().validate({k: v for k, v in candidate.items() if v})
    try:
        if errors:
            raise Invalid(errors)
        services.apply(job, CandidateSchema().load({k: v for k, v in candidate.items() if v}),
                       request.form.get("consent") == "true", source=request.form.get("source", "manual"))
    except DomainError as exc:
        return _failed(exc, target)
    return _done(_("Candidate added."), target)


# --- Applications


@bp.get("/applications/<uuid:application_id>")
@requires(MANAGE)
def application(application_id):
    """Candidate profile: details, history with time in stage, interviews, offers."""
    application = services.get_application(application_id, *services.APPLICATION_DETAIL)
    users = db.session.execute(sa.select(User.id, User.email).join(Membership, Membership.user_id == User.id)
                               .order_by(User.email)).all()
    return render_template("recruitment/application.html", application=application,
                           history=services.history(application), interviews=application.interviews,
                           offers=application.offers, stages=services.stages(), users=users,
                           emails=dict(users), reasons=services.rejection_reasons(),
                           other_reason=OTHER_REASON)


def _application_action(application_id, work, message):
    target = url_for(".application", application_id=application_id)
    try:
        work(services.get_application(application_id))
    except DomainError as exc:
        return _failed(exc, target)
    return _done(message, target)


@bp.post("/applications/<uuid:application_id>/move")
@requires(MANAGE)
def move(application_id):
    def work(application):
        services.move(application, services.get_stage(_uuid_field("stage_id")), request.form.get("note") or None)

    target = request.form.get("next") == "board"
    response = _application_action(application_id, work, _("Moved."))
    if target:
        job_id = db.session.scalar(sa.select(Application.job_id).where(Application.id == application_id))
        response.location = url_for(".board", job_id=job_id)
    return response


@bp.post("/applications/<uuid:application_id>/reject")
@requires(MANAGE)
def reject(application_id):
    chosen = request.form.get("reason", "")
    reason = (request.form.get("reason_other") or ("" if chosen == OTHER_REASON else chosen)).strip()
    if not reason:
        flash(_("Choose or write a reason."), "error")
        return redirect(url_for(".application", application_id=application_id), 303)
    return _application_action(application_id, lambda a: services.reject(a, reason[:200]), _("Rejected."))


def _hire_date():
    try:
        return datetime.strptime(request.values.get("hire_date", ""), "%Y-%m-%d").date()
    except ValueError:
        raise Invalid({"hire_date": [_("Give the first working day (YYYY-MM-DD).")]})


@bp.get("/applications/<uuid:application_id>/hire")
@requires(MANAGE)
def confirm_hire(application_id):
    """Hiring cannot be undone: the candidate's page asks here first (a plain GET, no JavaScript)."""
    application = services.get_application(application_id)
    try:
        application.ensure_movable()
        hire_date = _hire_date()
    except DomainError as exc:
        return _failed(exc, url_for(".application", application_id=application_id))
    return render_template("recruitment/hire_confirm.html", application=application, hire_date=hire_date)


@bp.post("/applications/<uuid:application_id>/hire")
@requires(MANAGE)
def hire(application_id):
    return _application_action(application_id, lambda a: services.hire(a, _hire_date()),
                               _("Hired: the employee record was created."))


@bp.post("/applications/<uuid:application_id>/interviews")
@requires(MANAGE)
def schedule(application_id):
    def work(application):
        try:
            local = datetime.strptime(request.form.get("scheduled_at", ""), "%Y-%m-%dT%H:%M")
        except ValueError:
            raise Invalid({"scheduled_at": [_("Give a date and time.")]})
        ids = [_uuid(v) for v in request.form.getlist("interviewer_ids")]
        if not ids:
            raise Invalid({"interviewer_ids": [_("Choose at least one interviewer.")]})
        interviewing.schedule_interview(application, {
            "scheduled_at": local.replace(tzinfo=ZoneInfo(g.tenant.timezone)), "interviewer_ids": ids,
            "duration_minutes": request.form.get("duration_minutes", 60, type=int),
            "location": request.form.get("location") or None})

    return _application_action(application_id, work, _("Interview scheduled."))


@bp.post("/applications/<uuid:application_id>/offers")
@requires(MANAGE)
def offer(application_id):
    def work(application):
        try:
            salary = Decimal(request.form.get("salary", ""))
        except InvalidOperation:
            raise Invalid({"salary": [_("Give an amount such as 55000.00.")]})
        if salary < 0:
            raise Invalid({"salary": [_("Give an amount such as 55000.00.")]})
        start = request.form.get("start_date") or None
        services.make_offer(application, {"salary": salary, "terms": request.form.get("terms") or None,
                                          "start_date": datetime.strptime(start, "%Y-%m-%d").date() if start else None})

    return _application_action(application_id, work, _("Offer drafted."))


@bp.post("/offers/<uuid:offer_id>/<action>")
@requires(MANAGE)
def offer_status(offer_id, action):
    offer = get_or_404(Offer, offer_id, "Offer not found.")
    return _step(offer, action, url_for(".application", application_id=offer.application_id))


@bp.post("/applications/<uuid:application_id>/resume")
@requires(MANAGE)
def resume(application_id):
    upload = request.files.get("file")

    def work(application):
        if upload is None or not upload.filename:
            raise Invalid({"file": [_("Choose a PDF or DOCX file.")]})
        services.attach_resume(application.candidate, upload)

    return _application_action(application_id, work, _("Resume uploaded."))


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Invalid({"id": [_("Not a valid id.")]})


def _uuid_field(name):
    return _uuid(request.form.get(name, ""))


# --- Pipeline and settings


@bp.route("/settings", methods=["GET", "POST"])
@requires(MANAGE)
def pipeline_settings():
    """Stages (rename, reorder, add, delete), rejection reasons, retention."""
    if request.method == "POST":
        target = url_for(".pipeline_settings")
        rows = []
        for index in range(int(request.form.get("rows", 0))):
            name = request.form.get(f"name_{index}", "").strip()
            if not name or request.form.get(f"delete_{index}"):
                continue
            rows.append((request.form.get(f"position_{index}", index, type=int), index, {
                "id": _uuid(request.form[f"id_{index}"]) if request.form.get(f"id_{index}") else None,
                "name": defaults.stored(name[:80]), "kind": request.form.get(f"kind_{index}", "screen")}))
        try:
            services.replace_stages([item for _, _, item in sorted(rows, key=lambda r: r[:2])])
            services.replace_rejection_reasons([defaults.stored(line.strip())
                                                for line in request.form.get("reasons", "").splitlines()])
            days = request.form.get("retention_days", type=int)
            if not days or not 1 <= days <= 3650:
                raise Invalid({"retention_days": [_("Give a number of days from 1 to 3650.")]})
            services.save_settings({"retention_days": days})
        except DomainError as exc:
            return _failed(exc, target)
        return _done(_("Settings saved."), target)
    return render_template("recruitment/settings.html", stages=services.stages(), kinds=STAGE_KINDS,
                           reasons=services.rejection_reasons(), settings=services.settings())


# --- Interviews and scorecards


@bp.get("/interviews")
def interviews():
    """Upcoming interviews: all for HR admins, one's own for interviewers."""
    mine = None if g.access.can(MANAGE) else g.user
    items = db.session.scalars(interviewing.interview_query(user=mine, upcoming=True).limit(200)).all()
    return render_template("recruitment/interviews.html", interviews=items)


@bp.route("/interviews/<uuid:interview_id>/scorecard", methods=["GET", "POST"])
def scorecard(interview_id):
    interview = interviewing.get_interview(interview_id, g.access)
    card = db.session.scalars(sa.select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                         Scorecard.interviewer_id == g.user.id)).first()
    errors = {}
    if request.method == "POST":
        ratings = {c: request.form.get(f"rating_{c}", type=int) for c in CRITERIA}
        data = {"ratings": {c: r for c, r in ratings.items() if r is not None},
                "recommendation": request.form.get("recommendation"), "notes": request.form.get("notes") or None,
                "submit": request.form.get("submit") == "1"}
        errors = ScorecardSchema().validate(data)
        if not errors:
            try:
                interviewing.save_scorecard(interview, g.user, data)
                return _done(_("Scorecard submitted.") if data["submit"] else _("Draft saved."),
                             url_for(".scorecard", interview_id=interview.id))
            except DomainError as exc:
                return _failed(exc, url_for(".scorecard", interview_id=interview.id))
    others = [c for c in interviewing.visible_scorecards(interview, g.access) if c.interviewer_id != g.user.id]
    return render_template("recruitment/scorecard.html", interview=interview, card=card, errors=errors,
                           criteria=CRITERIA, recommendations=RECOMMENDATIONS, others=others,
                           on_panel=interview.has_interviewer(g.user)), 422 if errors else 200


@bp.get("/interviews/<uuid:interview_id>/invite.ics")
def invite(interview_id):
    interview = interviewing.get_interview(interview_id, g.access)
    return Response(interviewing.invite_ics(interview), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="interview-{interview.id}.ics"'})
