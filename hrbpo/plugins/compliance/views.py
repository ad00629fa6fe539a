"""Portal pages under /t/<slug>/compliance/ (plain HTML forms: POST, then
redirect 303), and the public, token-guarded iCalendar feed."""
import uuid

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from hrbpo.plugin_api import (BackgroundJob, DomainError, Invalid, db, enter_public_tenant, flatten_errors,
                              form_message, get_or_404, page_args, paginate)
from hrbpo.plugins.compliance import assigning, calendar, editor, reports, services
from hrbpo.plugins.compliance.models import OWNERS, Checklist, ChecklistTemplate
from hrbpo.plugins.compliance.schemas import TemplateSchema

bp = Blueprint("compliance_pages", __name__, template_folder="templates")
bp.add_app_template_global(editor.describe, "recurrence_text")
feeds = Blueprint("compliance_feeds", __name__, url_prefix="/compliance-feeds")
STATUSES = ("open", "overdue", "done")


def _manager() -> bool:
    return g.access.can("compliance.manage")


def card_lines(tenant, role) -> list[str]:
    today = services.today_for(tenant)
    access = g.access
    late = db.session.scalar(sa.select(sa.func.count()).select_from(
        services.checklist_query(access, today, status="overdue").subquery()))
    unfinished = db.session.scalar(sa.select(sa.func.count()).select_from(
        services.checklist_query(access, today, status="open").subquery()))
    return [_("%(n)s open checklists", n=unfinished), _("%(n)s overdue", n=late)]


@bp.get("/")
def index():
    today = services.today_for(g.tenant)
    mine = db.session.scalars(services.checklist_query(g.access, today).where(
        Checklist.employee_id == g.access.employee_id)).unique().all() if g.access.employee_id else []
    context = {"mine": mine, "today": today}
    if _manager():
        context.update(by_template=reports.by_template(today), overdue=services.open_items(overdue_on=today),
                       awaiting=services.awaiting_review())
    return render_template("compliance/index.html", **context)


@bp.get("/checklists")
def checklists():
    """Every checklist the caller may see (HR: all), newest first, by status
    and template, 25 a page."""
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    template_id = _optional_uuid(request.args.get("template_id"))
    today = services.today_for(g.tenant)
    result = paginate(services.checklist_query(g.access, today, status=status, template_id=template_id), page_args())
    templates = db.session.execute(sa.select(ChecklistTemplate.id, ChecklistTemplate.name)
                                   .order_by(ChecklistTemplate.name)).all() if _manager() else []
    args = {k: v for k, v in (("status", status), ("template_id", template_id)) if v}
    return render_template("compliance/checklists.html", result=result, today=today, statuses=STATUSES,
                           status=status, template_id=template_id, templates=templates, args=args)


def _optional_uuid(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@bp.get("/checklists/<uuid:checklist_id>")
def checklist(checklist_id):
    found = services.visible_checklist(g.access, checklist_id)
    return render_template("compliance/checklist.html", checklist=found, today=services.today_for(g.tenant))


@bp.get("/checklists/<uuid:checklist_id>/items/<uuid:item_id>")
def item(checklist_id, item_id):
    found = services.visible_checklist(g.access, checklist_id)
    return render_template("compliance/item.html", checklist=found, item=services.checklist_item(found, item_id),
                           today=services.today_for(g.tenant),
                           may_complete=services.may_complete(g.access, found, found.item(item_id)))


@bp.post("/checklists/<uuid:checklist_id>/items/<uuid:item_id>/<action>")
def act(checklist_id, item_id, action):
    """The item page's forms: complete (with upload), approve, send back, waive."""
    found = services.visible_checklist(g.access, checklist_id)
    target = services.checklist_item(found, item_id)
    if action != "complete" and not _manager():
        abort(403)
    try:
        if action == "complete":
            evidence_id = None
            upload = request.files.get("file")
            if upload is not None and upload.filename:
                evidence_id = services.upload_evidence(upload).id
            services.complete_item(g.access, found, target, request.form.get("attestation") == "yes", evidence_id)
        elif action == "approve":
            services.approve(found, target)
        elif action == "send-back":
            services.send_back(found, target, _required("comment"))
        elif action == "waive":
            services.waive(found, target, _required("reason"))
        else:
            abort(404)
    except DomainError as exc:
        db.session.rollback()
        flash(_messages(exc), "error")
        return redirect(url_for(".item", checklist_id=checklist_id, item_id=item_id), 303)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for(".checklist", checklist_id=checklist_id), 303)


def _required(field):
    value = (request.form.get(field) or "").strip()
    if not value:
        raise Invalid({field: [_("Required.")]})
    return value


def _messages(exc: DomainError) -> str:
    if exc.errors:
        return " ".join(form_message(m) for msgs in exc.errors.values() for m in msgs)
    return form_message(exc.detail) if exc.detail else _("That did not work.")


# --- Templates (HR)


@bp.get("/templates")
def templates():
    if not _manager():
        abort(403)
    rows = db.session.scalars(sa.select(ChecklistTemplate).where(ChecklistTemplate.active.is_(True))
                              .order_by(ChecklistTemplate.name)).all()
    return render_template("compliance/templates.html", templates=rows)


@bp.route("/templates/new", methods=["GET", "POST"])
@bp.route("/templates/<uuid:template_id>", methods=["GET", "POST"])
def template_editor(template_id=None):
    """Create or edit (a new version) a template; assign it from the same page.
    A post with errors, or from "Add item", shows the form again as sent."""
    if not _manager():
        abort(403)
    template = get_or_404(ChecklistTemplate, template_id, "Template not found.") if template_id else None
    form = {"name": template.name if template else "", "assign_on": template.assign_on if template else "manual"}
    rows, picker, errors, row_errors = editor.rows_of(template), editor.picker_of(template), {}, {}
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "assign_on": request.form.get("assign_on") or "manual"}
        adding = "add_item" in request.form
        rows, (picker, picker_errors) = editor.posted_rows(keep_blank=adding), editor.posted_picker()
        if not adding:
            body = {**form, "items": editor.item_data(rows), "recurrence": editor.rule_from(picker)}
            errors = {**flatten_errors(TemplateSchema().validate(body)), **picker_errors}
            if not errors:
                data = TemplateSchema().load(body)
                template = services.update_template(template, data) if template else services.create_template(data)
                db.session.commit()
                flash(_("Template saved (version %(v)s).", v=template.version), "success")
                return redirect(url_for(".template_editor", template_id=template.id), 303)
            if "items" in errors:
                errors["items"] = [_("Give at least one item (at most 100).")]
            errors, row_errors = editor.row_errors(errors)
    status = 422 if errors or row_errors else 200
    return render_template("compliance/template_form.html", template=template, form=form, errors=errors,
                           row_errors=row_errors, owners=OWNERS, rows=rows + [editor.BLANK_ROW],
                           blank_row=editor.BLANK_ROW, picker=picker, weekdays=editor.weekday_names(),
                           months=editor.month_names(), audience=_audience(template)), status


def _audience(template) -> dict | None:
    """What the assign form offers: counts, filter choices, and the people a search found."""
    if template is None:
        return None
    q = (request.args.get("q") or "").strip()[:100]
    everyone = db.session.scalar(sa.select(sa.func.count()).select_from(
        assigning.audience_query({"all": True}).subquery()))
    return {**assigning.audience_options(), "everyone": everyone, "q": q,
            "found": assigning.search(q) if q else [], "limit": assigning.SEARCH_LIMIT}


@bp.post("/templates/<uuid:template_id>/assign")
def assign(template_id):
    if not _manager():
        abort(403)
    try:
        outcome = assigning.assign_audience(g.tenant, template_id, editor.posted_audience(), created_by=g.user.id)
    except DomainError as exc:
        db.session.rollback()
        flash(_messages(exc), "error")
        return redirect(url_for(".template_editor", template_id=template_id, _anchor="assign"), 303)
    db.session.commit()
    if isinstance(outcome, BackgroundJob):
        flash(ngettext("%(num)s checklist is being assigned in the background.",
                       "%(num)s checklists are being assigned in the background.", outcome.progress_total), "success")
    else:
        flash(ngettext("%(num)s checklist assigned.", "%(num)s checklists assigned.", len(outcome)), "success")
    return redirect(url_for(".index"), 303)


# --- The private calendar feed (no login: the token is the key)


@feeds.get("/<slug>/<token>.ics")
def feed(slug, token):
    tenant = enter_public_tenant(slug, "compliance")
    employee_id = calendar.feed_employee(token)
    if employee_id is None:
        abort(404)
    body = calendar.ics(services.open_items(employee_id), f"{tenant.name} compliance", with_names=False)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})
