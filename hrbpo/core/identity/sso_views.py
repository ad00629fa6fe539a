"""/sso/<slug>/login and /sso/<slug>/callback: the browser's way through the
tenant's OpenID provider. Every refusal is a page in words, audited, with
no session."""
import re
import secrets

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from hrbpo.core import tenancy
from hrbpo.core.auth.context import bind_session_to_tenant, tenant_by_slug
from hrbpo.core.identity import sso_provider, sso_settings, sso_signin
from hrbpo.core.redirects import safe_next
from hrbpo.core.tenants.services import SLUG

bp = Blueprint("sso", __name__, url_prefix="/sso/<slug>")
BROWSER_COOKIE = "hrbpo_sso"  # binds an attempt to the browser that started it
_BROWSER = re.compile(r"[A-Za-z0-9_-]{43}\Z")

REASONS = {
    "state": _l("This sign-in has expired, was already used or was started in another browser."),
    "code": _l("Your identity provider did not accept this sign-in (it may have been used already)."),
    "provider_error": _l("Your identity provider did not sign you in, or could not be reached."),
    "signature": _l("The answer from your identity provider was not signed with one of its keys."),
    "issuer": _l("The answer came from another identity provider than this organisation's."),
    "audience": _l("The answer from your identity provider was meant for another application."),
    "expired": _l("The answer from your identity provider has expired (or a clock is wrong)."),
    "nonce": _l("The answer from your identity provider does not belong to this sign-in."),
    "email_unverified": _l("Your identity provider did not confirm your email address."),
    "domain": _l("People with your email domain may not sign in to this organisation."),
    "operator": _l("BPO operators sign in with their password and two-factor code, not here."),
    "inactive": _l("Your access to this organisation has been switched off."),
    "unknown_user": _l("This organisation has no login for you yet: ask your HR team to add you."),
}


def _sso(slug):
    """The tenant and its settings, entered for this request; one 404 for no tenant and no SSO."""
    tenant = tenant_by_slug(slug) if SLUG.match(slug) else None
    settings = sso_settings.find(tenant) if tenant else None
    if settings is None:
        abort(404)
    g.tenant, g.tenant_token = tenant, tenancy.enter(tenant)
    return tenant, settings


def _next(slug):
    target = safe_next(request.args.get("next"))
    return target if target and target.startswith(f"/t/{slug}/") else None


@bp.get("/login")
def login(slug):
    tenant, settings = _sso(slug)
    browser = request.cookies.get(BROWSER_COOKIE, "")
    if not _BROWSER.match(browser):
        browser = secrets.token_urlsafe(32)
    try:
        url = sso_signin.start(slug, settings, browser, _next(slug))
    except sso_provider.ProviderError:
        return _refused(slug, sso_signin.Refused("provider_error", 502))
    response = redirect(url, code=302)
    response.set_cookie(BROWSER_COOKIE, browser, max_age=int(sso_signin.ATTEMPT_TTL.total_seconds()),
                        path=f"/sso/{slug}/", httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure)
    return response


@bp.get("/callback")
def callback(slug):
    tenant, settings = _sso(slug)
    try:
        user, membership, target = sso_signin.finish(slug, settings, request.args, request.cookies.get(BROWSER_COOKIE))
    except sso_signin.Refused as refused:
        sso_signin.record_refusal(refused)
        return _refused(slug, refused)
    session.clear()
    login_user(user)
    bind_session_to_tenant(slug)
    return redirect(target or url_for("portal.home", slug=slug), code=303)


def _refused(slug, refused):
    return render_template("sso/refused.html", message=REASONS[refused.reason], slug=slug), refused.status
