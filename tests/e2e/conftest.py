"""Browser tests: the app served on a free localhost port from a background
thread, against a migrated SQLite database, driven by Playwright through the
system Chromium (never a downloaded browser).

Fixtures: `live` (the running server: `.url(path)`, `.app`, `.client`,
`.operator` (API client; `.operator_email`), `.tenant(slug, modules)` →
TenantKit, `.seed_demo(slug)`, `.sign_in(page, email)`, `.walk(page)` → paths, `.enrol_operator(page)` → TOTP secret,
`.totp(secret)`, `.fits(page)`, `.screenshot(page, name)` into `test-artifacts/`), `browser`,
and `page` (a fresh page per test that fails the test on any JavaScript error
or CSP violation).
"""
import os
import threading
import time
import uuid
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from hrbpo.testing import PASSWORD, _create_kit, _wipe, login

CHROMIUM = os.environ.get("HRBPO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


class LiveServer:
    def __init__(self, app, base_url):
        self.app, self.base_url = app, base_url
        self.client = app.test_client()
        self._operator = None

    def url(self, path="/"):
        return self.base_url + path

    @property
    def operator(self):
        """An API client with an operator token (made on first use)."""
        if self._operator is None:
            from hrbpo.core.auth.services import create_operator

            self.operator_email = f"operator-{uuid.uuid4().hex[:8]}@bpo.test"
            with self.app.app_context():
                create_operator(self.operator_email, PASSWORD)
            self._operator = login(self.client, self.operator_email)
        return self._operator

    def tenant(self, slug, modules=()):
        """A tenant with an HR admin (hr@<slug>.test) and an employee (emp@<slug>.test)."""
        # No app context around test-client requests: each must get its own `g`.
        return _create_kit(self.client, self.operator, slug, modules)

    def seed_demo(self, slug):
        """Let every module switched on for the tenant add its demo records."""
        from hrbpo.core import tenancy
        from hrbpo.core.db import db
        from hrbpo.core.plugins.manager import emit
        from hrbpo.core.tenants.models import Tenant

        with self.app.app_context():
            tenant = db.session.scalars(db.select(Tenant).where(Tenant.slug == slug)).one()
            with tenancy.tenant_context(tenant):
                emit(tenant, "demo_data")
                db.session.commit()

    def sign_in(self, page, email, password=PASSWORD, tenant=None):
        """Through the login form, whatever language it is in."""
        page.goto(self.url("/login"))
        form = page.locator("main form")
        form.locator('[name="email"]').fill(email)
        form.locator('[name="password"]').fill(password)
        if tenant:
            form.locator('[name="tenant"]').fill(tenant)
        form.locator('button[type="submit"]').click()

    def enrol_operator(self, page, screenshots=False):
        """Sign the operator in through the browser; operators must set up
        two-factor sign-in first. Returns the TOTP secret."""
        self.operator  # makes the account
        self.sign_in(page, self.operator_email)
        expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
        if screenshots:
            self.screenshot(page, "two-factor-enrol")
        secret = page.locator("code.secret").inner_text().replace(" ", "")
        page.get_by_label("Code from your authenticator app").fill(self.totp(secret))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
        if screenshots:
            self.screenshot(page, "two-factor-backup-codes")
        page.get_by_role("link", name="I have saved them, continue").click()
        expect(page).to_have_url(self.url("/ops/"))
        return secret

    def walk(self, page):
        """Paths of every section in the signed-in user's nav and of the first
        three pages each section links to (after `seed_demo` these are records)."""
        sections = page.locator("nav.modules a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        paths = []
        for section in sections:
            page.goto(self.url(section))
            inside = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            paths += [section] + [p for p in dict.fromkeys(inside) if p.startswith(section) and p != section][:3]
        return list(dict.fromkeys(paths + ["/account"]))

    @staticmethod
    def totp(secret, step=0):
        """The authenticator-app code for now (+ `step` 30-second steps)."""
        return pyotp.TOTP(secret).at(time.time() + 30 * step)

    @staticmethod
    def fits(page) -> bool:
        """True when the page does not scroll sideways (asked once its styles and fonts are in)."""
        page.wait_for_load_state("load")
        return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    @staticmethod
    def screenshot(page, name):
        """Save the whole page as test-artifacts/<name>.png (CI keeps the folder)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def reset(self):
        from hrbpo.core.extensions import limiter

        self._operator = None
        with self.app.app_context():
            limiter.reset()
        _wipe(self.app)


@pytest.fixture(scope="session")
def _server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from hrbpo import create_app
    from hrbpo.core.migrate import upgrade

    instance = tmp_path_factory.mktemp("e2e-instance")
    os.environ.setdefault("HRBPO_INSTANCE_PATH", str(instance))
    database = f"sqlite:///{instance / 'e2e.db'}"
    app = create_app({
        "TESTING": True,
        "HRBPO_CHECK_MIGRATIONS": False,
        "SECRET_KEY": "e2e-secret",
        "HRBPO_UPLOAD_DIR": str(instance / "files"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SQLALCHEMY_DATABASE_URI": database,
        "HRBPO_MIGRATE_DATABASE_URL": database,
    })
    with app.app_context():
        upgrade()
    app.config["HRBPO_BACKEND"] = "sqlite"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(5)


@pytest.fixture
def live(_server):
    yield _server
    _server.reset()


@pytest.fixture(scope="session")
def browser(_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live):
    """A page in a fresh browser context (no cookies), failing the test on any
    JavaScript error or CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    yield page
    context.close()
    assert not problems, problems

