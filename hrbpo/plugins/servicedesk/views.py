"""Portal pages under /t/<slug>/servicedesk/: the cases the caller may see
(employees: their own) with a form to open one, and a case with its thread, a
reply form with attachments, (staff) internal notes, assignment and status
buttons, (the requester, once resolved) the rating. Plain HTML forms: POST,
then redirect 303; errors come back next to their fields. The staff's pages
are in staff_pages, kb_pages and report_pages, on the same blueprint."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.plugin_api import DomainError, db, files, flatten_errors, page_args, paginate
from hrbpo.plugins.servicedesk import articles, cases, categories, labels, present
from hrbpo.plugins.servicedesk.models import LOCALES, Case
from hrbpo.plugins.servicedesk.schemas import (STATUS_CHANGES, AssignSchema, CaseInSchema, CommentInSchema,
                                               Satisfaction, StatusInSchema)

bp = Blueprint("servicedesk", __name__, template_folder="templates", static_folder="static")
bp.add_app_template_global(labels.label, "sd_label")


def _uploaded() -> list[str]:
    """Store the form's files (field `files`) as servicedesk uploads; their ids to attach."""
    return [str(cases.upload(f, g.access).id) for f in request.files.getlist("files") if f and f.filename]


@bp.route("/", methods=["GET", "POST"])
def index():
    errors, typed = {}, {}
    if request.method == "POST":
        typed = request.form.to_dict()
        try:
            body = {k: typed.get(k) for k in ("subject", "description", "category_id")}
            case, _imported = cases.open_case(CaseInSchema().load({**body, "attachment_ids": _uploaded()}), g.access)
            db.session.commit()
            flash(_("Your case %(number)s is open.", number="HR-%d" % case.number), "success")
            return redirect(url_for("servicedesk.case", case_id=case.id), 303)
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        except DomainError as exc:
            db.session.rollback()
            errors = exc.errors or {"subject": [exc.detail]}
    result = paginate(cases.case_query(g.access).order_by(Case.opened_at.desc(), Case.number.desc()), page_args())
    result["items"] = present.cases_out(result["items"])
    text = f"{typed.get('subject', '')} {typed.get('description', '')}"
    locale = g.user.locale if g.user.locale in LOCALES else "en"
    return render_template("servicedesk/index.html", result=result, errors=errors, typed=typed,
                           categories=db.session.scalars(categories.category_query(False)).all(),
                           suggested=articles.suggest(text, locale) if typed else [],
                           api_url=f"/api/v1/tenants/{g.tenant.slug}/servicedesk/articles?locale={locale}",
                           staff=cases.is_staff(g.access)), 422 if errors else 200


@bp.get("/cases/<uuid:case_id>")
def case(case_id):
    found = cases.get_case(case_id, g.access)
    staff = cases.is_staff(g.access)
    return render_template("servicedesk/case.html", case=present.cases_out([found])[0], staff=staff,
                           thread=present.thread(found, g.access), assignees=cases.assignees() if staff else [],
                           may_rate=cases.is_requester(found, g.access) and found.status in ("resolved", "closed")
                           and found.satisfaction_rating is None,
                           changes=[s for s in STATUS_CHANGES if s != found.status])


@bp.get("/files/<uuid:file_id>")
def download(file_id):
    return files.send(cases.visible_file(file_id, g.access))


@bp.post("/cases/<uuid:case_id>/comments")
def comment(case_id):
    return _act(case_id, lambda: cases.comment(case_id, CommentInSchema().load({
        "body": request.form.get("body", ""), "internal": request.form.get("internal") == "1",
        "attachment_ids": _uploaded()}), g.access), _("Your reply is posted."))


@bp.post("/cases/<uuid:case_id>/status")
def status(case_id):
    return _act(case_id, lambda: cases.change_status(case_id, StatusInSchema().load(
        {"status": request.form.get("status", "")}), g.access), _("The case is updated."))


@bp.post("/cases/<uuid:case_id>/assign")
def assign(case_id):
    return _act(case_id, lambda: cases.assign(case_id, AssignSchema().load(
        {"assignee_id": request.form.get("assignee_id") or None})["assignee_id"], g.access), _("The case is assigned."))


@bp.post("/cases/<uuid:case_id>/satisfaction")
def rate(case_id):
    rating = request.form.get("rating", "")
    return _act(case_id, lambda: cases.rate(case_id, Satisfaction().load({
        "rating": int(rating) if rating.isdigit() else rating,
        "comment": request.form.get("comment") or None}), g.access), _("Thank you for your rating."))


def _act(case_id, work, done: str):
    try:
        work()
        db.session.commit()
        flash(done, "success")
    except ValidationError as exc:
        for field, messages in flatten_errors(exc.messages).items():
            flash(f"{field}: {' '.join(messages)}", "error")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail or _("That is not possible now."), "error")
    return redirect(url_for("servicedesk.case", case_id=case_id), 303)
