"""Sign-in (password, then TOTP when enrolled), logout, and the account pages.

Two-factor sign-in guards the browser session; API tokens are the
non-interactive path and never ask for a code (see docs/security.md).
"""
import time
import uuid

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import login_user, logout_user

from hrbpo.core.auth import services, totp
from hrbpo.core.auth.context import SSO_TENANT, tenant_by_slug
from hrbpo.core.auth.forms import CodeForm, LanguageForm, LoginForm, PasswordForm, TimezoneForm
from hrbpo.core.auth.models import User
from hrbpo.core.auth.passwords import check_password
from hrbpo.core.db import db
from hrbpo.core.errors import Invalid
from hrbpo.core.extensions import limiter
from hrbpo.core.identity import sso_settings
from hrbpo.core.messages import form_message
from hrbpo.core.redirects import safe_next
from hrbpo.core.tenants.services import SLUG

bp = Blueprint("auth", __name__)
PENDING = "2fa_pending"  # session key: password accepted, code still due
ENROLLING = "2fa_secret"  # session key: secret shown as QR code, not yet confirmed
PENDING_SECONDS = 300


def _account_key():
    return f"account:{services.normalise_email(request.form.get('email', ''))}"


def _pending_key():
    return f"account-2fa:{(session.get(PENDING) or {}).get('user', '-')}"


def _failed(response):
    return request.method == "POST" and response.status_code == 401


def _login_limits(key_func, scope):
    """Only failed attempts count, per account and per client address."""

    def decorator(view):
        view = limiter.limit(lambda: current_app.config["HRBPO_LOGIN_LIMIT_ADDRESS"], key_func=get_remote_address,
                             deduct_when=_failed, methods=["POST"], scope=f"{scope}-address")(view)
        return limiter.limit(lambda: current_app.config["HRBPO_LOGIN_LIMIT_ACCOUNT"], key_func=key_func,
                             deduct_when=_failed, methods=["POST"], scope=f"{scope}-account")(view)

    return decorator


def home_url(user, tenant_slug=None) -> str:
    if tenant_slug:
        return url_for("portal.home", slug=tenant_slug)
    if user.is_operator:
        return url_for("ops.index")
    memberships = services.memberships_of(user)
    return url_for("portal.home", slug=memberships[0][1].slug) if memberships else url_for("auth.account")


def _next():
    return safe_next(request.args.get("next"))


def _login_page(form, status=200, slug=None, required=False):
    """The sign-in form; for a tenant with single sign-on (named by the form,
    ?tenant= or a /t/<slug>/ next), a link to its provider too."""
    target = _next()
    slug = slug or form.tenant.data or request.args.get("tenant") or _tenant_of(target)
    tenant = tenant_by_slug(slug) if isinstance(slug, str) and SLUG.match(slug) else None
    sso = sso_settings.offer(tenant, target)
    return render_template("auth/login.html", form=form, sso=sso and {**sso, "required": required}), status


def _tenant_of(path):
    parts = (path or "").split("/")
    return parts[2] if len(parts) > 3 and parts[1] == "t" else None


@bp.route("/login", methods=["GET", "POST"])
@_login_limits(_account_key, "login")
def login():
    form = LoginForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _login_page(form, 400)
        user = services.authenticate(form.email.data, form.password.data)
        try:
            tenant, membership = services.login_tenant(user, form.tenant.data or None) if user else (None, None)
        except Invalid:
            form.tenant.errors = [_("You belong to several organisations: enter the one to sign in to.")]
            return _login_page(form, 401)
        if user is None or (tenant is None and not user.is_operator):
            flash(_("Wrong email, password or organisation."), "error")
            return _login_page(form, 401)
        slug = tenant.slug if tenant else None
        if sso_settings.required_for(user, tenant):
            return _login_page(form, 403, slug=slug, required=True)
        if user.totp_enabled:
            session[PENDING] = {"user": str(user.id), "version": user.session_version, "tenant": slug,
                                "next": _next(), "at": time.time()}
            return redirect(url_for("auth.verify"), code=303)
        return _signed_in(user, slug, _next(), membership.role if membership else None)
    return _login_page(form)


def _signed_in(user, slug, target, role):
    session.pop(PENDING, None)
    session.pop(SSO_TENANT, None)  # a password session is not bound to one tenant's provider
    login_user(user)
    tenant = tenant_by_slug(slug) if slug else None
    if totp.enrolment_due(user, tenant, role):
        return redirect(url_for("auth.two_factor", next=target or home_url(user, slug)), code=303)
    return redirect(target or home_url(user, slug), code=303)


def _pending_user():
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = db.session.get(User, uuid.UUID(pending["user"]))
    if user is None or not user.active or user.session_version != pending["version"]:
        return None, None
    return user, pending


@bp.route("/login/verify", methods=["GET", "POST"])
@_login_limits(_pending_key, "login-2fa")
def verify():
    """Second sign-in step: a code from the authenticator app or a backup code."""
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please sign in again."), "error")
        return redirect(url_for("auth.login"), code=303)
    form = CodeForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("auth/verify.html", form=form), 400
        if not totp.verify(user, form.code.data):
            form.code.errors = [_("That code is not right (or was already used).")]
            return render_template("auth/verify.html", form=form), 401
        membership = None
        if pending["tenant"]:
            tenant = tenant_by_slug(pending["tenant"])
            membership = services.membership_in(user, tenant) if tenant else None
        return _signed_in(user, pending["tenant"], pending["next"], membership.role if membership else None)
    return render_template("auth/verify.html", form=form)


@bp.post("/logout")
def logout():
    if g.get("user") is not None:
        services.end_sessions(g.user)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)


@bp.get("/")
def home():
    if g.get("user") is None:
        return redirect(url_for("auth.login"))
    return redirect(home_url(g.user))


def _signed_in_user():
    if g.get("user") is None or g.get("token") is not None:
        abort(401)
    return g.user


def two_factor_gate():
    """before_request (the app factory registers it): users who must have 2FA
    (operators; HR admins where the tenant says so) reach nothing but the
    account pages until they have enrolled."""
    user = g.get("user")
    if user is None or g.get("token") is not None or (request.endpoint or "").startswith(("auth.", "static")):
        return None
    if session.get(SSO_TENANT):
        return None  # signed in through the tenant's provider: the second factor lives there
    access = g.get("access")
    if not totp.enrolment_due(user, g.get("tenant"), access.role if access else None):
        return None
    if request.path.startswith("/api/"):
        abort(403, "Set up two-factor sign-in in the browser first (or use an API token).")
    flash(_("Set up two-factor sign-in to continue."), "error")
    return redirect(url_for("auth.two_factor", next=request.full_path.rstrip("?")), code=303)


@bp.get("/account")
def account():
    user = _signed_in_user()
    return _account(user)


def _account(user, status=200, **forms):
    """The account page; `forms` replace the blank ones (a form sent back with its errors)."""
    forms = {"password_form": PasswordForm(), "language_form": LanguageForm(locale=user.locale or ""),
             "timezone_form": TimezoneForm(timezone=user.timezone or ""), **forms}
    return render_template("auth/account.html", **forms), status


@bp.post("/account/password")
def change_password():
    user = _signed_in_user()
    form = PasswordForm()
    language_form = LanguageForm(locale=user.locale or "")
    if form.validate_on_submit():
        if not check_password(user.password_hash, form.current.data):
            form.current.errors = [_("That is not your current password.")]
        else:
            try:
                services.set_password(user, form.new.data)
            except Invalid as exc:
                form.new.errors = [form_message(m) for m in exc.errors["password"]]
            else:
                db.session.commit()
                login_user(user)  # the change ended every session, this one included
                flash(_("Your password was changed; other sessions are signed out."), "success")
                return redirect(url_for("auth.account"), code=303)
    return _account(user, 422, password_form=form, language_form=language_form)


@bp.post("/account/language")
def change_language():
    user = _signed_in_user()
    form = LanguageForm()
    if not form.validate_on_submit():
        return _account(user, 422, language_form=form)
    user.locale = form.locale.data or None
    db.session.commit()
    flash(_("Language saved."), "success")
    return redirect(url_for("auth.account"), code=303)


@bp.post("/account/timezone")
def change_timezone():
    user = _signed_in_user()
    form = TimezoneForm()
    if not form.validate_on_submit():
        return _account(user, 422, timezone_form=form)
    user.timezone = form.timezone.data or None
    db.session.commit()
    flash(_("Time zone saved."), "success")
    return redirect(url_for("auth.account"), code=303)


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor():
    """Enrol: scan the QR code, confirm with a code, get backup codes once."""
    user = _signed_in_user()
    target = _next()
    if user.totp_enabled:
        return render_template("auth/two_factor.html", form=CodeForm(), required=totp.required(user), next=target)
    form = CodeForm()
    secret = session.get(ENROLLING)
    if request.method == "POST" and secret and form.validate_on_submit():
        step = totp.matching_step(secret, form.code.data)
        if step is not None:
            session.pop(ENROLLING, None)
            codes = totp.enable(user, secret, step)
            return render_template("auth/backup_codes.html", codes=codes, next=target or home_url(user))
        form.code.errors = [_("That code is not right: check the time on your phone and try again.")]
    if not secret:
        secret = session[ENROLLING] = totp.new_secret()
    uri = totp.provisioning_uri(secret, user.email)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/enrol.html", form=form, secret=secret, qr=totp.qr_data_uri(uri), next=target), status


def _confirmed(user, form) -> bool:
    if form.validate_on_submit() and totp.verify(user, form.code.data):
        return True
    flash(_("That code is not right (or was already used)."), "error")
    return False


@bp.post("/account/two-factor/backup-codes")
def renew_backup_codes():
    user = _signed_in_user()
    form = CodeForm()
    if not user.totp_enabled or not _confirmed(user, form):
        return redirect(url_for("auth.two_factor"), code=303)
    return render_template("auth/backup_codes.html", codes=totp.renew_backup_codes(user), next=url_for("auth.account"))


@bp.post("/account/two-factor/disable")
def disable_two_factor():
    user = _signed_in_user()
    if totp.required(user):
        abort(403, _("Operators must keep two-factor sign-in."))
    if user.totp_enabled and _confirmed(user, CodeForm()):
        totp.disable(user)
        flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("auth.two_factor"), code=303)
