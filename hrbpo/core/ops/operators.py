"""Operator console pages for bpo_admins: operator groups (/ops/groups) and
operators (invite from /ops/users; role, groups, on/off at /ops/operators/<id>)."""
import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core.auth.permissions import bpo_admin_required
from hrbpo.core.db import db
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.operators import groups, services
from hrbpo.core.operators.models import ROLES
from hrbpo.core.operators.schemas import OperatorGroupSchema, OperatorSchema, OperatorUpdateSchema
from hrbpo.core.ops.blueprint import bp
from hrbpo.core.portal.forms import flash_outcome, load, submitted
from hrbpo.core.messages import form_message


def _slugs(text: str | None) -> list[str]:
    return [s for s in re.split(r"[\s,]+", text or "") if s][:1000]


def _group_values():
    values = submitted(("name", "tenant_slugs"))
    return values, {"name": values.get("name"), "tenant_slugs": _slugs(values.get("tenant_slugs"))}


def _save_group(save, done: str) -> tuple[dict, dict]:
    """Validate the posted group and `save(name, tenant_slugs)` it: (values shown again, errors)."""
    values, raw = _group_values()
    data, errors = load(OperatorGroupSchema(), raw)
    if not errors:
        try:
            save(data["name"], data["tenant_slugs"])
        except (Conflict, Invalid) as exc:
            db.session.rollback()
            errors = exc.errors or {"name": [exc.detail]}
        else:
            db.session.commit()
            flash(done, "success")
    return values, errors


def _found(getter, *args):
    try:
        return getter(*args)
    except NotFound:
        abort(404)


@bp.route("/groups", methods=["GET", "POST"])
@bpo_admin_required
def groups_page():
    values, errors = {}, {}
    if request.method == "POST":
        values, errors = _save_group(groups.create, _("The group was saved."))
        if not errors:
            return redirect(url_for("ops.groups_page"), code=303)
    shown = groups.groups_out(groups.all_groups())
    return render_template("ops/groups.html", groups=shown, values=values, errors=errors), 422 if errors else 200


@bp.route("/groups/<uuid:group_id>", methods=["GET", "POST"])
@bpo_admin_required
def group_page(group_id):
    group = groups.group_out(_found(groups.get, group_id))
    values, errors = {"name": group["name"], "tenant_slugs": " ".join(group["tenant_slugs"])}, {}
    if request.method == "POST":
        values, errors = _save_group(lambda name, slugs: groups.update(group_id, name, slugs), _("The group was saved."))
        if not errors:
            return redirect(url_for("ops.groups_page"), code=303)
    return render_template("ops/group.html", group=group, values=values, errors=errors), 422 if errors else 200


@bp.post("/groups/<uuid:group_id>/delete")
@bpo_admin_required
def delete_group(group_id):
    _found(groups.delete, group_id)
    db.session.commit()
    flash(_("The group was deleted."), "success")
    return redirect(url_for("ops.groups_page"), code=303)


@bp.post("/operators")
@bpo_admin_required
def invite_operator():
    values = submitted(("email", "role"))
    data, errors = load(OperatorSchema(), {**values, "group_ids": request.form.getlist("group_ids")[:200]})
    if not errors:
        try:
            services.invite(data["email"], data["role"], data["group_ids"], g.user)
        except (Conflict, Invalid) as exc:
            db.session.rollback()
            errors = exc.errors or {"email": [exc.detail]}
    if errors:
        flash("; ".join(form_message(m) for v in errors.values() for m in v), "error")
    else:
        db.session.commit()
        flash(_("An invitation was mailed to %(email)s.", email=data["email"]), "success")
    return redirect(url_for("ops.users"), code=303)


@bp.route("/operators/<uuid:user_id>", methods=["GET", "POST"])
@bpo_admin_required
def operator_page(user_id):
    operator = services.operator_out(_found(services.get, user_id))
    errors = {}
    if request.method == "POST":
        data, errors = load(OperatorUpdateSchema(), {**submitted(("role",)),
                                                     "group_ids": request.form.getlist("group_ids")[:200]})
        if not errors:
            try:
                services.update(user_id, data.get("role"), data["group_ids"])
            except (Conflict, Invalid) as exc:
                db.session.rollback()
                errors = exc.errors or {"role": [exc.detail]}
            else:
                db.session.commit()
                flash(_("%(email)s was saved.", email=operator["email"]), "success")
                return redirect(url_for("ops.operator_page", user_id=user_id), code=303)
    return render_template("ops/operator.html", operator=operator, groups=groups.all_groups(), roles=ROLES,
                           errors=errors), 422 if errors else 200


@bp.post("/operators/<uuid:user_id>/active")
@bpo_admin_required
def set_operator_active(user_id):
    on = request.form.get("active") == "1"
    flash_outcome(lambda: services.set_active(user_id, on),
                  lambda user: _("%(email)s can sign in again.", email=user.email) if on
                  else _("%(email)s is switched off and signed out.", email=user.email))
    return redirect(url_for("ops.operator_page", user_id=user_id), code=303)
