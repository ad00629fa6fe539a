"""A form-posting browser stand-in for HTTP-level page tests."""
import re

import pyotp
from hrbpo.testing import PASSWORD

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Browser:
    """A test client that sends the page's CSRF token with every form.

    Each request runs in its own app context: the test's long-lived one would
    otherwise share `g` (cached CSRF token, caller, tenant) between requests."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()

    def get(self, url, **kw):
        with self.app.app_context():
            return self.client.get(url, **kw)

    def csrf(self) -> str:
        return CSRF.search(self.get("/login").get_data(as_text=True)).group(1)

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf())
        with self.app.app_context():
            return self.client.post(url, data=data, **kw)

    def login(self, email, password=PASSWORD, tenant=None, code_secret=None):
        """Sign in through the form (and the 2FA step when `code_secret` is given)."""
        r = self.post("/login", {"email": email, "password": password, "tenant": tenant or ""})
        if code_secret and r.status_code == 303 and r.headers["Location"].endswith("/login/verify"):
            r = self.post("/login/verify", {"code": pyotp.TOTP(code_secret).now()})
        return r


def enable_2fa(email) -> str:
    """Turn 2FA on for a user directly; returns the TOTP secret."""
    import sqlalchemy as sa

    from hrbpo.core.auth.models import User
    from hrbpo.core.db import db

    user = db.session.scalars(sa.select(User).where(User.email == email)).one()
    user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
    db.session.commit()
    return user.totp_secret


def signed_in(browser, email, tenant=None):
    page = browser()
    r = page.login(email, tenant=tenant)
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    return page


def act_as(page, slug, reason="Ticket 42: payroll question"):
    return page.post("/ops/act-as", {"tenant": slug, "reason": reason, "next": f"/t/{slug}/"})
