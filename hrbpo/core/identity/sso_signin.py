"""Signing in with a tenant's OpenID provider (authorization code + PKCE).

`start` records an attempt and names the provider's URL to send the browser
to; `finish` takes the provider's answer at the callback: spends the attempt,
exchanges the code, checks the ID token with Authlib (the provider's keys,
issuer, audience, expiry, nonce) and decides who the person is. Every refusal
is a `Refused` with the reason the audit log records.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import requests
import sqlalchemy as sa
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError

from hrbpo.core import audit, queue, tenancy
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.auth.services import find_user
from hrbpo.core.db import db, lock, utcnow
from hrbpo.core.identity import sso_provider
from hrbpo.core.identity.sso_models import SsoAttempt, SsoSettings
from hrbpo.core.mail import link
from hrbpo.core.people.models import Employee
from hrbpo.core.text import is_safe

ATTEMPT_TTL = timedelta(minutes=10)
LEEWAY = 120  # seconds of clock skew allowed on exp and iat
SCOPE = "openid email profile"
UNSAFE_ALGORITHMS = ("none", "HS256", "HS384", "HS512")


@dataclass
class Refused(Exception):
    reason: str  # the audit log's `changes.reason`
    status: int  # 400: the flow is broken; 403: the answer or the person is not accepted; 502: provider unreachable
    email: str | None = None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _client(settings: SsoSettings, document: dict, slug: str) -> OAuth2Session:
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    only_post = "client_secret_post" in methods and "client_secret_basic" not in methods
    method = "client_secret_post" if only_post else "client_secret_basic"
    return OAuth2Session(settings.client_id, settings.client_secret, scope=SCOPE, code_challenge_method="S256",
                         token_endpoint_auth_method=method, redirect_uri=link(f"/sso/{slug}/callback"))


def start(slug: str, settings: SsoSettings, browser: str, next_path: str | None) -> str:
    """Record a fresh attempt for this browser; the URL of the provider's sign-in page."""
    document = sso_provider.metadata(settings.issuer)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    db.session.add(SsoAttempt(state_hash=_digest(state), browser_hash=_digest(browser), nonce=nonce,
                              code_verifier=verifier, next_path=next_path, expires_at=utcnow() + ATTEMPT_TTL))
    db.session.commit()
    url, _ = _client(settings, document, slug).create_authorization_url(
        document["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce)
    return url


def _spend(state: str | None, browser: str | None) -> SsoAttempt:
    """The attempt `state` names, marked used (committed: a second callback finds it spent)."""
    if not state or not browser:
        raise Refused("state", 400)
    attempt = db.session.scalars(sa.select(SsoAttempt).where(SsoAttempt.state_hash == _digest(state))).first()
    if attempt is not None:
        lock(attempt)  # two callbacks with one state: the second sees it used
    if attempt is None or attempt.used_at is not None or attempt.expires_at <= utcnow() or \
            not secrets.compare_digest(attempt.browser_hash, _digest(browser)):
        raise Refused("state", 400)
    attempt.used_at = utcnow()
    db.session.commit()
    return attempt


def finish(slug: str, settings: SsoSettings, args, browser: str | None) -> tuple[User, Membership, str | None]:
    """The person the provider vouches for, with their membership here, and where to go next."""
    attempt = _spend(args.get("state"), browser)
    if args.get("error"):
        raise Refused("provider_error", 403)
    if not args.get("code"):
        raise Refused("code", 400)
    try:
        document = sso_provider.metadata(settings.issuer)
        client = _client(settings, document, slug)
        tokens = client.fetch_token(document["token_endpoint"], code=args["code"],
                                    code_verifier=attempt.code_verifier, timeout=sso_provider.TIMEOUT)
    except (sso_provider.ProviderError, requests.ConnectionError, requests.Timeout):
        raise Refused("provider_error", 502) from None
    except (AuthlibBaseError, requests.RequestException, ValueError):  # the provider refused the code
        raise Refused("code", 400) from None
    claims = _id_token_claims(settings, document, tokens, attempt.nonce)
    email = _verified_email(client, document, claims)
    user, membership = _person(settings, email)
    audit.record("sso.login", user, {"issuer": settings.issuer, "sub": claims["sub"]})
    db.session.commit()
    return user, membership, attempt.next_path


def _id_token_claims(settings: SsoSettings, document: dict, tokens: dict, nonce: str) -> CodeIDToken:
    raw = tokens.get("id_token")
    if not isinstance(raw, str):
        raise Refused("signature", 403)
    announced = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in announced if isinstance(a, str) and a not in UNSAFE_ALGORITHMS]
    try:
        try:
            token = jwt.decode(raw, sso_provider.keys(settings.issuer), algorithms=algorithms)
        except InvalidKeyIdError:  # a key we do not hold yet: the provider rotated its keys
            token = jwt.decode(raw, sso_provider.keys(settings.issuer, refresh=True), algorithms=algorithms)
    except sso_provider.ProviderError:
        raise Refused("provider_error", 502) from None
    except (JoseError, ValueError):
        raise Refused("signature", 403) from None
    claims = CodeIDToken(token.claims, token.header,
                         {"iss": {"essential": True, "value": settings.issuer},
                          "aud": {"essential": True, "value": settings.client_id}},
                         {"nonce": nonce, "client_id": settings.client_id,
                          "access_token": tokens.get("access_token")})
    try:
        claims.validate(leeway=LEEWAY)
    except ExpiredTokenError:
        raise Refused("expired", 403) from None
    except ClaimError as exc:
        raise Refused(_CLAIM_REASONS.get(exc.claim, "signature"), 403) from None
    return claims


_CLAIM_REASONS = {"iss": "issuer", "aud": "audience", "azp": "audience", "exp": "expired", "iat": "expired",
                  "nbf": "expired", "nonce": "nonce"}


def _verified_email(client: OAuth2Session, document: dict, claims) -> str:
    """The `email` the provider says it verified: from the ID token, else its userinfo endpoint."""
    found = claims
    vouched = isinstance(claims.get("email"), str) and claims.get("email_verified") is True
    if not vouched and document.get("userinfo_endpoint"):
        try:
            response = client.get(document["userinfo_endpoint"], timeout=sso_provider.TIMEOUT)
            info = response.json() if response.status_code == 200 else {}
        except (AuthlibBaseError, requests.RequestException, ValueError):
            info = {}
        if isinstance(info, dict) and info.get("sub") == claims["sub"] and "email" in info:
            found = info
    email = found.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254 or not is_safe(email):
        raise Refused("email_unverified", 403)
    if found.get("email_verified") is not True:
        raise Refused("email_unverified", 403, email)
    return email.strip().lower()


def _person(settings: SsoSettings, email: str) -> tuple[User, Membership]:
    """The tenant's login with `email`, or one made now (just-in-time), or a refusal."""
    domain = email.rpartition("@")[2]
    if settings.allowed_domains and domain not in settings.allowed_domains:
        raise Refused("domain", 403, email)
    user, membership = _standing(email)
    if membership is None and settings.jit:
        # One first sign-in at a time per tenant: a concurrent one finds the login this one makes.
        lock(settings)
        user, membership = _standing(email)
    if membership is not None:
        return user, membership
    if not settings.jit:
        raise Refused("unknown_user", 403, email)
    return _provision(settings, user, email)


def _standing(email: str) -> tuple[User | None, Membership | None]:
    """The account with `email` and its membership here (deactivated ones too), or a refusal."""
    user = find_user(email)
    if user is not None and user.is_operator:
        raise Refused("operator", 403, email)
    membership = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id)).first() \
        if user is not None else None
    if (user is not None and not user.active) or (membership is not None and not membership.active):
        raise Refused("inactive", 403, email)
    return user, membership


def _provision(settings: SsoSettings, user: User | None, email: str) -> tuple[User, Membership]:
    if user is None:
        user = User(email=email, password_hash=None)
        db.session.add(user)
        db.session.flush()
    linked = sa.select(Membership.employee_id).where(Membership.employee_id.is_not(None))
    employee_id = db.session.scalars(sa.select(Employee.id).where(sa.func.lower(Employee.email) == email,
                                                                  Employee.id.not_in(linked))).first()
    membership = Membership(user_id=user.id, role=settings.default_role, employee_id=employee_id)
    db.session.add(membership)
    db.session.flush()
    audit.record("sso.user.create", user, {"email": email, "role": membership.role, "employee_id": employee_id},
                 actor=user)
    return user, membership


def record_refusal(refused: Refused):
    """Audit a refused sign-in in the current tenant, in a transaction of its own."""
    db.session.rollback()
    changes = {"reason": refused.reason}
    if refused.email:
        changes["email"] = refused.email
    audit.record("sso.login.failed", changes=changes, tenant_id=tenancy.require_tenant_id())
    db.session.commit()


@queue.periodic(queue.crontab(minute="53", hour="3"), "sso.purge")
def purge(now=None) -> int:
    """Daily: forget sign-in attempts that expired over a day ago (used or not)."""
    with tenancy.all_tenants():
        gone = db.session.execute(sa.delete(SsoAttempt).where(
            SsoAttempt.expires_at < (now or utcnow()) - timedelta(days=1))).rowcount
        db.session.commit()
    return gone
