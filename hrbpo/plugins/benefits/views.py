"""Portal pages under /t/<slug>/benefits/: the employee's enrolment wizard
(choose plans → review costs → confirm), dependants and life events, and the
HR admin's plans, windows, progress and life-event approvals."""
from decimal import Decimal

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.core import files
from hrbpo.core.db import db, get_or_404
from hrbpo.core.errors import DomainError
from hrbpo.plugins.benefits import reports, services
from hrbpo.plugins.benefits.models import LIFE_EVENT_KINDS, PLAN_KINDS, RELATIONSHIPS, TIERS, LifeEvent
from hrbpo.plugins.benefits.schemas import DependentSchema, LifeEventInSchema, PlanSchema, WindowSchema

bp = Blueprint("benefits_pages", __name__, template_folder="templates")
MANAGE = "benefits.manage"


def _manager() -> bool:
    return g.access.can(MANAGE)


def _require_manager():
    if not _manager():
        abort(403)


def _messages(exc) -> list[str]:
    """Readable lines from a DomainError or a marshmallow ValidationError."""
    errors = getattr(exc, "errors", None) or getattr(exc, "messages", None) or {}
    if isinstance(errors, dict):
        lines = []
        for field, messages in errors.items():
            if isinstance(messages, dict):
                messages = [m for sub in messages.values() for m in (sub if isinstance(sub, list) else [sub])]
            lines += [f"{field}: {m}" for m in (messages if isinstance(messages, list) else [messages])]
        return lines or [getattr(exc, "detail", str(exc))]
    return [getattr(exc, "detail", None) or str(exc)]


def _fail(exc, endpoint, **values):
    db.session.rollback()
    for line in _messages(exc):
        flash(line, "error")
    return redirect(url_for(endpoint, **values), 303)


def _me():
    """The employee record of the signed-in user, or None (HR without one)."""
    if g.access.employee_id is None:
        return None
    return services.employee_for(g.access.employee_id, g.access)



def _labels():
    """Stored values (kinds, tiers, statuses) as words in the reader's language."""
    return {
        "employee": _("Employee only"), "employee_spouse": _("Employee + spouse/partner"),
        "employee_children": _("Employee + children"), "family": _("Family"),
        "medical": _("Medical"), "dental": _("Dental"), "vision": _("Vision"), "life": _("Life"),
        "disability": _("Disability"), "hsa": _("HSA"), "fsa": _("FSA"), "other": _("Other"),
        "month": _("month"), "paycheck": _("paycheck"),
        "open": _("Open enrolment"), "new_hire": _("New hire"), "life_event": _("Life event"),
        "spouse": _("Spouse"), "partner": _("Partner"), "child": _("Child"),
        "submitted": _("Submitted"), "replaced": _("Replaced"), "terminated": _("Terminated"),
        "marriage": _("Marriage"), "birth": _("Birth"), "adoption": _("Adoption"),
        "loss_of_coverage": _("Loss of other coverage"), "divorce": _("Divorce"),
        "pending": _("Pending"), "approved": _("Approved"), "rejected": _("Rejected"),
    }


@bp.app_template_global("benefits_label")
def benefits_label(key):
    return _labels().get(key, key)

@bp.get("/")
def index():
    me = _me()
    today = services.tenant_today()
    windows = db.session.scalars(services.window_query(None if _manager() else (me.id if me else None))
                                 .limit(50)).all()
    if not _manager() and me is None:
        windows = []
    context = {"windows": windows, "today": today, "me": me}
    if me is not None:
        context.update(
            coverage=reports.coverage_summary(me),
            dependents=db.session.scalars(services.dependent_query(me.id)).all(),
            enrollments=db.session.scalars(services.enrollment_query(employee_id=me.id).limit(20)).unique().all(),
            life_events=db.session.scalars(services.life_event_query(employee_id=me.id).limit(20)).unique().all(),
        )
    if _manager():
        context.update(plans=db.session.scalars(services.plan_query()).all(),
                       pending=db.session.scalars(services.life_event_query(status="pending")).unique().all())
    return render_template("benefits/index.html", relationships=RELATIONSHIPS,
                           life_event_kinds=LIFE_EVENT_KINDS, **context)


# --- Employee self-service: the enrolment wizard


def _choices_from_form(window) -> list[dict]:
    """Form fields `plan-<id>` (a tier or "waive"), `deps-<id>`, `reason-<id>` → elections."""
    elections = []
    for plan in window.plans:
        choice = request.form.get(f"plan-{plan.id}")
        if not choice:
            continue
        if choice == "waive":
            elections.append({"plan_id": plan.id, "waive": True,
                              "waive_reason": request.form.get(f"reason-{plan.id}") or None})
        else:
            deps = request.form.getlist(f"deps-{plan.id}")
            elections.append({"plan_id": plan.id, "tier": choice, "dependent_ids": [_uuid(d) for d in deps]})
    return elections


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        abort(400)


def _wizard_employee():
    employee_id = request.values.get("employee_id") or g.access.employee_id
    if employee_id is None:
        abort(404)
    return services.employee_for(employee_id, g.access)


@bp.get("/enrol/<uuid:window_id>")
def enrol(window_id):
    """Step 1: choose a tier (with dependants) or waive, per plan."""
    employee = _wizard_employee()
    window = services.window_for(window_id, None if _manager() else employee.id)
    plans = [(p, services.ineligibility(p, employee, window.coverage_starts_on)) for p in window.plans]
    current = services.current_enrollment(employee.id, window.id)
    chosen = {e.plan_id: e for e in current.elections} if current else {}
    return render_template("benefits/enrol.html", window=window, employee=employee, plans=plans, chosen=chosen,
                           dependents=db.session.scalars(services.dependent_query(employee.id)).all(),
                           open=window.is_open_on(services.tenant_today()))


@bp.post("/enrol/<uuid:window_id>/review")
def review(window_id):
    """Step 2: the cost summary (per paycheck and per year) before confirming."""
    employee = _wizard_employee()
    try:
        window, employee = services.enrollment_target(window_id, employee.id, g.access)
        elections = _choices_from_form(window)
        if not elections:
            raise ValidationError({"elections": [_("Choose a coverage level or waive for at least one plan.")]})
        rows, currency = services.price_elections(window, employee, elections)
    except (DomainError, ValidationError) as exc:
        return _fail(exc, "benefits_pages.enrol", window_id=window_id, employee_id=employee.id)
    totals = {f: sum((getattr(r, f) for r in rows), Decimal("0.00")) for f in
              ("employee_cost", "employer_cost", "employee_cost_per_year", "employer_cost_per_year")}
    return render_template("benefits/review.html", window=window, employee=employee, rows=rows, currency=currency,
                           totals=totals, form=request.form,
                           pay_frequency=services.settings()["pay_frequency"])


@bp.post("/enrol/<uuid:window_id>/confirm")
def confirm(window_id):
    """Step 3: save the elections (replacing an earlier submission) and show the statement."""
    employee = _wizard_employee()
    try:
        window = services.window_for(window_id, None if _manager() else employee.id)
        enrollment = services.submit_enrollment(window.id, employee.id, _choices_from_form(window), g.access)
        db.session.commit()
    except (DomainError, ValidationError) as exc:
        return _fail(exc, "benefits_pages.enrol", window_id=window_id, employee_id=employee.id)
    flash(_("Your elections are saved."), "success")
    return redirect(url_for("benefits_pages.statement", enrollment_id=enrollment.id), 303)


@bp.get("/enrollments/<uuid:enrollment_id>")
def statement(enrollment_id):
    """The confirmation statement."""
    enrollment = services.enrollment_for(enrollment_id, g.access)
    return render_template("benefits/statement.html", enrollment=enrollment)


@bp.get("/enrollments/<uuid:enrollment_id>/statement.pdf")
def statement_pdf(enrollment_id):
    return reports.statement_pdf_response(services.enrollment_for(enrollment_id, g.access))


@bp.post("/dependents")
def add_dependent():
    employee = _wizard_employee()
    back = request.form.get("next_window")
    try:
        data = DependentSchema().load({k: v for k, v in request.form.items() if v != "" and k != "csrf_token"})
        services.add_dependent(employee, data)
        db.session.commit()
    except (DomainError, ValidationError) as exc:
        if back:
            return _fail(exc, "benefits_pages.enrol", window_id=back, employee_id=employee.id)
        return _fail(exc, "benefits_pages.index")
    flash(_("Dependant added."), "success")
    if back:
        return redirect(url_for("benefits_pages.enrol", window_id=back, employee_id=employee.id), 303)
    return redirect(url_for("benefits_pages.index"), 303)


@bp.post("/life-events")
def report_life_event():
    employee = _wizard_employee()
    try:
        data = LifeEventInSchema().load({k: v for k, v in request.form.items() if v and k in ("kind", "event_date",
                                                                                                "note")})
        upload = request.files.get("evidence")
        stored = files.store(upload, purpose="life_event", uploaded_by=g.user.id) if upload and upload.filename \
            else None
        services.report_life_event(employee, data, stored)
        db.session.commit()
    except (DomainError, ValidationError) as exc:
        return _fail(exc, "benefits_pages.index")
    flash(_("Life event reported. HR will review it."), "success")
    return redirect(url_for("benefits_pages.index"), 303)


# --- HR admin


@bp.get("/life-events")
def life_events():
    _require_manager()
    events = db.session.scalars(services.life_event_query().limit(200)).unique().all()
    return render_template("benefits/life_events.html", events=events)


@bp.post("/life-events/<uuid:event_id>/decide")
def decide_life_event(event_id):
    _require_manager()
    try:
        services.decide_life_event(get_or_404(LifeEvent, event_id), request.form.get("decision") == "approve",
                                   request.form.get("note") or None)
        db.session.commit()
    except DomainError as exc:
        return _fail(exc, "benefits_pages.life_events")
    flash(_("Decision saved."), "success")
    return redirect(url_for("benefits_pages.life_events"), 303)


@bp.get("/life-events/<uuid:event_id>/evidence")
def life_event_evidence(event_id):
    event = get_or_404(LifeEvent, event_id)
    if not _manager() and not g.access.is_self(event.employee_id) or event.evidence_file_id is None:
        abort(404)
    return files.send(files.get(event.evidence_file_id))


@bp.get("/plans")
def plans():
    _require_manager()
    return render_template("benefits/plans.html", plans=db.session.scalars(services.plan_query()).all(),
                           kinds=PLAN_KINDS, tiers=TIERS, currency=g.tenant.currency)


@bp.post("/plans")
def create_plan():
    _require_manager()
    form = request.form
    tiers = [{"tier": t, "employee_cost": form.get(f"{t}-employee_cost"), "employer_cost": form.get(f"{t}-employer_cost"),
              "period": form.get("period", "month")} for t in TIERS if form.get(f"{t}-employee_cost")]
    body = {k: form.get(k) for k in ("name", "kind", "carrier", "carrier_id", "group_number", "currency") if form.get(k)}
    try:
        services.create_plan(PlanSchema().load({**body, "tiers": tiers}))
        db.session.commit()
    except (DomainError, ValidationError) as exc:
        return _fail(exc, "benefits_pages.plans")
    flash(_("Plan added."), "success")
    return redirect(url_for("benefits_pages.plans"), 303)


@bp.get("/windows")
def windows():
    _require_manager()
    return render_template("benefits/windows.html", windows=db.session.scalars(services.window_query()).all(),
                           plans=db.session.scalars(services.plan_query()).all(), today=services.tenant_today())


@bp.post("/windows")
def create_window():
    _require_manager()
    form = request.form
    body = {k: form.get(k) for k in ("name", "kind", "starts_on", "ends_on", "coverage_starts_on") if form.get(k)}
    try:
        services.create_window(WindowSchema().load({**body, "plan_ids": form.getlist("plan_ids")}))
        db.session.commit()
    except (DomainError, ValidationError) as exc:
        return _fail(exc, "benefits_pages.windows")
    flash(_("Window created."), "success")
    return redirect(url_for("benefits_pages.windows"), 303)


@bp.get("/windows/<uuid:window_id>")
def window(window_id):
    """Enrolment progress (accessible CSS bars) and downloads."""
    _require_manager()
    window = services.window_for(window_id)
    progress = reports.progress(window)
    eligible = progress["eligible"] or 1
    bars = [(label, progress[key], css, round(progress[key] * 20 / eligible) * 5)
            for key, label, css in (("enrolled", _("Enrolled"), "ok"), ("waived", _("Waived"), "warn"),
                                    ("not_started", _("Not started"), "bad"))]
    enrollments = db.session.scalars(services.enrollment_query(window_id=window.id, status="submitted")
                                     .limit(200)).unique().all()
    waiting = db.session.scalars(reports.not_started(window).limit(200)).all()
    return render_template("benefits/window.html", window=window, progress=progress, bars=bars,
                           enrollments=enrollments, waiting=waiting, today=services.tenant_today())


@bp.get("/windows/<uuid:window_id>/costs.csv")
def window_costs(window_id):
    _require_manager()
    return reports.csv_response(services.window_for(window_id))

