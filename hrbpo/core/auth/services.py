"""Logins, tokens and memberships: the rules, free of HTTP."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from hrbpo.core import audit, tenancy
from hrbpo.core.auth.models import ApiToken, Membership, User
from hrbpo.core.auth.passwords import MIN_LENGTH, check_password, hash_password
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import Conflict, Invalid
from hrbpo.core.tenants.models import Tenant

TOKEN_PREFIX = "hrbpo_"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalars(sa.select(User).where(User.email == normalise_email(email))).first()


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    ok = check_password(user.password_hash if user else None, password)
    return user if ok and user.active else None


def memberships_of(user: User) -> list[tuple[Membership, Tenant]]:
    """Every tenant the user belongs to (their own data: crossing tenants is fine)."""
    with tenancy.all_tenants():
        rows = db.session.execute(
            sa.select(Membership, Tenant)
            .join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id == user.id)
            .order_by(Tenant.slug)
        ).all()
    return [(m, t) for m, t in rows]


# Every API request runs these two: built once, with bound parameters.
_TENANT_WITH_MEMBERSHIP = (
    sa.select(Tenant, Membership)
    .outerjoin(Membership, sa.and_(Membership.tenant_id == Tenant.id, Membership.user_id == sa.bindparam("user_id")))
    .where(Tenant.slug == sa.bindparam("slug"))
    .options(sa.orm.lazyload(Membership.user))  # it is the caller, already loaded
)
_TOKEN_BY_DIGEST = sa.select(ApiToken).where(ApiToken.token_hash == sa.bindparam("digest"))


def tenant_with_membership(user: User, slug: str) -> tuple[Tenant | None, Membership | None]:
    """The tenant named `slug` and the user's membership there, in one statement
    (the user's own rows, so reading across tenants is fine)."""
    with tenancy.all_tenants():
        row = db.session.execute(_TENANT_WITH_MEMBERSHIP, {"user_id": user.id, "slug": slug}).first()
    return (row[0], row[1]) if row else (None, None)


def membership_in(user: User, tenant: Tenant) -> Membership | None:
    with tenancy.tenant_context(tenant):
        return db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id)).first()


def login_tenant(user: User, slug: str | None) -> tuple[Tenant | None, Membership | None]:
    """Which tenant a login is for. Operators need none; members of several
    tenants must name one (Invalid); a tenant they do not belong to is None."""
    if user.is_operator and not slug:
        return None, None
    memberships = memberships_of(user)
    if slug:
        for membership, tenant in memberships:
            if tenant.slug == slug:
                return tenant, membership
        return None, None
    if len(memberships) > 1:
        raise Invalid({"tenant": ["You belong to several tenants: say which one (its slug)."]})
    return (memberships[0][1], memberships[0][0]) if memberships else (None, None)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, tenant: Tenant | None) -> tuple[str, ApiToken]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        tenant_id=tenant.id if tenant else None,
        token_hash=_digest(raw),
        expires_at=utcnow() + current_app.config["HRBPO_TOKEN_TTL"],
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", token, {"user": user.email}, tenant_id=tenant.id if tenant else None)
    db.session.commit()
    return raw, token


def token_user(raw: str) -> ApiToken | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalars(_TOKEN_BY_DIGEST, {"digest": _digest(raw)}).first()
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow() or not token.user.active:
        return None
    return token


def revoke_token(token: ApiToken):
    token.revoked_at = utcnow()
    audit.record("token.revoke", token, tenant_id=token.tenant_id)
    db.session.commit()


def validate_password(password: str):
    if len(password) < MIN_LENGTH:
        raise Invalid({"password": [f"Use at least {MIN_LENGTH} characters."]})


def create_operator(email: str, password: str) -> User:
    validate_password(password)
    if find_user(email):
        raise Conflict(f"A user with email {email} already exists.")
    user = User(email=normalise_email(email), password_hash=hash_password(password), is_operator=True)
    db.session.add(user)
    db.session.flush()
    audit.record("operator.create", user, {"email": user.email}, tenant_id=None)
    db.session.commit()
    return user


def set_password(user: User, password: str):
    validate_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    audit.record("user.password_change", user, tenant_id=tenancy.current_tenant_id())


def end_sessions(user: User):
    """Server-side logout: every cookie carrying the old version stops working."""
    user.session_version += 1
    db.session.commit()


def token_ttl_left(token: ApiToken) -> timedelta:
    return token.expires_at - utcnow()
