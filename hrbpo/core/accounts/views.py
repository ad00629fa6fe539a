"""The pages behind mailed links: accept an invitation (/invite/<token>),
forgot password (/forgot), set a new one (/reset/<token>). A dead link is a
404 page that says to ask for a new one, for every reason alike."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core import mail
from hrbpo.core.accounts import invitations, resets
from hrbpo.core.accounts.errors import WrongPassword
from hrbpo.core.accounts.forms import CurrentPasswordForm, ForgotForm, NewPasswordForm
from hrbpo.core.accounts.limits import accept_limits, reset_limits
from hrbpo.core.db import db
from hrbpo.core.errors import Invalid, NotFound
from hrbpo.core.messages import form_message

bp = Blueprint("accounts", __name__)


def _dead(kind: str):
    return render_template("accounts/dead_link.html", kind=kind), 404


def _refused(form) -> int | None:
    """400 for a missing or wrong CSRF token, 422 for the fields, None when valid."""
    if form.validate_on_submit():
        return None
    return 400 if "csrf_token" in form.errors else 422


@bp.route("/invite/<token>", methods=["GET", "POST"])
@accept_limits
def invite(token):
    try:
        invitation, tenant = invitations.find(token)
    except NotFound:
        return _dead("invitation")
    # Plain values: a rollback below expires the rows, which RLS then hides outside their tenant.
    email, company = invitation.email, tenant.name if tenant else _("the operator console")
    existing = invitations.has_account(invitation)
    form = CurrentPasswordForm() if existing else NewPasswordForm()
    status = 200
    if request.method == "POST":
        status = _refused(form)
        if status is None:
            try:
                invitations.accept(token, form.password.data)
            except NotFound:
                return _dead("invitation")
            except WrongPassword:
                db.session.rollback()
                form.password.errors = [_("That is not the current password of this account.")]
                status = 401
            except Invalid as exc:
                db.session.rollback()
                form.password.errors = [form_message(m) for m in exc.errors["password"]]
                status = 422
            else:
                flash(_("Welcome to %(company)s: sign in with your email and password.", company=company), "success")
                return redirect(url_for("auth.login"), code=303)
    return render_template("accounts/invite.html", form=form, email=email, company=company,
                           existing=existing), status


@bp.route("/forgot", methods=["GET", "POST"])
@reset_limits
def forgot():
    form = ForgotForm()
    if request.method == "POST":
        status = _refused(form)
        if status == 400:
            return render_template("accounts/forgot.html", form=form), 400
        if status is None:
            resets.request_reset(form.email.data, mail.link(""))
            db.session.commit()
        # The same answer for a known, an unknown or a mistyped address.
        flash(_("If an account has this address, a link to set a new password is on its way."), "success")
        return redirect(url_for("accounts.forgot"), code=303)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token):
    try:
        resets.find(token)
    except NotFound:
        return _dead("reset")
    form = NewPasswordForm()
    status = 200
    if request.method == "POST":
        status = _refused(form)
        if status is None:
            try:
                resets.reset_password(token, form.password.data)
            except NotFound:
                return _dead("reset")
            except Invalid as exc:
                db.session.rollback()
                form.password.errors = [form_message(m) for m in exc.errors["password"]]
                status = 422
            else:
                flash(_("Your password is set. Sign in with it; every other session was signed out."), "success")
                return redirect(url_for("auth.login"), code=303)
    return render_template("accounts/reset.html", form=form), status
