"""Operator console: invite a tenant's HR admin (its first one when the
tenant is new); the tenant page lists the pending invitations."""
from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from hrbpo.core.accounts import invitations
from hrbpo.core.accounts.schemas import InvitationSchema
from hrbpo.core.db import db
from hrbpo.core.errors import Conflict, Invalid
from hrbpo.core.ops.blueprint import bp, tenant_or_404
from hrbpo.core.portal.forms import load, submitted
from hrbpo.core.messages import form_message


@bp.post("/tenants/<slug>/invitations")
def invite_hr_admin(slug):
    tenant = tenant_or_404(slug)
    data, errors = load(InvitationSchema(only=("email",)), submitted(("email",)))
    if errors:
        flash(" ".join(form_message(m) for m in errors["email"]), "error")
        return redirect(url_for("ops.tenant", slug=slug), code=303)
    try:
        invitations.invite(tenant, data["email"], "hr_admin", inviter=g.user)
    except (Conflict, Invalid) as exc:
        db.session.rollback()
        flash(form_message(exc.detail), "error")
    else:
        db.session.commit()
        flash(_("An invitation was mailed to %(email)s.", email=data["email"]), "success")
    return redirect(url_for("ops.tenant", slug=slug), code=303)
