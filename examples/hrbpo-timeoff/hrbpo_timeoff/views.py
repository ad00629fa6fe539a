"""Portal page /t/<slug>/timeoff/: request days off; HR admins decide."""
import marshmallow as ma
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.plugin_api import db, requires
from hrbpo_timeoff import services
from hrbpo_timeoff.schemas import RequestSchema

bp = Blueprint("timeoff", __name__, template_folder="templates")


def _page(errors=None, form=None, status=200):
    requests = db.session.scalars(services.request_query().limit(100)).all()
    return render_template("timeoff/index.html", requests=requests, errors=errors or {}, form=form or {},
                           can_request=g.access.employee_id is not None,
                           can_decide=g.access.can("timeoff.approve")), status


@bp.get("/")
def index():
    return _page()


@bp.post("/")
def create():
    try:
        data = RequestSchema(only=("starts_on", "ends_on", "reason")).load(
            {k: v for k, v in request.form.items() if k in ("starts_on", "ends_on", "reason") and v})
    except ma.ValidationError as exc:
        return _page(exc.messages, request.form, 422)
    services.create_request(data)
    db.session.commit()
    flash(_("Your request was sent."), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/<uuid:request_id>/decision")
@requires("timeoff.approve")
def decide(request_id):
    status = {"approve": "approved", "reject": "rejected"}.get(request.form.get("decision"))
    if status is None:
        return _page({"decision": [_("Choose approve or reject.")]}, status=422)
    services.decide(services.get_request(request_id), status, request.form.get("note") or None)
    db.session.commit()
    flash(_("Request approved.") if status == "approved" else _("Request rejected."), "success")
    return redirect(url_for(".index"), 303)
