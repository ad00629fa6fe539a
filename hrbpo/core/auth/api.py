"""/api/v1/auth/token and /api/v1/me."""
from flask import abort, current_app, g, request
from flask_limiter.util import get_remote_address

from hrbpo.core.api import Blueprint
from hrbpo.core.api.base import problem
from hrbpo.core.auth import services
from hrbpo.core.auth.context import csrf_exempt
from hrbpo.core.auth.schemas import MeSchema, TokenRequestSchema, TokenSchema
from hrbpo.core.extensions import limiter
from hrbpo.core.identity import sso_settings
from hrbpo.core.operators.services import groups_by_operator

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Tokens and the current user")


def _account_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"account:{services.normalise_email(email)}" if isinstance(email, str) else "account:-"


def _failed(response) -> bool:
    return response.status_code == 401


@blp.route("/auth/token", methods=["POST"])
@csrf_exempt
@limiter.limit(lambda: current_app.config["HRBPO_LOGIN_LIMIT_ACCOUNT"], key_func=_account_key, deduct_when=_failed,
               scope="login-account")
@limiter.limit(lambda: current_app.config["HRBPO_LOGIN_LIMIT_ADDRESS"], key_func=get_remote_address,
               deduct_when=_failed, scope="login-address")
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(401, description="Wrong email, password or tenant")
@blp.alt_response(403, description="The tenant enforces single sign-on (type sso-required, with sso_login_url)")
@blp.alt_response(429, description="Too many failed attempts for this account or address")
def create_token(data):
    """Exchange email and password for a bearer token.

    Only failed attempts count towards the rate limits (per account and per
    client address), so many people behind one office address can log in."""
    user = services.authenticate(data["email"], data["password"])
    if user is None:
        abort(401, "Wrong email or password.")
    tenant, membership = services.login_tenant(user, data.get("tenant"))
    if tenant is None and not user.is_operator:
        abort(401, "Wrong email, password or tenant.")
    if sso_settings.required_for(user, tenant):
        return problem(403, "This tenant signs in with its identity provider: use sso_login_url in a browser.",
                       type_="sso-required", extra={"sso_login_url": sso_settings.login_url(tenant.slug)})
    raw, token = services.issue_token(user, tenant if not user.is_operator else None)
    role = "operator" if user.is_operator else membership.role
    return {
        "token": raw,
        "user": {"id": user.id, "email": user.email, "role": role},
        "tenant": tenant.slug if tenant and not user.is_operator else None,
        "expires_at": token.expires_at,
    }


@blp.route("/auth/token", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, description="No valid token")
def revoke_token():
    """Revoke the bearer token this request carries."""
    if g.get("token") is None:
        abort(401)
    services.revoke_token(g.token)


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@blp.alt_response(401, description="No valid token or session")
def me():
    """The caller and the tenants they belong to."""
    if g.get("user") is None:
        abort(401)
    user = g.user
    token = g.get("token")
    memberships = services.memberships_of(user)
    bound = next((t.slug for _, t in memberships if token is not None and t.id == token.tenant_id), None)
    return {
        "id": user.id,
        "email": user.email,
        "is_operator": user.is_operator,
        "memberships": [{"tenant": t.slug, "role": m.role, "employee_id": m.employee_id} for m, t in memberships],
        "tenant": bound,
        "operator_role": user.operator_role if user.is_operator else None,
        "operator_groups": [{"id": gid, "name": name} for gid, name in groups_by_operator([user])[user.id]]
        if user.is_operator else [],
    }
