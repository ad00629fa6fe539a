"""Password reset by mail.

A request only queues a job (the same work and answer for every address, so
neither the response nor its timing tells whether an account exists); the
worker looks the address up and mails a link to an account that has it. A
link works once, for an hour; using it sets the password, ends every session
and bearer token of the account and kills its other reset links.
"""
from datetime import timedelta

import sqlalchemy as sa

from hrbpo.core import audit, mail, tenancy
from hrbpo.core.accounts import links, policy
from hrbpo.core.accounts.models import PasswordReset
from hrbpo.core.auth.models import ApiToken, Membership, User
from hrbpo.core.auth.passwords import hash_password
from hrbpo.core.auth.services import find_user, memberships_of, normalise_email
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import NotFound
from hrbpo.core.jobs import job_kind, submit

KIND = "accounts.password_reset"
TTL = timedelta(hours=1)
DEAD_LINK = "This reset link is not valid: it is unknown, used or expired."


def request_reset(email: str, base: str):
    """Queue the lookup and mail for `email`; links point at `base`."""
    submit(KIND, {"email": normalise_email(email), "base": base.rstrip("/")}, tenant=None)


@job_kind(KIND, retries=2, retry_delay=10)
def mail_link(run) -> dict:
    user = find_user(run.params["email"])
    if user is None:
        return {}
    raw, digest = links.new_token()
    db.session.add(PasswordReset(user_id=user.id, token_hash=digest, expires_at=utcnow() + TTL))
    tenants = [tenant for _membership, tenant in memberships_of(user)]
    tenant = tenants[0] if tenants else None  # its language and name, for someone who chose none
    mail.send(mail.Recipient(user.email, mail.locale_for(user, tenant)), "accounts/mail/password_reset.txt",
              email=user.email, tenant=tenant, link=f"{run.params['base']}/reset/{raw}",
              minutes=int(TTL.total_seconds() // 60))
    return {}


def find(raw: str, lock=False) -> tuple[PasswordReset, User]:
    stmt = (sa.select(PasswordReset, User).join(User, User.id == PasswordReset.user_id)
            .where(PasswordReset.token_hash == links.digest(raw)))
    row = db.session.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None or row.PasswordReset.used_at is not None or row.PasswordReset.expires_at <= utcnow():
        raise NotFound(DEAD_LINK)
    return row.PasswordReset, row.User


def reset_password(raw: str, password: str) -> User:
    """Set the password through a reset link (policy failures leave it usable)."""
    _reset, user = find(raw, lock=True)
    policy.validate(password, user.email)
    now = utcnow()
    user.password_hash = hash_password(password)
    user.session_version += 1  # every browser session ends
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))
    db.session.execute(sa.update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                      PasswordReset.used_at.is_(None)).values(used_at=now))
    with tenancy.all_tenants():
        tenant_ids = db.session.scalars(sa.select(Membership.tenant_id).where(Membership.user_id == user.id)).all()
    for tenant_id in tenant_ids or [None]:
        with tenancy.tenant_context(tenant_id) if tenant_id else tenancy.all_tenants():
            audit.record("user.password_reset", user, {"email": user.email}, tenant_id=tenant_id, actor=user)
    db.session.commit()
    return user
