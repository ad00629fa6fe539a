"""Who is calling, and for which tenant: resolved once per request.

API requests authenticate with a bearer token; pages (and the API from a
logged-in browser) with the Flask-Login session plus CSRF. A URL naming a
tenant (`<slug>`) is then checked against the caller: operators may enter any
tenant, members their own, everybody else gets 404 (never a hint it exists).
"""
import uuid

import sqlalchemy as sa
from flask import abort, current_app, g, request, session
from flask_login import current_user

from hrbpo.core import tenancy
from hrbpo.core.auth import services
from hrbpo.core.auth.models import User
from hrbpo.core.auth.permissions import Access, grants_for
from hrbpo.core.db import db
from hrbpo.core.extensions import csrf, login_manager
from hrbpo.core.operators import scope
from hrbpo.core.request_cache import request_cache
from hrbpo.core.tenants.models import Tenant

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Session key: signed in through this tenant's OpenID provider, so signed in there only.
SSO_TENANT = "sso_tenant"


@login_manager.user_loader
def load_session_user(session_id: str):
    user_id, _, version = session_id.partition(":")
    try:
        user = db.session.get(User, uuid.UUID(user_id))
    except ValueError:
        return None
    if user is None or str(user.session_version) != version or not user.active:
        return None
    return user


def load_caller():
    """before_request: set g.user (and g.token) from the bearer token or session,
    and hold a scoped operator's request to their tenants (operators.scope)."""
    _identify()
    g.scope_token = scope.enter(g.user) if g.user is not None else None


def _identify():
    g.user = g.token = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        slug = (request.view_args or {}).get("slug")  # the tenant URL this request is for, if any
        token = services.token_user(raw.strip(), slug) if scheme.lower() == "bearer" else None
        if token is None:
            abort(401, "The bearer token is missing, malformed, expired or revoked.")
        g.user, g.token = token.user, token
        return
    if not request.cookies:
        return  # no session or remember cookie: anonymous, without asking Flask-Login (it hashes the client for that)
    if current_user.is_authenticated and _within_session_tenant(session.get(SSO_TENANT)):
        g.user = current_user._get_current_object()
        if request.method in UNSAFE and not _csrf_exempt():
            csrf.protect()


def _within_session_tenant(bound: str | None) -> bool:
    """A session from a tenant's provider reaches that tenant's URLs and the
    tenant-less ones (account, me), not another tenant's nor the console."""
    if bound is None:
        return True
    slug = (request.view_args or {}).get("slug")
    return slug in (None, bound) and not request.path.startswith("/ops")


def bind_session_to_tenant(slug: str):
    session[SSO_TENANT] = slug


def _csrf_exempt() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "csrf_exempt", False)


def csrf_exempt(view):
    """Endpoints that authenticate by their own means (login) or not at all (public forms)."""
    view.csrf_exempt = True
    return view


def current_actor() -> User | None:
    """The signed-in user of this request (session or bearer token), or None."""
    return g.get("user")


def tenant_by_slug(slug: str) -> Tenant | None:
    return request_cache(("tenant", slug), lambda: db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).first())


def access_to(user: User, slug: str) -> tuple[Tenant | None, Access | None]:
    """The tenant named `slug` and the caller's rights there (None when they
    may not see it at all), from one statement per request."""
    tenant, membership = services.tenant_with_membership(user, slug)
    return tenant, (_access(user, tenant, membership) if tenant else None)


def _access(user: User, tenant: Tenant, membership) -> Access | None:
    token = g.get("token")
    if token is not None and token.tenant_id is not None and token.tenant_id != tenant.id:
        return None
    if user.is_operator:
        return Access(user, "operator", granted=grants_for("hr_admin")) if scope.may_see(tenant.id) else None
    if membership is None:
        return None
    return Access(user, membership.role, membership.employee_id, grants_for(membership.role))


def enter_tenant(slug: str) -> Tenant:
    """Make `slug` the current tenant for this request, or abort 401/404."""
    if g.get("user") is None:
        abort(401)
    tenant, access = access_to(g.user, slug)
    if access is None:
        abort(404, "No such tenant.")
    request_cache(("tenant", slug), lambda: tenant)
    g.tenant, g.access = tenant, access
    g.acting = acting_in(tenant, access)
    g.tenant_token = tenancy.enter(tenant)
    return tenant


def acting_in(tenant: Tenant, access: Access) -> dict | None:
    """An operator inside a tenant acts as its HR admin for a stated reason:
    the `X-Hrbpo-Reason` header (API) or the console's act-as (browser session).
    The audit log then records both names and the reason."""
    if not access.is_operator:
        return None
    reason = request.headers.get("X-Hrbpo-Reason", "").strip()
    if not reason and g.get("token") is None:
        acting = session.get("acting") or {}
        reason = acting.get("reason", "") if acting.get("tenant") == tenant.slug else ""
    return {"as": f"hr_admin@{tenant.slug}", "reason": reason[:1000]} if reason else None


def leave_tenant(exc=None):
    token = g.pop("tenant_token", None)
    if token is not None:
        tenancy.leave(token)
    scope.leave(g.pop("scope_token", None))
