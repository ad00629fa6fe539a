"""Every page of the portal (each section and the first pages inside it, with
demo records) and of the console fits a 360 px phone without sideways
scrolling, and axe-core finds no WCAG 2.1 A/AA violation (nor a serious
best-practice one) on it, in English and in Urdu (right to left)."""
from pathlib import Path

import pytest

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"width": 360, "height": 780}


def problems_on(page, live, path):
    """What is wrong with `path`: bad status, sideways scrolling, axe violations."""
    response = page.goto(live.url(path))
    found = [] if response.status == 200 else [f"status {response.status}"]
    if not live.fits(page):
        found.append("wider than the phone")
    # Every WCAG A/AA violation counts; best-practice ones when serious or critical.
    found += page.evaluate("""rules => axe.run({runOnly: rules}).then(r => r.violations
        .filter(v => v.tags.some(t => t.startsWith('wcag')) || ['serious', 'critical'].includes(v.impact))
        .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`))""",
                           RULES)
    return found


def checking_context(browser, **options):
    """A phone-sized context with axe loaded into every page (which the app's
    CSP would rightly refuse, hence bypass_csp)."""
    context = browser.new_context(bypass_csp=True, viewport=PHONE, **options)
    context.add_init_script(AXE)
    return context


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_every_portal_page_fits_a_phone_and_passes_axe(browser, live, locale):
    kit = live.tenant("wayne", modules=["recruitment", "benefits", "compliance"])
    assert kit.operator.patch("/api/v1/tenants/wayne", json={"locale": locale}).status_code == 200
    live.seed_demo("wayne")
    context = checking_context(browser, locale=locale)
    page = context.new_page()
    problems = {"/login": problems_on(page, live, "/login")}
    live.sign_in(page, "hr@wayne.test")
    paths = live.walk(page)
    assert len(paths) >= 10  # home, people pages, the three modules and pages inside them
    problems.update({path: problems_on(page, live, path) for path in paths})
    live.screenshot(page, f"account-phone-{locale}")
    context.close()
    assert not {path: found for path, found in problems.items() if found}


def test_every_console_page_fits_a_phone_and_passes_axe(browser, live):
    live.tenant("lexcorp", modules=["compliance"])
    context = checking_context(browser)
    page = context.new_page()
    live.enrol_operator(page)
    problems = {path: problems_on(page, live, path) for path in (
        "/ops/", "/ops/tenants/lexcorp", "/ops/tenants/new", "/ops/users", "/ops/queue",
        "/ops/act-as?tenant=lexcorp", "/account", "/account/two-factor")}
    context.close()
    assert not {path: found for path, found in problems.items() if found}
