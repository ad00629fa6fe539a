"""Every page, in each of the four languages, on a 360 px phone and on a
desktop: no sideways scrolling, and axe-core finds no WCAG 2.1 A/AA violation
(nor a serious best-practice one).

Pages are found by following links: from each role's start page every link
inside its area is followed once per route (ids and query strings aside), so
a page is walked as soon as something links to it, and each test checks that
the walk reached every page its role has. One test is one role in one
language, in one browser context; each page is loaded once and checked at
both widths. Pages that only a form post shows (errors, review steps, backup
codes) are reached by posting the form."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE, DESKTOP = {"width": 360, "height": 780}, {"width": 1280, "height": 900}
LOCALES = ["en", "hi", "ur", "nb"]
# The outermost elements that stick out of the screen (what makes a page scroll sideways).
SIDEWAYS = """Array.from(document.querySelectorAll('body *')).filter(el => {
    const box = el.getBoundingClientRect();
    if (!box.width || (box.right <= innerWidth + 1 && box.left >= -1)) return false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return false;  // scrolls inside its box
    }
    return true;
  }).filter((el, _, all) => !all.includes(el.parentElement)).slice(0, 3)
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''))"""
MODULES = ["recruitment", "benefits", "compliance", "servicedesk"]
SLUG = "wayne"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Downloads, not pages.
NOT_PAGES = re.compile(r"\.(pdf|csv|ics|zip)$|/logo$|/static/|/evidence$|/servicedesk/files/")
PORTAL_BLUEPRINTS = ("portal", "servicedesk", *(f"{m}_pages" for m in MODULES))
# Portal pages that are not for this role (or need records the demo does not make for it).
NOT_FOR = {
    # The import's progress (after a post) and the hire confirmation (after the profile's GET form): below.
    # A webhook's own page needs an endpoint, which the demo does not make (it would send to the internet).
    "hr": {"/benefits/enrol/<id>", "/employees/import/<id>", "/recruitment/applications/<id>/hire",
           "/settings/webhooks/<id>"},
    # Employees: their profile is on their home page; their checklists on the compliance page.
    "employee": {"/employees/", "/employees/<id>", "/compliance/checklists", "/employees/<id>/edit", "/employees/new", "/employees/import",
                 "/employees/import/<id>", "/users/", "/invitations/", "/scim/", "/settings/sso",
                 "/settings", "/audit", "/recruitment/", "/recruitment/jobs/new", "/recruitment/jobs/<id>",
                 "/recruitment/jobs/<id>/edit", "/recruitment/applications/<id>", "/recruitment/applications/<id>/hire",
                 "/recruitment/interviews/<id>/scorecard", "/recruitment/settings", "/benefits/plans",
                 "/benefits/windows", "/benefits/windows/<id>", "/benefits/life-events", "/benefits/eligibility",
                 "/benefits/plans/<id>/edit", "/benefits/windows/<id>/edit", "/benefits/settings",
                 "/compliance/templates", "/compliance/templates/new", "/compliance/templates/<id>",
                 "/servicedesk/calendar", "/servicedesk/categories", "/servicedesk/categories/new",
                 "/servicedesk/categories/<id>", "/servicedesk/articles", "/servicedesk/articles/new",
                 "/servicedesk/articles/<id>", "/servicedesk/report", "/benefits/payroll", "/settings/webhooks",
                 "/settings/webhooks/<id>"},
}


def route_of(path: str) -> str:
    return UUID.sub("<id>", urlsplit(path).path)


def portal_routes(app) -> set[str]:
    """Every HTML page of the portal, core's and the built-in modules', as `route_of` writes it."""
    prefix = f"/t/{SLUG}"
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint.split(".")[0] in PORTAL_BLUEPRINTS]
    routes = {re.sub(r"<(?:uuid:)?\w+>", "<id>", r.rule.replace("<slug>", SLUG)) for r in rules}
    return {r[len(prefix):] for r in routes if not NOT_PAGES.search(r)}


class Walk:
    """A tenant with every module and its demo records in `locale`, one
    browser context (a role in that language) and what is wrong where."""

    def __init__(self, browser, live, locale, slug=SLUG, modules=MODULES):
        self.live = live
        self.kit = kit = live.tenant(slug, modules=modules)
        assert kit.operator.patch(f"/api/v1/tenants/{slug}", json={"locale": locale}).status_code == 200
        live.seed_demo(slug)
        self.context = browser.new_context(bypass_csp=True, viewport=PHONE, locale=locale)  # the CSP refuses axe
        self.context.set_default_timeout(10_000)
        self.context.add_init_script(AXE)
        self.page = self.context.new_page()
        self.problems, self.seen = {}, set()
        self.page.on("pageerror", lambda error: self.problems.setdefault(self.page.url, []).append(f"script: {error}"))

    def sign_in(self, email):
        self.live.sign_in(self.page, email)
        self.page.wait_for_url(lambda url: "/login" not in url or "/login/verify" in url)

    def follow(self, locator):
        """Click a link or submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            locator.click()

    def check(self, label=None):
        """Check the page as it is now, at both widths."""
        page, found = self.page, []
        label = label or urlsplit(page.url).path
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            if not self.live.fits(page):
                found.append(f"{name}: wider than the screen ({', '.join(page.evaluate(SIDEWAYS))})")
            found += [f"{name}: {v}" for v in page.evaluate(
                """rules => axe.run({runOnly: rules, resultTypes: ["violations"]}).then(r => r.violations
                   .filter(v => v.tags.some(t => t.startsWith('wcag')) || ['serious', 'critical'].includes(v.impact))
                   .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`))""",
                RULES)]
        page.set_viewport_size(PHONE)
        if found:
            self.problems[label] = found
        return page

    def visit(self, path, status=200):
        response = self.page.goto(self.live.url(path))
        if response.status != status:
            self.problems[path] = [f"status {response.status}, not {status}"]
            return self.page
        return self.check(path)

    def crawl(self, start, inside):
        """Visit `start` and every page linked from it (transitively) whose
        path starts with one of `inside`, once per route."""
        queue = list(start)
        while queue:
            path = queue.pop(0)
            if route_of(path) in self.seen:
                continue
            self.seen.add(route_of(path))
            self.visit(path)
            links = self.page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            queue += [link for link in links if link.startswith(inside) and not NOT_PAGES.search(urlsplit(link).path)
                      and route_of(link) not in self.seen]

    def close(self):
        self.context.close()


def _assert_clean(walk):
    walk.close()
    assert not walk.problems, "\n".join(f"{path}: {found}" for path, found in walk.problems.items())


def _walked_every_page(walk, app, role):
    portal = {r[len(f"/t/{SLUG}"):] for r in walk.seen if r.startswith(f"/t/{SLUG}")}
    missing = portal_routes(app) - NOT_FOR[role] - portal
    assert not missing, f"the walk did not reach {sorted(missing)}: link them, or list them in NOT_FOR"


def _portal_walk(browser, live, locale, email, role) -> Walk:
    """Sign in as `email` and walk the portal and the account pages."""
    walk = Walk(browser, live, locale)
    walk.sign_in(email)
    walk.crawl([f"/t/{SLUG}/", "/account"], (f"/t/{SLUG}/", "/account"))
    _walked_every_page(walk, live.app, role)
    return walk


@pytest.mark.parametrize("locale", LOCALES)
def test_every_hr_page(browser, live, locale):
    walk = _portal_walk(browser, live, locale, f"hr@{SLUG}.test", "hr")
    page = walk.page
    # Pages a form post shows: a bad CSV import with its per-line problems, a form with errors.
    page.goto(live.url(f"/t/{SLUG}/employees/import"))
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": b"first_name,last_name,email,hire_date\n,,x,\n"}])
    walk.follow(page.locator("main form button[type=submit]"))
    expect(page.locator("main .error, main .errors, main [role=alert]").first).to_be_visible()
    walk.check("import with errors")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": b"first_name,last_name,email,hire_date\n"}])
    page.locator("main form input[name=background]").check()
    walk.follow(page.locator("main form button[type=submit]"))
    expect(page.locator("main progress")).to_be_visible()
    walk.check("import progress")
    page.goto(live.url(f"/t/{SLUG}/employees/new"))
    page.locator("main form").evaluate("form => form.noValidate = true")
    walk.follow(page.locator("main form button[type=submit]"))
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()
    walk.check("new employee with errors")
    active = [a for a in walk.kit.hr.get(walk.kit.url("/recruitment/applications?per_page=100")).get_json()["items"]
              if a["status"] == "active"][0]
    page.goto(live.url(f"/t/{SLUG}/recruitment/applications/{active['id']}"))
    page.locator("#h-date").fill("2030-01-15")
    walk.follow(page.locator("#h-date").locator("xpath=ancestor::form").locator("button[type=submit]"))
    assert "/hire?hire_date=2030-01-15" in page.url
    walk.check("hire confirmation")
    _assert_clean(walk)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_employee_page(browser, live, locale):
    walk = _portal_walk(browser, live, locale, f"emp@{SLUG}.test", "employee")
    walk.visit(f"/t/{SLUG}/employees/", status=403)  # the error page, in the layout
    page = walk.page
    # The enrolment wizard's review step (choices as the demo left them).
    page.goto(live.url(f"/t/{SLUG}/benefits/"))
    walk.follow(page.locator("main a[href*='/benefits/enrol/']").first)
    walk.follow(page.locator("main form button[type=submit]").last)
    walk.check("benefits review")
    _assert_clean(walk)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_console_and_two_factor_page(browser, live, locale):
    walk = Walk(browser, live, locale)
    live.operator  # makes the operator's account
    page, operator = walk.page, live.operator_email
    walk.sign_in(operator)
    expect(page.locator("code.secret")).to_be_visible()
    walk.check("two-factor enrolment")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.locator("main form input[name=code]").fill(live.totp(secret))
    walk.follow(page.locator("main form button[type=submit]"))
    expect(page.locator(".backup-codes")).to_be_visible()
    walk.check("backup codes")
    walk.crawl(["/ops/", "/account"], ("/ops/", "/account"))
    assert {"/ops/", "/ops/tenants/<id>", "/ops/tenants/new", "/ops/users", "/ops/queue", "/ops/act-as",
            "/ops/jobs", "/ops/mail", "/ops/servicedesk/", "/account", "/account/two-factor"} <= {UUID.sub("<id>", r).replace(SLUG, "<id>") for r in walk.seen}
    # Acting as the tenant's HR admin: the banner on the tenant's pages.
    page.goto(live.url(f"/ops/act-as?tenant={SLUG}"))
    page.locator("main form textarea, main form input[name=reason]").first.fill("Ticket 42")
    walk.follow(page.locator("main form button[type=submit]"))
    expect(page.locator(".acting-banner")).to_be_visible()
    walk.check("acting as HR admin")
    # Signing in again: the code step.
    walk.follow(page.locator(".top form.logout button"))
    live.sign_in(page, operator)
    expect(page.locator("main form input[name=code]")).to_be_visible()
    walk.check("two-factor code")
    _assert_clean(walk)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_public_page(browser, live, locale):
    walk = Walk(browser, live, locale)
    page = walk.visit("/login")
    live.sign_in(page, "nobody@example.test", password="wrong-password")
    expect(page.locator(".flash.error")).to_be_visible()
    walk.check("login refused")
    walk.crawl([f"/careers/{SLUG}/jobs"], (f"/careers/{SLUG}/",))
    assert {f"/careers/{SLUG}/jobs", f"/careers/{SLUG}/jobs/<id>"} <= walk.seen
    page.goto(live.url(f"/careers/{SLUG}/jobs"))
    job = page.locator("main a[href*='/jobs/']").first.get_attribute("href")
    walk.visit(job + "?applied=1")
    walk.visit("/careers/nobody/jobs", status=404)
    walk.visit("/forgot")
    walk.visit("/invite/no-such-token", status=404)
    walk.visit("/reset/no-such-token", status=404)
    _assert_clean(walk)
