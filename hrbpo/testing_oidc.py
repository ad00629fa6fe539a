"""A small but real OpenID provider for tests, served on a loopback port.

Discovery, JWKS, authorize (signs in `provider.person` at once, without a
page), token (client secret, single-use code, PKCE S256) and userinfo; ID
tokens are RS256, signed with a generated key. Its attributes make it
misbehave the ways real providers (or attackers) do:

    with OpenIDProvider() as provider:
        provider.person = {"sub": "u1", "email": "ann@acme.test", "email_verified": True}
        provider.tamper = {"aud": "someone-else"}   # claims overridden in the next ID tokens
        provider.rotate_keys()                      # a new signing key (and kid)

`provider.requests` lists the paths asked for (count discovery fetches).
The `oidc_provider` fixture (hrbpo.testing) runs one the app may use.
"""
import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import urlencode

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "hrbpo-test-client"
CLIENT_SECRET = "s3cret-of-the-client"


_POOL: list[RSAKey] = []  # generated once per test process: 2048-bit keys are slow to make


def _rsa_key(index: int) -> RSAKey:
    while len(_POOL) <= index:
        _POOL.append(RSAKey.generate_key(2048))
    return RSAKey.import_key(_POOL[index].as_dict(private=True), {"kid": secrets.token_hex(4), "use": "sig"})


class OpenIDProvider:
    def __init__(self, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, auth_methods=("client_secret_basic",)):
        self.client_id, self.client_secret, self.auth_methods = client_id, client_secret, list(auth_methods)
        self.person = {"sub": "person-1", "email": "person@example.test", "email_verified": True, "name": "Pat"}
        self.tamper: dict = {}  # claims to override (None: leave the claim out) in the ID tokens it issues
        self.userinfo_only = False  # email claims only from /userinfo, not in the ID token
        self.sign_with: str | None = None  # "other-key", "hs256" or "none": how the ID token is (mis)signed
        self.authorize_error: str | None = None  # answer the authorization request with ?error=
        self.discovery_overrides: dict = {}
        self.requests: list[str] = []
        self.authorizations: list[dict] = []  # the query of each authorization request
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.keys = [_rsa_key(0)]
        self._rotations = 0
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def rotate_keys(self, keep_old=False):
        self._rotations += 1
        new = _rsa_key(1 + self._rotations % 2)
        self.keys = [new, *self.keys] if keep_old else [new]

    def count(self, path: str) -> int:
        return sum(1 for p in self.requests if p == path)

    def discovery(self) -> dict:
        base = self.issuer
        return {"issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks", "userinfo_endpoint": f"{base}/userinfo",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": self.auth_methods, **self.discovery_overrides}

    # --- the endpoints

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append(request.path)
        handler = {"/.well-known/openid-configuration": lambda r: self._json(self.discovery()),
                   "/jwks": lambda r: self._json({"keys": [k.as_dict(private=False) for k in self.keys]}),
                   "/authorize": self._authorize, "/token": self._token, "/userinfo": self._userinfo}.get(request.path)
        response = handler(request) if handler else Response("not found", 404)
        return response(environ, start_response)

    @staticmethod
    def _json(body, status=200):
        return Response(json.dumps(body), status, mimetype="application/json")

    def _authorize(self, request):
        args = request.args.to_dict()
        self.authorizations.append(args)
        if self.authorize_error:
            query = {"error": self.authorize_error, "state": args.get("state", "")}
        else:
            code = secrets.token_urlsafe(16)
            self._codes[code] = {**args, "used": False}
            query = {"code": code, "state": args.get("state", "")}
        return Response(status=302, headers={"Location": f"{args.get('redirect_uri')}?{urlencode(query)}"})

    def _client_ok(self, request) -> bool:
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            given = (auth.username, auth.password)
        else:
            given = (request.form.get("client_id"), request.form.get("client_secret"))
        return given == (self.client_id, self.client_secret)

    def _token(self, request):
        form = request.form.to_dict()
        self.token_requests.append({**form, "basic": request.authorization is not None})
        if request.method != "POST" or not self._client_ok(request):
            return self._json({"error": "invalid_client"}, 401)
        with self._lock:
            grant = self._codes.get(form.get("code", ""))
            if grant is None or grant["used"]:
                return self._json({"error": "invalid_grant"}, 400)
            grant["used"] = True
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if grant.get("code_challenge_method") != "S256" or challenge.rstrip(b"=").decode() != grant.get(
                "code_challenge") or form.get("redirect_uri") != grant.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, 400)
        access = secrets.token_urlsafe(16)
        self._codes[access] = {"used": True, "access": True}
        return self._json({"access_token": access, "token_type": "Bearer", "expires_in": 300,
                           "id_token": self.id_token(nonce=grant.get("nonce"))})

    def _userinfo(self, request):
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if not self._codes.get(token, {}).get("access"):
            return self._json({"error": "invalid_token"}, 401)
        return self._json(self.person)

    # --- tokens

    def id_token(self, nonce=None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, "nonce": nonce,
                  **(self.person if not self.userinfo_only else {"sub": self.person["sub"]}), **self.tamper}
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.keys[0]
        if self.sign_with == "other-key":
            key = RSAKey.import_key(_rsa_key(3).as_dict(private=True), {"kid": key.kid})
        if self.sign_with == "hs256":
            return jwt.encode({"alg": "HS256", "kid": key.kid}, claims, OctKey.import_key(self.client_secret),
                              algorithms=["HS256"])
        if self.sign_with == "none":
            header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
            body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            return f"{header}.{body}."
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


@pytest.fixture
def oidc_provider(app, monkeypatch):
    """A running OpenIDProvider the app may use (loopback issuers allowed), with empty caches."""
    from hrbpo.core.identity import sso_provider

    monkeypatch.setitem(app.config, "HRBPO_SSO_ALLOW_LOOPBACK_ISSUER", True)
    sso_provider.forget()
    with OpenIDProvider() as provider:
        yield provider
    sso_provider.forget()
