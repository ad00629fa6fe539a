"""Security headers on every response, and the session cookie's Secure flag."""
from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")


HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
           ("Referrer-Policy", "strict-origin-when-cross-origin"),
           ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
NO_STORE = (("Cache-Control", "no-store"),)


def set_security_headers(response):
    """Add each header the view did not set itself (in one pass over them)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    defaults = HEADERS + NO_STORE if response.mimetype in ("application/json", "application/problem+json") else HEADERS
    headers.extend([(name, value) for name, value in defaults if name.lower() not in present])
    return response


class SessionCookies(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, and always over HTTPS.
    A request without one (API clients, health checks) gets an empty session
    without building the cookie signer first."""

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)
