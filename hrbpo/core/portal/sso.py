"""The portal's single sign-on settings page (/t/<slug>/settings/sso): the
same rules as the API (hrbpo.core.identity.sso_settings), as a form."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.errors import Invalid
from hrbpo.core.identity import sso_settings
from hrbpo.core.identity.sso_schemas import SsoSettingsSchema
from hrbpo.core.portal.forms import load
from hrbpo.core.portal.blueprint import bp

MANAGE = "settings.write"
TEXT_FIELDS = ("issuer", "client_id", "client_secret", "display_name")


def _page(values, errors, current, status=200):
    by_field = {}
    for key, messages in errors.items():  # allowed_domains.2 → allowed_domains
        by_field.setdefault(key.split(".")[0], []).extend(messages)
    values = {**values, "allowed_domains": " ".join(values.get("allowed_domains") or [])}
    return render_template("portal/sso_settings.html", values=values, errors=by_field, current=current), status


def _posted() -> dict:
    values = {name: request.form.get(name, "").strip() for name in TEXT_FIELDS}
    values = {name: value for name, value in values.items() if value}
    values["allowed_domains"] = request.form.get("allowed_domains", "").replace(",", " ").split()
    values.update(enforce="enforce" in request.form, jit="jit" in request.form)
    return values


@bp.route("/settings/sso", methods=["GET", "POST"])
@requires(MANAGE)
def sso():
    settings = sso_settings.find(g.tenant)
    current = sso_settings.describe(settings, g.tenant.slug) if settings else None
    if request.method == "GET":
        return _page(current or {}, {}, current)
    values = _posted()
    data, errors = load(SsoSettingsSchema(), values)
    if not errors:
        try:
            settings = sso_settings.save(data)
        except Invalid as exc:
            db.session.rollback()
            errors = exc.errors
    if errors:
        return _page(values, errors, current, 422)
    db.session.commit()
    flash(_("Single sign-on saved."), "success")
    return redirect(url_for("portal.sso"), code=303)


@bp.post("/settings/sso/delete")
@requires(MANAGE)
def delete_sso():
    settings = sso_settings.find(g.tenant)
    if settings is not None:
        sso_settings.delete(settings)
        db.session.commit()
        flash(_("Single sign-on is off: everyone signs in with a password again."), "success")
    return redirect(url_for("portal.sso"), code=303)
