"""Login and logout pages (Flask-Login session, CSRF-protected form)."""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import login_user, logout_user

from hrbpo.core.auth import services
from hrbpo.core.auth.forms import LoginForm
from hrbpo.core.errors import Invalid
from hrbpo.core.extensions import limiter

bp = Blueprint("auth", __name__)


def _account_key():
    return f"account:{services.normalise_email(request.form.get('email', ''))}"


def _failed(response):
    return request.method == "POST" and response.status_code == 401


def home_url(user, tenant_slug=None) -> str:
    if tenant_slug:
        return url_for("portal.home", slug=tenant_slug)
    if user.is_operator:
        return url_for("ops.index")
    memberships = services.memberships_of(user)
    return url_for("portal.home", slug=memberships[0][1].slug) if memberships else url_for("auth.login")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["HRBPO_LOGIN_LIMIT_ACCOUNT"], key_func=_account_key,
               deduct_when=_failed, methods=["POST"], scope="login-account")
@limiter.limit(lambda: current_app.config["HRBPO_LOGIN_LIMIT_ADDRESS"], key_func=get_remote_address,
               deduct_when=_failed, methods=["POST"], scope="login-address")
def login():
    form = LoginForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("auth/login.html", form=form), 400
        user = services.authenticate(form.email.data, form.password.data)
        try:
            tenant, _membership = services.login_tenant(user, form.tenant.data or None) if user else (None, None)
        except Invalid:
            form.tenant.errors = [_("You belong to several organisations: enter the one to sign in to.")]
            return render_template("auth/login.html", form=form), 401
        if user is None or (tenant is None and not user.is_operator):
            flash(_("Wrong email, password or organisation."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        return redirect(_safe_next() or home_url(user, tenant.slug if tenant else None), code=303)
    return render_template("auth/login.html", form=form)


def _safe_next():
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None


@bp.post("/logout")
def logout():
    if g.get("user") is not None:
        services.end_sessions(g.user)
    logout_user()
    return redirect(url_for("auth.login"), code=303)


@bp.get("/")
def home():
    if g.get("user") is None:
        return redirect(url_for("auth.login"))
    return redirect(home_url(g.user))
