"""Talking to a tenant's OpenID provider: its discovery document and keys.

Both are cached per issuer in this process. The discovery document is fetched
at most once an hour (and whenever the settings are saved); the keys when
first needed and once more when an ID token names a key they do not hold
(the provider rotated its keys).
"""
import json
import threading
import time
from urllib.parse import urlsplit

import requests
from flask import current_app
from joserfc.jwk import KeySet

from hrbpo.core.i18n import N_

TIMEOUT = 10  # seconds, for every call to the provider
DISCOVERY_TTL = 3600
MAX_DOCUMENT_BYTES = 512 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")

_fetching = threading.Lock()
_discovery: dict[str, tuple[float, dict]] = {}
_keys: dict[str, KeySet] = {}


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable (the reason in words)."""


def loopback_allowed() -> bool:
    return bool(current_app.config.get("HRBPO_SSO_ALLOW_LOOPBACK_ISSUER"))


def url_problem(url, issuer_host: str | None = None) -> str | None:
    """Why `url` may not be an issuer (or, with `issuer_host`, one of its
    endpoints), or None. `http://` only on a loopback host, only when allowed
    (and for endpoints, only on the issuer's own loopback host)."""
    if not isinstance(url, str):
        return N_("Must be an absolute https:// URL.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        return N_("Must be an absolute https:// URL.")
    if not host or parts.scheme not in ("https", "http") or any(c.isspace() for c in url):
        return N_("Must be an absolute https:// URL.")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return N_("Must not have a query or fragment.")
    if parts.scheme == "http":
        loopback = host in LOOPBACK_HOSTS and loopback_allowed()
        if not loopback or (issuer_host is not None and host != issuer_host):
            return N_("Must be an absolute https:// URL.")
    return None


def _fetch_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT, allow_redirects=False, stream=True,
                                headers={"Accept": "application/json"})
        body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
    except (requests.RequestException, OSError) as exc:
        raise ProviderError(N_("The provider could not be reached.")) from exc
    if response.status_code != 200:
        raise ProviderError(N_("The provider answered with an error."))
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ProviderError(N_("The provider answered a document too large."))
    try:
        document = json.loads(body)
    except ValueError:
        raise ProviderError(N_("The provider did not answer JSON.")) from None
    if not isinstance(document, dict):
        raise ProviderError(N_("The provider did not answer JSON."))
    return document


def discover(issuer: str) -> dict:
    """Fetch and check `issuer`'s discovery document now (and cache it)."""
    document = _fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if document.get("issuer") != issuer:
        raise ProviderError(N_("The provider's discovery document names another issuer."))
    host = urlsplit(issuer).hostname
    for name in REQUIRED_ENDPOINTS + ("userinfo_endpoint",):
        value = document.get(name)
        if value is None and name == "userinfo_endpoint":
            continue
        if not value:
            raise ProviderError(N_("The provider's discovery document lacks an endpoint it needs."))
        if url_problem(value, issuer_host=host):
            raise ProviderError(N_("The provider's endpoints must be https:// URLs."))
    _discovery[issuer] = (time.monotonic() + DISCOVERY_TTL, document)
    return document


def _fresh(issuer: str) -> dict | None:
    cached = _discovery.get(issuer)
    return cached[1] if cached and cached[0] > time.monotonic() else None


def metadata(issuer: str) -> dict:
    """The discovery document, from the cache while it is under an hour old."""
    document = _fresh(issuer)
    if document is not None:
        return document
    with _fetching:  # concurrent sign-ins wait for one fetch, then read its result
        return _fresh(issuer) or discover(issuer)


def keys(issuer: str, refresh: bool = False) -> KeySet:
    """The provider's signing keys (from `jwks_uri`), cached; `refresh` fetches them again."""
    cached = _keys.get(issuer)
    if cached is not None and not refresh:
        return cached
    document = _fetch_json(metadata(issuer)["jwks_uri"])
    try:
        key_set = KeySet.import_key_set(document)
    except Exception as exc:  # joserfc raises several kinds for a malformed set
        raise ProviderError(N_("The provider's key set is not usable.")) from exc
    _keys[issuer] = key_set
    return key_set


def forget(issuer: str | None = None):
    """Drop the cached documents (one issuer's, or all: tests)."""
    for cache in (_discovery, _keys):
        if issuer is None:
            cache.clear()
        else:
            cache.pop(issuer, None)
