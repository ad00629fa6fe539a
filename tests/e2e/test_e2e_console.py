"""The operator console in the browser: switching modules per tenant, and
acting as a tenant's HR admin with a stated reason and a visible banner."""
from playwright.sync_api import expect


def test_operator_switches_a_module_and_its_nav_link_follows(page, live, browser):
    live.tenant("acme")
    live.enrol_operator(page)
    page.goto(live.url("/ops/tenants/acme"))
    page.get_by_role("button", name="Switch Recruitment on").click()
    expect(page.locator(".flash")).to_contain_text("Recruitment is on")

    # The tenant's HR admin, in another browser, now has the module in the nav.
    context = browser.new_context()
    hr = context.new_page()
    live.sign_in(hr, "hr@acme.test")
    nav = hr.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="Recruitment")).to_be_visible()
    nav.get_by_role("link", name="Recruitment").click()
    expect(hr).to_have_url(live.url("/t/acme/recruitment/"))

    page.get_by_role("button", name="Switch Recruitment off").click()
    expect(page.get_by_role("heading", name="Switch Recruitment off for Acme?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()  # nothing changes
    expect(page.get_by_role("button", name="Switch Recruitment off")).to_be_visible()
    page.get_by_role("button", name="Switch Recruitment off").click()
    page.get_by_role("button", name="Yes, switch Recruitment off").click()
    expect(page.locator(".flash")).to_contain_text("Recruitment is off")
    hr.goto(live.url("/t/acme/"))
    expect(hr.get_by_role("link", name="Recruitment")).to_have_count(0)
    assert hr.goto(live.url("/t/acme/recruitment/")).status == 404
    context.close()


def test_module_switched_through_the_api_shows_in_the_nav(page, live):
    kit = live.tenant("globex")
    live.sign_in(page, "hr@globex.test")
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="Compliance")).to_have_count(0)
    assert kit.operator.put("/api/v1/tenants/globex/modules/compliance").status_code == 200
    page.reload()
    expect(nav.get_by_role("link", name="Compliance")).to_be_visible()
    assert kit.operator.delete("/api/v1/tenants/globex/modules/compliance").status_code in (200, 204)
    page.reload()
    expect(nav.get_by_role("link", name="Compliance")).to_have_count(0)


def test_operator_acts_as_hr_admin_with_a_reason_and_a_banner(page, live):
    live.tenant("initech")
    live.enrol_operator(page)
    page.goto(live.url("/ops/tenants/initech"))
    page.get_by_role("link", name="Act as HR admin").click()
    reason = page.get_by_label("Reason")
    expect(reason).to_have_attribute("required", "")
    # Only spaces pass the browser's check but not the server's.
    reason.fill("   ")
    page.get_by_role("button", name="Start acting").click()
    expect(page.get_by_text("Say why you need to act in this tenant")).to_be_visible()
    expect(page.locator(".acting-banner")).to_have_count(0)

    page.get_by_label("Reason").fill("Ticket 4711: fix Erin's start date")
    page.get_by_role("button", name="Start acting").click()
    expect(page).to_have_url(live.url("/t/initech/"))
    banner = page.locator(".acting-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Acting as HR admin of Initech")
    expect(banner).to_contain_text("Ticket 4711")
    live.screenshot(page, "acting-banner")
    # The banner stays on every page of the tenant.
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Employees").click()
    expect(page).to_have_url(live.url("/t/initech/employees/"))
    expect(page.locator(".acting-banner")).to_be_visible()

    page.locator(".acting-banner").get_by_role("button", name="Stop acting").click()
    expect(page).to_have_url(live.url("/ops/"))
    expect(page.locator(".acting-banner")).to_have_count(0)
    audit = live.operator.get("/api/v1/tenants/initech/audit").get_json()["items"]
    assert {"operator.act_as.start", "operator.act_as.stop"} <= {row["action"] for row in audit}
