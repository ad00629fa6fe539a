"""Invitations into a tenant: create (replacing a pending one: that is how
an invitation is resent), revoke, find by token, accept. The mail goes
through the outbox in the invitation's transaction."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from hrbpo.core import audit, mail, tenancy
from hrbpo.core.accounts import links
from hrbpo.core.accounts.errors import WrongPassword
from hrbpo.core.accounts.models import Invitation
from hrbpo.core.auth.models import Membership
from hrbpo.core.auth.passwords import check_password
from hrbpo.core.auth.services import find_user, normalise_email
from hrbpo.core.db import db, lock, utcnow
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.i18n import N_
from hrbpo.core.operators import services as operators
from hrbpo.core.people import services as people
from hrbpo.core.people.models import Employee
from hrbpo.core.tenants.models import Tenant

DEAD_LINK = "This link is not valid: it is unknown, used, revoked, replaced or expired."


def invite(tenant: Tenant, email: str, role: str, employee_id=None, inviter=None, base=None) -> Invitation:
    """Invite `email` into `tenant` as `role`, replacing (revoking) a pending
    invitation of the same address there, and mail the link (to `base`, by
    default HRBPO_BASE_URL or this request's address)."""
    email = normalise_email(email)
    base = (base or mail.link("")).rstrip("/")
    with tenancy.tenant_context(tenant):
        _check_invitee(email, employee_id)
        for old in db.session.scalars(_pending(sa.select(Invitation).where(
                Invitation.tenant_id == tenant.id, Invitation.email == email)).with_for_update()):
            old.stored_status = "revoked"
            audit.record("invitation.revoke", old, {"email": email, "replaced": True}, actor=inviter)
        raw, digest = links.new_token()
        ttl = timedelta(days=current_app.config["HRBPO_INVITATION_TTL_DAYS"])
        invitation = Invitation(
            tenant_id=tenant.id, email=email, role=role, employee_id=employee_id, token_hash=digest,
            stored_status="pending", expires_at=utcnow() + ttl,
            invited_by_id=inviter.id if inviter else None, invited_by_email=inviter.email if inviter else None)
        db.session.add(invitation)
        db.session.flush()
        audit.record("invitation.create", invitation, {"email": email, "role": role, "employee_id": employee_id},
                     actor=inviter)
        mail.send(mail.Recipient(email, mail.locale_for(find_user(email), tenant)), "accounts/mail/invitation.txt",
                  tenant=tenant, role=role, link=f"{base}/invite/{raw}", expires_at=invitation.expires_at,
                  inviter=invitation.invited_by_email)
    return invitation


def check_first_admin(email: str, field=True):
    """Before creating a tenant with its first HR admin: nothing in a new
    tenant can clash with an invitation except an operator's address."""
    user = find_user(email)
    if user is not None and user.is_operator:
        message = N_("That address belongs to a BPO operator.")
        raise Conflict(message, {"admin_email" if field else "email": [message]})


def _check_invitee(email, employee_id):
    if employee_id is not None:
        if db.session.scalars(sa.select(Employee.id).where(Employee.id == employee_id)).first() is None:
            raise Invalid({"employee_id": ["No employee with this id in this tenant."]})
        if db.session.scalars(sa.select(Membership.id).where(Membership.employee_id == employee_id)).first():
            raise Conflict("That employee is already linked to another login.")
    check_first_admin(email, field=False)
    user = find_user(email)
    if user is not None and db.session.scalars(sa.select(Membership.id).where(Membership.user_id == user.id)).first():
        raise Conflict(f"{email} already has a login in this tenant.")


def pending_in(tenant: Tenant) -> list[Invitation]:
    """The tenant's pending invitations, newest first (for the console and portal pages)."""
    with tenancy.tenant_context(tenant):
        return db.session.scalars(invitations_query("pending").limit(200)).all()


def _pending(stmt):
    return stmt.where(Invitation.stored_status == "pending", Invitation.expires_at > utcnow())


def invitations_query(status: str | None = None):
    """The current tenant's invitations, newest first, optionally of one status."""
    stmt = sa.select(Invitation).where(Invitation.tenant_id == tenancy.require_tenant_id())
    if status == "pending":
        stmt = _pending(stmt)
    elif status == "expired":
        stmt = stmt.where(Invitation.stored_status == "pending", Invitation.expires_at <= utcnow())
    elif status:
        stmt = stmt.where(Invitation.stored_status == status)
    return stmt.order_by(Invitation.created_at.desc(), Invitation.id.desc())


def get(invitation_id, lock=False) -> Invitation:
    stmt = sa.select(Invitation).where(Invitation.id == invitation_id,
                                       Invitation.tenant_id == tenancy.require_tenant_id())
    invitation = db.session.scalars(stmt.with_for_update() if lock else stmt).first()
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def revoke(invitation_id) -> Invitation:
    invitation = get(invitation_id, lock=True)
    if invitation.status != "pending":
        raise Conflict(N_("This invitation is no longer pending (accepted, revoked or expired)."))
    invitation.stored_status = "revoked"
    audit.record("invitation.revoke", invitation, {"email": invitation.email})
    return invitation


def find(raw: str, for_update=False) -> tuple[Invitation, Tenant | None]:
    """The pending invitation a link's token names, with its tenant (None: an
    operator's invitation); NotFound
    for every other case alike (unknown, used, revoked, replaced, expired)."""
    stmt = (sa.select(Invitation, Tenant).outerjoin(Tenant, Tenant.id == Invitation.tenant_id)
            .where(Invitation.token_hash == links.digest(raw)))
    with tenancy.all_tenants():
        row = db.session.execute(stmt).first()
    if row is None:
        raise NotFound(DEAD_LINK)
    invitation, tenant = row
    if for_update:
        # Locked inside its tenant, on the connection the acceptance then writes with (the cross-tenant
        # lookup runs on the operator's connection: a lock taken there would block our own update).
        # An operator's invitation (no tenant) is platform data, locked and accepted as such.
        with tenancy.tenant_context(tenant) if tenant else tenancy.all_tenants():
            lock(invitation)
    if invitation.status != "pending":
        raise NotFound(DEAD_LINK)
    return invitation, tenant


def describe(raw: str) -> dict:
    invitation, tenant = find(raw)
    return {"email": invitation.email, "role": invitation.role,
            "tenant": {"slug": tenant.slug, "name": tenant.name} if tenant else None,
            "existing_account": has_account(invitation), "expires_at": invitation.expires_at}


def has_account(invitation) -> bool:
    """Does the invitee sign in already? (An invited operator's account has no password yet.)"""
    user = find_user(invitation.email)
    return user is not None and user.password_hash is not None


def accept(raw: str, password: str):
    """Accept the invitation: a new account with `password`, or (an existing
    account, whose current password `password` must be) a membership added.
    Returns (user, membership, tenant); an operator's invitation sets the
    password of their account: (user, None, None). Any failure leaves it pending."""
    invitation, tenant = find(raw, for_update=True)
    if tenant is None:
        user = operators.accept(invitation, password)
        db.session.commit()
        return user, None, None
    user = find_user(invitation.email)
    if user is not None and not check_password(user.password_hash, password):
        raise WrongPassword("That is not the current password of this account.")
    with tenancy.tenant_context(tenant):
        user, membership = people.add_user(invitation.email, invitation.role, None if user else password,
                                           invitation.employee_id)
        invitation.stored_status, invitation.accepted_at = "accepted", utcnow()
        audit.record("invitation.accept", invitation, {"email": invitation.email, "role": invitation.role},
                     actor=user)
    db.session.commit()
    return user, membership, tenant
