"""Portal pages under /t/<slug>/benefits/: the employee's enrolment wizard
(choose plans → review costs → confirm), dependants and life events. The HR
admin's pages are in `admin.py`, on the same blueprint."""
import uuid

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.plugin_api import DomainError, db, files, form_message, get_or_404
from hrbpo.plugins.benefits import labels, life_events, reports, services
from hrbpo.plugins.benefits.models import LIFE_EVENT_KINDS, RELATIONSHIPS, LifeEvent
from hrbpo.plugins.benefits.schemas import DependentSchema, LifeEventInSchema

bp = Blueprint("benefits_pages", __name__, template_folder="templates")
bp.add_app_template_global(labels.label, "benefits_label")
MANAGE = "benefits.manage"


def manager() -> bool:
    return g.access.can(MANAGE)


def require_manager():
    if not manager():
        abort(403)


def messages(exc) -> list[str]:
    """Readable lines from a DomainError or a marshmallow ValidationError."""
    errors = getattr(exc, "errors", None) or getattr(exc, "messages", None) or {}
    if isinstance(errors, dict):
        lines = []
        for field, found in errors.items():
            if isinstance(found, dict):
                found = [m for sub in found.values() for m in (sub if isinstance(sub, list) else [sub])]
            lines += [f"{field}: {m}" for m in (found if isinstance(found, list) else [found])]
        return lines or [getattr(exc, "detail", str(exc))]
    return [getattr(exc, "detail", None) or str(exc)]


def fail(exc, endpoint, **values):
    db.session.rollback()
    for line in messages(exc):
        flash(form_message(line, life_events.MESSAGES), "error")
    return redirect(url_for(endpoint, **values), 303)


def _me():
    """The employee record of the signed-in user, or None (HR without one)."""
    if g.access.employee_id is None:
        return None
    return services.employee_for(g.access.employee_id, g.access)


@bp.get("/")
def index():
    me = _me()
    today = services.tenant_today()
    windows = db.session.scalars(services.window_query(None if manager() else (me.id if me else None))
                                 .limit(50)).all()
    if not manager() and me is None:
        windows = []
    context = {"windows": windows, "today": today, "me": me}
    if me is not None:
        context.update(
            coverage=reports.coverage_summary(me),
            dependents=db.session.scalars(services.dependent_query(me.id)).all(),
            enrollments=db.session.scalars(services.enrollment_query(employee_id=me.id).limit(20)).unique().all(),
            life_events=db.session.scalars(life_events.life_event_query(employee_id=me.id).limit(20)).unique().all(),
        )
    if manager():
        from hrbpo.plugins.benefits import eligibility

        context.update(pending=db.session.scalars(life_events.life_event_query(status="pending")).unique().all(),
                       to_review=db.session.scalar(sa.select(sa.func.count()).select_from(
                           eligibility.to_review().subquery())))
    return render_template("benefits/index.html", relationships=RELATIONSHIPS,
                           life_event_kinds=LIFE_EVENT_KINDS, **context)


# --- Employee self-service: the enrolment wizard


def _choices_from_form(window, employee) -> list[dict]:
    """Form fields `plan-<id>` (a tier or "waive"), `deps-<id>`, `reason-<id>` → elections. A tier sent
    without dependants covers the ones it needs beyond doubt (those the page ticks with JavaScript)."""
    dependents = db.session.scalars(services.dependent_query(employee.id)).all()
    elections = []
    for plan in window.plans:
        choice = request.form.get(f"plan-{plan.id}")
        if not choice:
            continue
        if choice == "waive":
            elections.append({"plan_id": plan.id, "waive": True,
                              "waive_reason": request.form.get(f"reason-{plan.id}") or None})
            continue
        deps = [_uuid(d) for d in request.form.getlist(f"deps-{plan.id}")]
        if not deps and plan.tier(choice) is not None:
            deps = [d.id for d in services.dependants_for_tier(choice, dependents, plan, window.coverage_starts_on)
                    or ()]
        elections.append({"plan_id": plan.id, "tier": choice, "dependent_ids": deps})
    return elections


def _kept(elections) -> dict:
    """The choices sent, shaped like saved elections, so the page shows them again."""
    return {e["plan_id"]: {"tier": e.get("tier"), "waived": e.get("waive", False),
                           "waive_reason": e.get("waive_reason"),
                           "dependent_ids": [str(d) for d in e.get("dependent_ids", ())]} for e in elections}


def _wizard_errors(exc, elections) -> tuple[dict, list[str]]:
    """Errors keyed `elections.<i>.<field>` as {plan id: {field: [lines]}} in the page's language, so each
    shows next to its plan; any other error as a general line (never an internal field name)."""
    by_plan, general = {}, []
    for key, found in (getattr(exc, "errors", None) or getattr(exc, "messages", None) or {}).items():
        lines = [form_message(m) for m in (found if isinstance(found, list) else [found])]
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(elections):
            by_plan.setdefault(elections[int(parts[1])]["plan_id"], {}).setdefault(parts[2], []).extend(lines)
        else:
            general += lines
    if not by_plan and not general:
        general = [form_message(getattr(exc, "detail", None) or str(exc))]
    return by_plan, general


def _uuid(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        abort(400)


def _wizard_employee():
    employee_id = request.values.get("employee_id") or g.access.employee_id
    if employee_id is None:
        abort(404)
    return services.employee_for(employee_id, g.access)


def _enrol_page(window_id, employee, chosen=None, errors=None, general=None):
    window = services.window_for(window_id, None if manager() else employee.id)
    plans = [(p, services.ineligibility(p, employee, window.coverage_starts_on)) for p in window.plans]
    dependents = db.session.scalars(services.dependent_query(employee.id)).all()
    if chosen is None:
        current = services.current_enrollment(employee.id, window.id)
        chosen = {e.plan_id: e for e in current.elections} if current else {}
    picks = {(plan.id, tier.tier): services.dependants_for_tier(tier.tier, dependents, plan, window.coverage_starts_on)
             for plan, _reason in plans for tier in plan.tiers}
    page = render_template("benefits/enrol.html", window=window, employee=employee, plans=plans, chosen=chosen,
                           dependents=dependents, picks=picks, errors=errors or {}, general=general,
                           open=window.is_open_on(services.tenant_today()),
                           on_behalf=not g.access.is_self(employee.id))
    return page, 422 if errors or general else 200


def _sent_back(exc, window_id, employee, elections):
    """The wizard's first step again, every choice kept, each error next to its plan."""
    db.session.rollback()
    errors, general = _wizard_errors(exc, elections)
    return _enrol_page(window_id, employee, _kept(elections), errors, general)


@bp.get("/enrol/<uuid:window_id>")
def enrol(window_id):
    """Step 1: choose a tier (with dependants) or waive, per plan."""
    return _enrol_page(window_id, _wizard_employee())


@bp.post("/enrol/<uuid:window_id>/review")
def review(window_id):
    """Step 2: the cost summary (per paycheck and per year) before confirming."""
    employee, elections = _wizard_employee(), []
    try:
        window, employee = services.enrollment_target(window_id, employee.id, g.access)
        elections = _choices_from_form(window, employee)
        if not elections:
            raise ValidationError({"elections": [_("Choose a coverage level or waive for at least one plan.")]})
        rows, currency = services.price_elections(window, employee, elections)
    except (DomainError, ValidationError) as exc:
        return _sent_back(exc, window_id, employee, elections)
    return render_template("benefits/review.html", window=window, employee=employee, rows=rows, currency=currency,
                           totals=reports.totals(rows), form=request.form,
                           pay_frequency=services.settings()["pay_frequency"])


@bp.post("/enrol/<uuid:window_id>/confirm")
def confirm(window_id):
    """Step 3: save the elections (replacing an earlier submission) and show the statement."""
    employee, elections = _wizard_employee(), []
    try:
        window = services.window_for(window_id, None if manager() else employee.id)
        elections = _choices_from_form(window, employee)
        enrollment = services.submit_enrollment(window.id, employee.id, elections, g.access)
        db.session.commit()
    except (DomainError, ValidationError) as exc:
        return _sent_back(exc, window_id, employee, elections)
    flash(_("The elections are saved."), "success")
    return redirect(url_for("benefits_pages.statement", enrollment_id=enrollment.id), 303)


@bp.get("/enrollments/<uuid:enrollment_id>")
def statement(enrollment_id):
    """The confirmation statement."""
    enrollment = services.enrollment_for(enrollment_id, g.access)
    return render_template("benefits/statement.html", enrollment=enrollment,
                           totals=reports.totals(enrollment.elections),
                           submitted_by=reports.submitted_on_behalf(enrollment))


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
            return fail(exc, "benefits_pages.enrol", window_id=back, employee_id=employee.id)
        return fail(exc, "benefits_pages.index")
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
        life_events.report_life_event(employee, data, stored)
        db.session.commit()
    except (DomainError, ValidationError) as exc:
        return fail(exc, "benefits_pages.index")
    flash(_("Life event reported. HR will review it."), "success")
    return redirect(url_for("benefits_pages.index"), 303)



@bp.get("/life-events/<uuid:event_id>/evidence")
def life_event_evidence(event_id):
    event = get_or_404(LifeEvent, event_id)
    if not manager() and not g.access.is_self(event.employee_id) or event.evidence_file_id is None:
        abort(404)
    return files.send(files.get(event.evidence_file_id))
