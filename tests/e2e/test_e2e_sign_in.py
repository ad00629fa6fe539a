"""Signing in through the browser: the assets load under the CSP, wrong
passwords are refused, operators must use two-factor sign-in."""
from playwright.sync_api import expect


def test_login_page_loads_assets_under_the_csp(page, live):
    response = page.goto(live.url("/login"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    # The vendored libraries and our script ran (a CSP violation would fail the `page` fixture).
    assert page.evaluate("typeof htmx === 'object' && typeof Chart === 'function'")
    assert page.evaluate("getComputedStyle(document.querySelector('.top')).display") == "flex"
    page.get_by_label("Email").fill("nobody@example.test")
    page.get_by_label("Password", exact=True).fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash.error")).to_contain_text("Wrong email, password or organisation")


def test_keyboard_user_sees_focus_and_can_skip_to_content(page, live):
    page.goto(live.url("/login"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_operator_signs_in_with_two_factor(page, live):
    secret = live.enrol_operator(page, screenshots=True)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live.url("/login"))

    live.sign_in(page, live.operator_email)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    wrong = "000000" if live.totp(secret, 1) != "000000" else "111111"
    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    # The enrolment code is spent; the next step's code is accepted (one step of drift).
    page.get_by_label("Code").fill(live.totp(secret, 1))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(live.url("/ops/"))
    expect(page.get_by_role("heading", name="Tenants")).to_be_visible()
