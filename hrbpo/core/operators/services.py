"""BPO operators: invite (the account exists from the invitation on, without
a password until it is accepted), change role and groups, deactivate and
reactivate; audited in the operator log. There is always one active bpo_admin."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from hrbpo.core import audit, mail, tenancy
from hrbpo.core.accounts import links, policy
from hrbpo.core.accounts.models import Invitation
from hrbpo.core.auth.models import ApiToken, User
from hrbpo.core.auth.passwords import hash_password
from hrbpo.core.auth.services import find_user, normalise_email
from hrbpo.core.db import db, lock, utcnow
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.i18n import N_
from hrbpo.core.operators.models import OperatorGroup, group_members

LAST_ADMIN = N_("This is the last active bpo_admin: make another one first.")


def operators_query():
    return sa.select(User).where(User.is_operator.is_(True)).order_by(User.email)


def get(user_id, for_update=False) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_operator:
        raise NotFound("No such operator.")
    return lock(user) if for_update else user


def groups_by_operator(users) -> dict:
    """User id → [(group id, name)] by name, in one query for a page of operators."""
    ids = [u.id for u in users]
    out = {i: [] for i in ids}
    if ids:
        for user_id, group_id, name in db.session.execute(
                sa.select(group_members.c.user_id, OperatorGroup.id, OperatorGroup.name)
                .join(OperatorGroup, OperatorGroup.id == group_members.c.group_id)
                .where(group_members.c.user_id.in_(ids)).order_by(OperatorGroup.name_key)):
            out[user_id].append((group_id, name))
    return out


def operator_out(user, groups=None) -> dict:
    groups = groups if groups is not None else groups_by_operator([user])[user.id]
    return {"id": user.id, "email": user.email, "role": user.operator_role, "group_ids": [g for g, _ in groups],
            "groups": [{"id": g, "name": n} for g, n in groups],
            "status": "active" if user.password_hash else "invited", "active": user.active}


def operators_out(users) -> list[dict]:
    groups = groups_by_operator(users)
    return [operator_out(u, groups[u.id]) for u in users]


def _check_groups(group_ids) -> list:
    wanted = sorted(set(group_ids))
    found = set(db.session.scalars(sa.select(OperatorGroup.id).where(OperatorGroup.id.in_(wanted)))) if wanted else set()
    unknown = [str(g) for g in wanted if g not in found]
    if unknown:
        raise Invalid({"group_ids": [f"No such operator group: {', '.join(unknown[:10])}."]})
    return wanted


def _set_groups(user, group_ids):
    db.session.execute(sa.delete(group_members).where(group_members.c.user_id == user.id))
    if group_ids:
        db.session.execute(sa.insert(group_members), [{"group_id": g, "user_id": user.id} for g in group_ids])


def invite(email: str, role: str, group_ids, inviter, base=None) -> User:
    """An operator account without a password, in its groups, and a mailed invitation to set one."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise Conflict(N_("An account with this address exists already."))
    group_ids = _check_groups(group_ids)
    user = User(email=email, password_hash=None, is_operator=True, operator_role=role)
    db.session.add(user)
    db.session.flush()
    _set_groups(user, group_ids)
    raw, digest = links.new_token()
    invitation = Invitation(
        tenant_id=None, email=email, role=role, token_hash=digest, stored_status="pending",
        expires_at=utcnow() + timedelta(days=current_app.config["HRBPO_INVITATION_TTL_DAYS"]),
        invited_by_id=inviter.id, invited_by_email=inviter.email)
    with tenancy.all_tenants():  # an invitation of no tenant is platform data (RLS)
        db.session.add(invitation)
        db.session.flush()
    audit.record("operator.invite", user, {"email": email, "role": role, "group_ids": group_ids}, tenant_id=None)
    base = (base or mail.link("")).rstrip("/")
    mail.send(mail.Recipient(email, mail.locale_for(None, None)), "operators/mail/invitation.txt",
              role=role, link=f"{base}/invite/{raw}", expires_at=invitation.expires_at, inviter=inviter.email)
    return user


def accept(invitation, password: str) -> User:
    """Set the invited operator's password (policy → Invalid); the invitation is then accepted.
    Their second factor is enrolled at their first sign-in, as for every operator."""
    user = find_user(invitation.email)
    if user is None or not user.is_operator or user.password_hash is not None:
        raise NotFound("This link is not valid: it is unknown, used, revoked, replaced or expired.")
    policy.validate(password, user.email)
    user.password_hash = hash_password(password)
    with tenancy.all_tenants():
        invitation.stored_status, invitation.accepted_at = "accepted", utcnow()
        db.session.flush()
    audit.record("invitation.accept", invitation, {"email": user.email, "role": invitation.role},
                 tenant_id=None, actor=user)
    return user


def _keep_an_admin(user):
    """Refuse to demote or switch off the last active bpo_admin (the others locked first)."""
    others = db.session.scalars(sa.select(User.id).where(
        User.is_operator.is_(True), User.operator_role == "bpo_admin", User.active.is_(True),
        User.id != user.id).with_for_update()).all()
    if not others:
        raise Conflict(LAST_ADMIN)


def update(user_id, role: str | None = None, group_ids=None) -> User:
    user = get(user_id, for_update=True)
    changes = {}
    if role is not None and role != user.operator_role:
        if user.operator_role == "bpo_admin" and user.active:
            _keep_an_admin(user)
        changes["role"] = [user.operator_role, role]
        user.operator_role = role
    if group_ids is not None:
        before = [str(g) for g, _ in groups_by_operator([user])[user.id]]
        group_ids = _check_groups(group_ids)
        _set_groups(user, group_ids)
        if sorted(before) != sorted(map(str, group_ids)):
            changes["group_ids"] = [sorted(before), sorted(map(str, group_ids))]
    audit.record("operator.update", user, changes, tenant_id=None)
    return user


def set_active(user_id, active: bool) -> User:
    """Switch an operator off (their tokens and sessions end at once) or on again; repeating is a no-op."""
    user = get(user_id, for_update=True)
    if user.active == active:
        return user
    if not active:
        if user.operator_role == "bpo_admin":
            _keep_an_admin(user)
        user.session_version += 1
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
    user.active = active
    audit.record("operator.deactivate" if not active else "operator.reactivate", user, {"email": user.email},
                 tenant_id=None)
    return user
