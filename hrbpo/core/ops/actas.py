"""Operators acting as a tenant's HR admin: always with a stated reason, shown
in a banner on every page of that tenant, and audited under both names."""
from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from hrbpo.core import audit, tenancy
from hrbpo.core.auth.context import tenant_by_slug
from hrbpo.core.db import db
from hrbpo.core.ops.blueprint import bp, tenant_or_404
from hrbpo.core.redirects import safe_next
from hrbpo.core.text import MESSAGE, is_safe

MAX_REASON = 500


def _record(tenant, action, reason):
    """Audit in the tenant's own chain, under the operator and the role they take."""
    g.acting = {"as": f"hr_admin@{tenant.slug}", "reason": reason}
    with tenancy.tenant_context(tenant):
        audit.record(action, tenant, {"reason": reason})
    db.session.commit()


@bp.route("/act-as", methods=["GET", "POST"])
def act_as():
    tenant = tenant_or_404(request.values.get("tenant", "").strip())
    target = safe_next(request.values.get("next", "")) or url_for("portal.home", slug=tenant.slug)
    reason = " ".join(request.form.get("reason", "").split())[:MAX_REASON]
    if request.method == "GET" or not reason or not is_safe(reason):
        errors = [] if request.method == "GET" else [
            _(MESSAGE) if reason else _("Say why you need to act in this tenant.")]
        return render_template("ops/act_as.html", tenant=tenant, next=target, errors=errors), 422 if errors else 200
    previous = session.get("acting")
    if previous and previous.get("tenant") != tenant.slug:
        _stop(previous)
    session["acting"] = {"tenant": tenant.slug, "reason": reason}
    _record(tenant, "operator.act_as.start", reason)
    return redirect(target, code=303)


def _stop(acting):
    tenant = tenant_by_slug(acting.get("tenant", ""))
    if tenant is not None:
        _record(tenant, "operator.act_as.stop", acting.get("reason", ""))


@bp.post("/act-as/stop")
def stop_acting():
    acting = session.pop("acting", None)
    if acting:
        _stop(acting)
        flash(_("You stopped acting in %(tenant)s.", tenant=acting["tenant"]), "success")
    return redirect(url_for("ops.index"), code=303)
