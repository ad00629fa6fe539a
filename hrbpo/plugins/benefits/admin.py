"""The HR admin's benefits pages: plans (add, edit, archive), windows (open,
edit, close, progress, downloads), life-event approvals, the eligibility
changes to review and the module's settings. Forms post to the same services
as the API."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.plugin_api import Conflict, DomainError, db, flatten_errors, get_or_404
from hrbpo.plugins.benefits import catalogue, eligibility, life_events, reports, services
from hrbpo.plugins.benefits.forms import PlanForm, SettingsForm, WindowForm
from hrbpo.plugins.benefits.models import LifeEvent, Plan
from hrbpo.plugins.benefits.schemas import (BenefitsSettingsPatchSchema, PlanPatchSchema, PlanSchema, WindowPatchSchema,
                                            WindowSchema)
from hrbpo.plugins.benefits.views import bp, fail, require_manager


def _submit(form, schema, work, **body) -> list[str] | None:
    """Check the form (CSRF, field types) and the API schema together, so every
    mistake shows at once next to its field; when both pass, run `work(data)`
    and commit. None on success, else the messages that fit no field."""
    valid = form.validate_on_submit()
    try:
        data = schema.load(form.body(**body))
    except ValidationError as exc:
        return form.show_errors(flatten_errors(exc.messages))
    if not valid:
        return []
    try:
        work(data)
        db.session.commit()
        return None
    except DomainError as exc:
        db.session.rollback()
        return form.show_errors(exc.errors or {"_": [exc.detail]})


def _status(general) -> int:
    return 422 if general is not None else 200


# --- Plans


@bp.get("/plans")
def plans():
    require_manager()
    return _plans_page(PlanForm(formdata=None, currency=g.tenant.currency))


def _plans_page(form, general=None):
    status = request.args.get("status") if request.args.get("status") in ("archived", "all") else "active"
    return render_template("benefits/plans.html", plans=db.session.scalars(catalogue.plan_query(status)).all(),
                           form=form, general=general or [], status=status), _status(general)


@bp.post("/plans")
def create_plan():
    require_manager()
    form = PlanForm(currency=g.tenant.currency)
    general = _submit(form, PlanSchema(), catalogue.create_plan)
    if general is not None:
        return _plans_page(form, general)
    flash(_("Plan added."), "success")
    return redirect(url_for("benefits_pages.plans"), 303)


@bp.route("/plans/<uuid:plan_id>/edit", methods=["GET", "POST"])
def edit_plan(plan_id):
    require_manager()
    plan = get_or_404(Plan, plan_id)
    form = PlanForm(plan=plan)
    general = None
    if request.method == "POST":
        general = _submit(form, PlanPatchSchema(partial=True), lambda data: catalogue.update_plan(plan, data),
                          editing=True)
        if general is None:
            flash(_("Plan saved. Elections already submitted keep their prices."), "success")
            return redirect(url_for("benefits_pages.plans"), 303)
    return render_template("benefits/plan_edit.html", plan=plan, form=form, general=general or []), _status(general)


@bp.post("/plans/<uuid:plan_id>/<any(archive, unarchive):action>")
def archive_plan(plan_id, action):
    require_manager()
    plan = get_or_404(Plan, plan_id)
    try:
        catalogue.set_archived(plan, action == "archive")
        db.session.commit()
    except Conflict as exc:
        return fail(exc, "benefits_pages.plans")
    flash(_("%(plan)s is archived: no new window will offer it.", plan=plan.name) if action == "archive"
          else _("%(plan)s is back in the catalogue.", plan=plan.name), "success")
    return redirect(url_for("benefits_pages.plans"), 303)


# --- Windows


def _window_plans(window=None):
    """Plans a window form offers: the active ones, plus archived ones the window has already."""
    plans = db.session.scalars(catalogue.plan_query()).all()
    return plans + [p for p in (window.plans if window else []) if p.archived_at is not None]


@bp.get("/windows")
def windows():
    require_manager()
    return _windows_page(WindowForm(formdata=None, plans=_window_plans()))


def _windows_page(form, general=None):
    return render_template("benefits/windows.html", windows=db.session.scalars(services.window_query()).all(),
                           form=form, general=general or [], today=services.tenant_today()), _status(general)


@bp.post("/windows")
def create_window():
    require_manager()
    form = WindowForm(plans=_window_plans())
    general = _submit(form, WindowSchema(), catalogue.create_window)
    if general is not None:
        return _windows_page(form, general)
    flash(_("Window created."), "success")
    return redirect(url_for("benefits_pages.windows"), 303)


@bp.route("/windows/<uuid:window_id>/edit", methods=["GET", "POST"])
def edit_window(window_id):
    require_manager()
    window = services.window_for(window_id)
    form = WindowForm(plans=_window_plans(window), window=window)
    general = None
    if request.method == "POST":
        general = _submit(form, WindowPatchSchema(partial=True), lambda data: catalogue.update_window(window, data),
                          editing=True)
        if general is None:
            flash(_("Window saved."), "success")
            return redirect(url_for("benefits_pages.window", window_id=window.id), 303)
    return render_template("benefits/window_edit.html", window=window, form=form, general=general or [],
                           today=services.tenant_today()), _status(general)


@bp.post("/windows/<uuid:window_id>/close")
def close_window(window_id):
    require_manager()
    try:
        window = catalogue.close_window(services.window_for(window_id))
        db.session.commit()
    except Conflict as exc:
        return fail(exc, "benefits_pages.window", window_id=window_id)
    flash(_("%(window)s is closed: elections in it can no longer change.", window=window.name), "success")
    return redirect(url_for("benefits_pages.window", window_id=window_id), 303)


@bp.get("/windows/<uuid:window_id>")
def window(window_id):
    """Enrolment progress (a bar chart that needs no script) and downloads."""
    require_manager()
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
    require_manager()
    return reports.csv_response(services.window_for(window_id))


# --- Life events and eligibility changes


@bp.get("/life-events", endpoint="life_events")
def life_events_page():
    require_manager()
    events = db.session.scalars(life_events.life_event_query().limit(200)).unique().all()
    return render_template("benefits/life_events.html", events=events)


@bp.post("/life-events/<uuid:event_id>/decide")
def decide_life_event(event_id):
    require_manager()
    try:
        life_events.decide_life_event(get_or_404(LifeEvent, event_id), request.form.get("decision") == "approve",
                                   request.form.get("note") or None)
        db.session.commit()
    except DomainError as exc:
        return fail(exc, "benefits_pages.life_events")
    flash(_("Decision saved."), "success")
    return redirect(url_for("benefits_pages.life_events"), 303)


@bp.get("/eligibility")
def eligibility_changes():
    require_manager()
    changes = db.session.scalars(eligibility.change_query().limit(200)).unique().all()
    return render_template("benefits/eligibility.html", changes=changes)


@bp.post("/eligibility/<uuid:change_id>/review")
def review_eligibility_change(change_id):
    require_manager()
    try:
        eligibility.review(change_id)
        db.session.commit()
    except Conflict as exc:
        return fail(exc, "benefits_pages.eligibility_changes")
    flash(_("Marked as reviewed."), "success")
    return redirect(url_for("benefits_pages.eligibility_changes"), 303)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    require_manager()
    form = SettingsForm(data=services.settings()) if request.method == "GET" else SettingsForm()
    general = None
    if request.method == "POST":
        general = _submit(form, BenefitsSettingsPatchSchema(partial=True), services.update_settings)
        if general is None:
            flash(_("Settings saved."), "success")
            return redirect(url_for("benefits_pages.settings"), 303)
    return render_template("benefits/settings.html", form=form, general=general), _status(general)
