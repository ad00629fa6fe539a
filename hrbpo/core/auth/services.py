"""Logins, tokens and memberships: the rules, free of HTTP."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from hrbpo.core import audit, tenancy
from hrbpo.core.auth.models import ApiToken, Membership, User
from hrbpo.core.accounts import policy
from hrbpo.core.auth.passwords import check_password, hash_password
from hrbpo.core.db import db, on_citus, utcnow
from hrbpo.core.errors import Conflict, Invalid
from hrbpo.core.request_cache import request_cache
from hrbpo.core.tenants import services as tenant_services
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
    """Every tenant the user belongs to and may enter (a deactivated
    membership is left out; their own data: crossing tenants is fine)."""
    with tenancy.identity_lookup():
        rows = db.session.execute(
            sa.select(Membership, Tenant)
            .join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id == user.id, Membership.active.is_(True))
            .order_by(Tenant.slug)
        ).all()
    return [(m, t) for m, t in rows]


# Every API request runs one of these (built once, with bound parameters): the
# bearer token with its user and, when the URL names a tenant, that tenant,
# the user's standing there (the membership's role and employee, None when not
# a member) and its switched-on modules, all in one statement. They read across
# tenants (an identity lookup: only identity tables), but only the caller's own
# token and memberships and the named tenant's row, which the access checks
# (auth.context) then judge.
_STANDING = (Tenant, Membership.role, Membership.employee_id, Membership.active,
             tenant_services.enabled_modules_column())
_TOKEN = (sa.select(ApiToken).join(ApiToken.user).where(ApiToken.token_hash == sa.bindparam("digest"))
          .options(sa.orm.contains_eager(ApiToken.user)))
_TOKEN_IN_TENANT = (_TOKEN.add_columns(*_STANDING).outerjoin(Tenant, Tenant.slug == sa.bindparam("slug"))
                    .outerjoin(Membership, sa.and_(Membership.tenant_id == Tenant.id, Membership.user_id == User.id)))
_TENANT_WITH_MEMBERSHIP = (
    sa.select(*_STANDING)
    .outerjoin(Membership, sa.and_(Membership.tenant_id == Tenant.id, Membership.user_id == sa.bindparam("user_id")))
    .where(Tenant.slug == sa.bindparam("slug"))
)


def tenant_with_membership(user: User, slug: str):
    """The tenant named `slug` and the user's standing there (`.role`,
    `.employee_id`; None when not a member), with the tenant's modules, in one
    statement, or from the token lookup that fetched them."""
    def load():
        with tenancy.identity_lookup():
            row = db.session.execute(_TENANT_WITH_MEMBERSHIP, {"user_id": user.id, "slug": slug}).first()
        return _standing(row) if row else (None, None)

    return request_cache(("standing", user.id, slug), load)


def _standing(row):
    tenant = row.Tenant
    if tenant is not None:
        tenant_services.remember_enabled_modules(tenant.id, row.enabled_modules)
    return tenant, (row if row.role is not None and row.active else None)  # deactivated: not a member


def membership_in(user: User, tenant: Tenant) -> Membership | None:
    with tenancy.tenant_context(tenant):
        return db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id,
                                                              Membership.active.is_(True))).first()


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


def token_user(raw: str, slug: str | None = None) -> ApiToken | None:
    """The live token `raw` names, with its user. With `slug` (the URL's
    tenant) the same statement answers tenant_with_membership for it too."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    params = {"digest": _digest(raw), "slug": slug}
    # Citus 13's coordinator crashes on this statement's reference-table LEFT
    # JOIN distributed table under RLS: there the standing is its own statement.
    if slug is not None and on_citus():
        slug = None
    if slug is None:
        row = db.session.execute(_TOKEN, params).first()
    else:
        with tenancy.identity_lookup():
            row = db.session.execute(_TOKEN_IN_TENANT, params).first()
    if row is None:
        return None
    token = row[0]
    if token.revoked_at is not None or token.expires_at <= utcnow() or not token.user.active:
        return None
    if slug is not None:
        request_cache(("standing", token.user_id, slug), lambda: _standing(row))
    return token


def revoke_token(token: ApiToken):
    token.revoked_at = utcnow()
    audit.record("token.revoke", token, tenant_id=token.tenant_id)
    db.session.commit()


def create_operator(email: str, password: str) -> User:
    """A bpo_admin (the CLI's and the console's way; scoped operators are invited)."""
    policy.validate(password, email)
    if find_user(email):
        raise Conflict(f"A user with email {email} already exists.")
    user = User(email=normalise_email(email), password_hash=hash_password(password), is_operator=True,
                operator_role="bpo_admin")
    db.session.add(user)
    db.session.flush()
    audit.record("operator.create", user, {"email": user.email}, tenant_id=None)
    db.session.commit()
    return user


def set_password(user: User, password: str):
    policy.validate(password, user.email)
    user.password_hash = hash_password(password)
    user.session_version += 1
    audit.record("user.password_change", user, tenant_id=tenancy.current_tenant_id())


def end_sessions(user: User):
    """Server-side logout: every cookie carrying the old version stops working."""
    user.session_version += 1
    db.session.commit()


def token_ttl_left(token: ApiToken) -> timedelta:
    return token.expires_at - utcnow()
