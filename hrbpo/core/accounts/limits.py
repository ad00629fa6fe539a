"""Rate limits shared by the API and the pages (Flask-Limiter).

Accepting an invitation with an existing account's password is a sign-in:
only failures count, with the numbers of /auth/token. Every reset request
counts, known address or not, per address asked for and per client."""
from flask import current_app, request
from flask_limiter.util import get_remote_address

from hrbpo.core.accounts import invitations
from hrbpo.core.auth.services import normalise_email
from hrbpo.core.errors import NotFound
from hrbpo.core.extensions import limiter


def _config(name):
    return lambda: current_app.config[name]


def _invitee_key() -> str:
    try:
        invitation, _tenant = invitations.find(request.view_args["token"])
    except NotFound:
        return "account:-"
    return f"account:{invitation.email}"


def _failed(response) -> bool:
    return response.status_code == 401


def accept_limits(view):
    view = limiter.limit(_config("HRBPO_LOGIN_LIMIT_ADDRESS"), key_func=get_remote_address, deduct_when=_failed,
                         methods=["POST"], scope="accept-address")(view)
    return limiter.limit(_config("HRBPO_LOGIN_LIMIT_ACCOUNT"), key_func=_invitee_key, deduct_when=_failed,
                         methods=["POST"], scope="accept-account")(view)


def _reset_key() -> str:
    source = request.get_json(silent=True) if request.is_json else request.form
    email = source.get("email") if hasattr(source, "get") else None
    return f"reset:{normalise_email(email)}" if isinstance(email, str) else "reset:-"


def reset_limits(view):
    view = limiter.shared_limit(_config("HRBPO_RESET_LIMIT_ADDRESS"), scope="password-reset-address",
                                key_func=get_remote_address, methods=["POST"])(view)
    return limiter.shared_limit(_config("HRBPO_RESET_LIMIT_ACCOUNT"), scope="password-reset-account",
                                key_func=_reset_key, methods=["POST"])(view)
