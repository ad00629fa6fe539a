"""A tenant's SCIM tokens: random, shown once, kept as their SHA-256, revocable."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from hrbpo.core import audit, tenancy
from hrbpo.core.api.base import get_or_404
from hrbpo.core.db import db, lock, utcnow
from hrbpo.core.identity.scim.models import ScimToken
from hrbpo.core.tenants.models import Tenant
from hrbpo.core.text import is_safe

PREFIX = "scim_"
# last_used_at is a write: refreshed at most this often, not on every request.
USE_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create(name: str, actor) -> tuple[str, ScimToken]:
    raw = PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    token = ScimToken(name=name, token_hash=_digest(raw), created_by_id=actor.id if actor else None)
    db.session.add(token)
    db.session.flush()
    audit.record("scim.token.create", token, {"name": name}, target_type="ScimToken")
    return raw, token


def live_tokens():
    return sa.select(ScimToken).where(ScimToken.revoked_at.is_(None)).order_by(ScimToken.created_at, ScimToken.id)


def revoke(token_id) -> None:
    token = get_or_404(ScimToken, token_id, "No such SCIM token.")
    lock(token)
    if token.revoked_at is not None:
        from flask import abort

        abort(404, "No such SCIM token.")
    token.revoked_at = utcnow()
    audit.record("scim.token.revoke", token, {"name": token.name}, target_type="ScimToken")


def authenticate(slug: str, header: str) -> tuple[Tenant, ScimToken] | None:
    """The tenant named `slug` and its live token in `Authorization`, or None
    (no tenant, no token, another tenant's, revoked: alike)."""
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw.startswith(PREFIX) or len(raw) > 200 or len(slug) > 63:
        return None
    if not (is_safe(raw) and is_safe(slug)):
        return None
    tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        return None
    with tenancy.tenant_context(tenant):
        token = db.session.scalars(sa.select(ScimToken).where(ScimToken.token_hash == _digest(raw),
                                                              ScimToken.revoked_at.is_(None))).first()
        if token is None:
            return None
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at > USE_RESOLUTION:
            token.last_used_at = now
            db.session.commit()
    return tenant, token
