"""Fixtures for HTTP-level page tests (helpers in page_browser.py)."""
import pytest
from page_browser import Browser, enable_2fa


@pytest.fixture
def browser(app):
    """browser() → a fresh Browser with its own cookies."""
    return lambda: Browser(app)


@pytest.fixture
def ops_browser(browser, operator):
    """A browser signed in as the `operator` fixture's user, 2FA done."""
    page = browser()
    secret = enable_2fa(operator.user["email"])
    r = page.login(operator.user["email"], code_secret=secret)
    assert r.status_code == 303 and r.headers["Location"].endswith("/ops/"), r.headers.get("Location")
    page.email, page.secret = operator.user["email"], secret
    return page
