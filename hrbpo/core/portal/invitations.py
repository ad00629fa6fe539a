"""Portal pages for a tenant's staff: invitations (invite, resend, revoke),
inviting the employees in bulk, and switching a login off and on."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core import mail
from hrbpo.core.accounts import bulk, invitations, lifecycle
from hrbpo.core.accounts.schemas import InvitationSchema
from hrbpo.core.auth.models import ROLES
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.portal.forms import flash_outcome, load, submitted
from hrbpo.core.messages import form_message
from hrbpo.core.portal.blueprint import bp


@bp.route("/invitations/", methods=["GET", "POST"])
@requires("users.manage")
def invitations_page():
    values, errors = {}, {}
    if request.method == "POST":
        values = submitted(("email", "role"))
        data, errors = load(InvitationSchema(only=("email", "role")), values)
        if not errors:
            try:
                invitations.invite(g.tenant, data["email"], data["role"], inviter=g.user)
            except (Conflict, Invalid) as exc:
                db.session.rollback()
                errors = exc.errors or {"email": [exc.detail]}
            else:
                db.session.commit()
                flash(_("An invitation was mailed to %(email)s.", email=data["email"]), "success")
                return redirect(url_for("portal.invitations_page"), code=303)
    uninvited = db.session.scalar(bulk.count_uninvited())
    return render_template("accounts/portal_invitations.html", pending=invitations.pending_in(g.tenant),
                           uninvited=uninvited, values=values, errors=errors, roles=ROLES), 422 if errors else 200


@bp.post("/invitations/<uuid:invitation_id>/resend")
@requires("users.manage")
def resend_invitation(invitation_id):
    """Invite the same address again: the old link dies, a new one is mailed."""
    try:
        old = invitations.get(invitation_id)
    except NotFound:
        abort(404)
    flash_outcome(lambda: invitations.invite(g.tenant, old.email, old.role, old.employee_id, g.user),
                  lambda _new: _("A new invitation was mailed to %(email)s.", email=old.email), (Conflict, Invalid))
    return redirect(url_for("portal.invitations_page"), code=303)


@bp.post("/invitations/<uuid:invitation_id>/revoke")
@requires("users.manage")
def revoke_invitation(invitation_id):
    flash_outcome(lambda: invitations.revoke(invitation_id),
                  lambda invitation: _("The invitation of %(email)s was revoked.", email=invitation.email))
    return redirect(url_for("portal.invitations_page"), code=303)


@bp.post("/invitations/employees")
@requires("users.manage")
def invite_employees():
    """Invite every active employee who has no login and no pending invitation (a job)."""
    _job, count = bulk.submit_bulk(g.tenant, g.user, mail.link(""))
    db.session.commit()
    flash(_("Invitations are being mailed to %(n)s employee(s).", n=count), "success")
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/t/")
                    else url_for("portal.invitations_page"), code=303)


@bp.post("/users/<uuid:user_id>/active")
@requires("users.manage")
def set_user_active(user_id):
    """Deactivate (`active=0`) or reactivate (`active=1`) a login of this tenant."""
    active = request.form.get("active") == "1"
    try:
        membership = lifecycle.set_active(user_id, active, g.user)
    except NotFound:
        abort(404)
    except Conflict as exc:
        db.session.rollback()
        flash(form_message(exc.detail), "error")
    else:
        db.session.commit()
        email = membership.user.email
        flash(_("%(email)s can sign in again.", email=email) if active else
              _("%(email)s is deactivated: signed out and unable to sign in here.", email=email), "success")
    return redirect(url_for("portal.users"), code=303)

