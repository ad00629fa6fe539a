"""Portal pages under /t/<slug>/servicedesk/: the cases the caller may see
(employees: their own) with a form to open one, and a case with its thread, a
reply form and (staff) internal notes and status buttons. Plain HTML forms:
POST, then redirect 303; errors come back next to their fields."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.plugin_api import DomainError, db, flatten_errors, page_args, paginate
from hrbpo.plugins.servicedesk import articles, cases, categories, present
from hrbpo.plugins.servicedesk.models import Case
from hrbpo.plugins.servicedesk.schemas import STATUS_CHANGES, CaseInSchema, CommentInSchema, StatusInSchema

bp = Blueprint("servicedesk", __name__, template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
def index():
    errors, typed = {}, {}
    if request.method == "POST":
        typed = request.form.to_dict()
        try:
            case, _imported = cases.open_case(CaseInSchema().load(
                {k: typed.get(k) for k in ("subject", "description", "category_id")}), g.access)
            db.session.commit()
            flash(_("Your case %(number)s is open.", number=f"HR-{case.number}"), "success")
            return redirect(url_for("servicedesk.case", case_id=case.id), 303)
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        except DomainError as exc:
            db.session.rollback()
            errors = exc.errors or {"subject": [exc.detail]}
    result = paginate(cases.case_query(g.access).order_by(Case.opened_at.desc(), Case.number.desc()), page_args())
    result["items"] = present.cases_out(result["items"])
    text = f"{typed.get('subject', '')} {typed.get('description', '')}"
    return render_template("servicedesk/index.html", result=result, errors=errors, typed=typed,
                           categories=db.session.scalars(categories.category_query(False)).all(),
                           suggested=articles.suggest(text, g.user.locale or "en") if typed else [],
                           staff=cases.is_staff(g.access)), 422 if errors else 200


@bp.get("/cases/<uuid:case_id>")
def case(case_id):
    found = cases.get_case(case_id, g.access)
    return render_template("servicedesk/case.html", case=present.cases_out([found])[0],
                           thread=present.thread(found, g.access), staff=cases.is_staff(g.access),
                           changes=[s for s in STATUS_CHANGES if s != found.status])


@bp.post("/cases/<uuid:case_id>/comments")
def comment(case_id):
    return _act(case_id, lambda: cases.comment(case_id, CommentInSchema().load({
        "body": request.form.get("body", ""), "internal": request.form.get("internal") == "1"}), g.access),
        _("Your reply is posted."))


@bp.post("/cases/<uuid:case_id>/status")
def status(case_id):
    return _act(case_id, lambda: cases.change_status(case_id, StatusInSchema().load(
        {"status": request.form.get("status", "")}), g.access), _("The case is updated."))


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
