"""Invitations, accepting them, password reset, deactivation (shared/api/accounts.md)."""
from flask import g

from hrbpo.core import mail
from hrbpo.core.accounts import invitations, lifecycle, resets
from hrbpo.core.accounts.limits import accept_limits, reset_limits
from hrbpo.core.accounts.schemas import (InvitationAcceptedSchema, AcceptSchema, AccountRefSchema, DetailSchema,
                                         InvitationPreviewSchema, InvitationQuerySchema, InvitationSchema,
                                         NewPasswordSchema, ResetRequestSchema)
from hrbpo.core.api.base import Blueprint, PageArgs, page_schema, paginate
from hrbpo.core.tenants.gate import tenant_scoped
from hrbpo.core.auth import services as auth
from hrbpo.core.auth.context import csrf_exempt
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.people.api import user_out
from hrbpo.core.people.schemas import TenantUserSchema

RESET_ANSWER = "If an account has this address, a link to set a new password is on its way."

scoped = tenant_scoped(Blueprint("accounts_tenant_api", __name__, url_prefix="/api/v1/tenants/<slug>",
                                 description="Invitations and deactivation (staff of the tenant)"))
# Its routes need no token (`security: []` in OpenAPI): the mailed link, or the address, is what the caller has.
public = Blueprint("accounts_api", __name__, url_prefix="/api/v1",
                   description="Accepting invitations and resetting passwords (the mailed token is the credential)")


@scoped.route("/invitations", methods=["POST"])
@requires("users.manage")
@scoped.arguments(InvitationSchema)
@scoped.response(201, InvitationSchema)
@scoped.alt_response(409, description="Already a member of this tenant, a BPO operator's address, or the employee "
                     "is linked to a login")
def create_invitation(data):
    """Invite someone and mail them a link to `/invite/<token>` (valid
    HRBPO_INVITATION_TTL_DAYS, default 7). A pending invitation of the same
    address here is revoked and replaced: inviting again is how one is resent.
    The answer does not depend on whether the address has an account elsewhere."""
    invitation = invitations.invite(g.tenant, data["email"], data["role"], data["employee_id"], g.user)
    db.session.commit()
    return invitation


@scoped.route("/invitations", methods=["GET"])
@requires("users.manage")
@scoped.arguments(InvitationQuerySchema, location="query")
@scoped.arguments(PageArgs, location="query")
@scoped.response(200, page_schema(InvitationSchema))
def list_invitations(query, page):
    """The tenant's invitations, newest first."""
    return paginate(invitations.invitations_query(query.get("status")), page)


@scoped.route("/invitations/<uuid:invitation_id>", methods=["GET"])
@requires("users.manage")
@scoped.response(200, InvitationSchema)
def get_invitation(invitation_id):
    return invitations.get(invitation_id)


@scoped.route("/invitations/<uuid:invitation_id>", methods=["DELETE"])
@requires("users.manage")
@scoped.response(200, InvitationSchema)
@scoped.alt_response(409, description="Not pending (accepted, revoked or expired)")
def revoke_invitation(invitation_id):
    """Revoke a pending invitation: its link dies."""
    invitation = invitations.revoke(invitation_id)
    db.session.commit()
    return invitation


@scoped.route("/users/<uuid:user_id>/deactivate", methods=["POST"])
@requires("users.manage")
@scoped.response(200, TenantUserSchema)
@scoped.alt_response(409, description="Deactivating oneself")
def deactivate_user(user_id):
    """Switch the user's membership here off: sign-in to this tenant is refused,
    their tokens for it and their browser sessions end at once. Nothing is
    deleted; other tenants are untouched. Repeating is a no-op."""
    membership = lifecycle.set_active(user_id, False, g.user)
    db.session.commit()
    return user_out(membership)


@scoped.route("/users/<uuid:user_id>/reactivate", methods=["POST"])
@requires("users.manage")
@scoped.response(200, TenantUserSchema)
def reactivate_user(user_id):
    """Switch the membership on again: the same password works; old tokens stay revoked."""
    membership = lifecycle.set_active(user_id, True, g.user)
    db.session.commit()
    return user_out(membership)


@public.route("/invitations/<token>", methods=["GET"])
@public.doc(security=[])
@public.response(200, InvitationPreviewSchema)
@public.alt_response(404, description="Unknown, used, revoked, replaced or expired (alike)")
def preview_invitation(token):
    """What a pending invitation is for (no authentication: the token is the credential)."""
    return invitations.describe(token)


@public.route("/invitations/<token>/accept", methods=["POST"])
@public.doc(security=[])
@csrf_exempt
@accept_limits
@public.arguments(AcceptSchema)
@public.response(201, InvitationAcceptedSchema)
@public.alt_response(401, description="Existing account: not its current password (counted as a failed sign-in)")
@public.alt_response(404, description="Unknown, used, revoked, replaced or expired (alike)")
@public.alt_response(429, description="Too many failed attempts for this account or address")
def accept_invitation(data, token):
    """Accept: a new account gets `password` (password policy → 422
    `errors.password`); an existing one proves its current password and gains
    a membership. Answers like POST /auth/token, with a token bound to the
    invitation's tenant. A failure leaves the invitation pending."""
    user, membership, tenant = invitations.accept(token, data["password"])
    raw, api_token = auth.issue_token(user, tenant)
    return {"token": raw, "user": {"id": user.id, "email": user.email,
                                   "role": membership.role if membership else "operator"},
            "tenant": tenant.slug if tenant else None, "expires_at": api_token.expires_at}


@public.route("/auth/password-reset", methods=["POST"])
@public.doc(security=[])
@csrf_exempt
@reset_limits
@public.arguments(ResetRequestSchema)
@public.response(202, DetailSchema)
@public.alt_response(429, description="Too many requests for this address or from this client (alike for any address)")
def request_password_reset(data):
    """Mail a reset link (`/reset/<token>`, one hour, once) to the account
    with this address, if there is one. The answer is the same either way, and
    every request counts towards the limits (per address and per client)."""
    resets.request_reset(data["email"], mail.link(""))
    db.session.commit()
    return {"detail": RESET_ANSWER}


@public.route("/auth/password-reset/<token>", methods=["POST"])
@public.doc(security=[])
@csrf_exempt
@public.arguments(NewPasswordSchema)
@public.response(200, AccountRefSchema)
@public.alt_response(404, description="Unknown, used or expired link")
def reset_password(data, token):
    """Set a new password (password policy → 422, the link still works). Every
    bearer token and browser session of the account ends; its other reset links die."""
    user = resets.reset_password(token, data["password"])
    return {"id": user.id, "email": user.email}
