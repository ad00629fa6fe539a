"""Portal pages for the tenant itself: settings (time zone, language,
currency, logo, optional features) and the audit log."""
from zoneinfo import available_timezones

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hrbpo.core import files
from hrbpo.core.auth.forms import LANGUAGES
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.errors import DomainError
from hrbpo.core.portal import audit_log
from hrbpo.core.portal.forms import load, submitted
from hrbpo.core.portal.blueprint import bp
from hrbpo.core.tenants import services
from hrbpo.core.tenants.schemas import TenantUpdateSchema

# Core features a tenant may switch on: settings key → label.
FEATURES = {"require_2fa_hr_admin": _l("HR admins must use two-factor sign-in")}
LOGO_TYPES = (files.PNG, files.JPEG)


def _render(values, errors, status=200):
    return render_template("portal/settings.html", values=values, errors=errors, zones=sorted(available_timezones()),
                           languages=LANGUAGES, features=FEATURES), status


@bp.route("/settings", methods=["GET", "POST"])
@requires("settings.write")
def settings():
    tenant = g.tenant
    if request.method == "GET":
        values = {"timezone": tenant.timezone, "locale": tenant.locale, "currency": tenant.currency}
        return _render(values, {})
    values = submitted(("timezone", "locale", "currency"))
    changes, errors = load(TenantUpdateSchema(), values)
    if errors:
        return _render(values, errors, 422)
    switches = dict(tenant.settings or {})
    switches.update({key: key in request.form for key in FEATURES})
    upload = request.files.get("logo")
    if upload is not None and upload.filename:
        try:
            logo = files.store(upload, allowed=LOGO_TYPES, purpose="logo", uploaded_by=g.user.id)
        except DomainError as exc:
            db.session.rollback()
            return _render(values, {"logo": [exc.detail or _("That file cannot be used.")]}, exc.status)
        switches["logo_file_id"] = str(logo.id)
    services.update_tenant(tenant, {**changes, "settings": switches})
    flash(_("Settings saved."), "success")
    return redirect(url_for("portal.settings"), code=303)


@bp.get("/audit")
@requires("audit.read")
def audit():
    """The tenant's audit events in words, newest first, filtered; acting operators show under both names."""
    return audit_log.page(g.tenant, "portal/audit.html")
