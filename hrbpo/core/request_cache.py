"""Memoising per request (a tenant's enabled modules, a caller's standing)."""
from flask import has_request_context, request


def request_cache(key, make):
    """`make()`'s answer, made once per request (every time outside one)."""
    if not has_request_context():
        return make()
    # In the request's environ, not g: g lives as long as the app context,
    # which tests and CLI runs share across requests.
    cache = request.environ.setdefault("hrbpo.cache", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def forget_request_cache(key):
    if has_request_context():
        request.environ.get("hrbpo.cache", {}).pop(key, None)
