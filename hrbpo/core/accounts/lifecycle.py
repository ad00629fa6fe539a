"""Switching a member of the current tenant off and on. Deactivation ends
their bearer tokens for this tenant and every browser session at once; the
membership, employee record and data stay, and other tenants are untouched."""
import sqlalchemy as sa

from hrbpo.core import audit, tenancy
from hrbpo.core.auth.models import ApiToken, Membership, User
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import Conflict, NotFound
from hrbpo.core.i18n import N_


def set_active(user_id, active: bool, actor) -> Membership:
    """Deactivate (`active` False) or reactivate a member; repeating is a no-op."""
    membership = db.session.scalars(sa.select(Membership).where(Membership.user_id == user_id)
                                    .with_for_update(of=Membership)).first()
    if membership is None:
        raise NotFound("No such user in this tenant.")
    if not active and actor is not None and membership.user_id == actor.id:
        raise Conflict(N_("You cannot deactivate yourself."))
    if membership.active == active:
        return membership
    membership.active = active
    if not active:
        end_access(user_id)
    audit.record("user.deactivate" if not active else "user.reactivate", target_type="User",
                 target_id=str(user_id), changes={"email": membership.user.email})
    return membership


def end_access(user_id) -> None:
    """End the user's bearer tokens for the current tenant and every browser session, at once."""
    db.session.execute(sa.update(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.tenant_id == tenancy.require_tenant_id(),
        ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    db.session.execute(sa.update(User).where(User.id == user_id).values(session_version=User.session_version + 1))
