"""A tenant's sign-in settings: the rules behind the API and the settings
page. The client secret is written, never read back, and never audited."""
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from hrbpo.core import audit, tenancy
from hrbpo.core.db import db, lock, utcnow
from hrbpo.core.errors import Invalid
from hrbpo.core.i18n import N_
from hrbpo.core.identity import sso_provider
from hrbpo.core.identity.sso_models import SsoSettings
from hrbpo.core.mail import link

SECRET_REQUIRED = N_("Required when single sign-on is first set up.")
FIELDS = ("issuer", "client_id", "display_name", "allowed_domains", "enforce", "jit", "default_role")


def find(tenant) -> SsoSettings | None:
    """The tenant's settings, or None when it has no SSO."""
    with tenancy.tenant_context(tenant):
        return db.session.scalars(sa.select(SsoSettings)).first()


def login_url(slug: str) -> str:
    return link(f"/sso/{slug}/login")


def describe(settings: SsoSettings, slug: str) -> dict:
    """The settings as the API shows them (never the secret)."""
    out = {name: getattr(settings, name) for name in FIELDS}
    return {**out, "client_secret_set": True, "redirect_uri": link(f"/sso/{slug}/callback"),
            "login_url": login_url(slug), "updated_at": settings.updated_at}


def check_issuer(issuer: str):
    """422 on `issuer` unless it is allowed and its discovery document is usable (fetched now)."""
    problem = sso_provider.url_problem(issuer)
    if problem is None:
        try:
            sso_provider.discover(issuer)
        except sso_provider.ProviderError as exc:
            problem = str(exc)
    if problem:
        raise Invalid({"issuer": [problem]})


def save(data: dict) -> SsoSettings:
    """Replace the current tenant's settings (fields left out take their
    defaults; a left-out client_secret keeps the stored one). Fetches the
    issuer's discovery document before anything is stored."""
    secret = data.get("client_secret")
    if not secret and db.session.scalars(sa.select(SsoSettings.id)).first() is None:
        raise Invalid({"client_secret": [SECRET_REQUIRED]})
    check_issuer(data["issuer"])  # the network call, before any row is locked
    settings = db.session.scalars(sa.select(SsoSettings).with_for_update()).first()
    if settings is None and not secret:  # removed meanwhile
        raise Invalid({"client_secret": [SECRET_REQUIRED]})
    values = {**data, "display_name": data.get("display_name") or urlsplit(data["issuer"]).hostname[:60],
              "allowed_domains": list(dict.fromkeys(data.get("allowed_domains") or []))}
    before = {name: getattr(settings, name) for name in FIELDS} if settings else {}
    if settings is None:
        settings = SsoSettings()
        db.session.add(settings)
    changes = {name: [before.get(name), values[name]] for name in FIELDS if before.get(name) != values[name]}
    for name in FIELDS:
        setattr(settings, name, values[name])
    if secret and secret != settings.client_secret:
        settings.client_secret = secret
        changes["client_secret"] = "changed"  # named, never its value
    settings.updated_at = utcnow()
    db.session.flush()
    audit.record("sso.settings.update", settings, changes)
    return settings


def delete(settings: SsoSettings):
    lock(settings)
    audit.record("sso.settings.delete", settings, {"issuer": settings.issuer})
    db.session.delete(settings)


def _login_path(slug: str, next_path: str | None) -> str:
    return f"/sso/{slug}/login" + (f"?{urlencode({'next': next_path})}" if next_path else "")


def offer(tenant, next_path: str | None = None) -> dict | None:
    """The login page's "Sign in with …" link for `tenant` (None: no tenant, or no SSO)."""
    settings = find(tenant) if tenant is not None else None
    if settings is None:
        return None
    kept = next_path if next_path and next_path.startswith(f"/t/{tenant.slug}/") else None
    return {"url": _login_path(tenant.slug, kept), "display_name": settings.display_name}


def required_for(user, tenant) -> bool:
    """Password sign-in to `tenant` is refused for `user` (a member, not an operator)."""
    if tenant is None or user.is_operator:
        return False
    settings = find(tenant)
    return settings is not None and settings.enforce
