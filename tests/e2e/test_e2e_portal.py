"""The tenant portal in the browser: an employee's self-service home and the
section navigation. (Every page at phone width: test_e2e_accessibility.py.)"""
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def test_employee_sees_their_self_service_home(page, live):
    live.tenant("hooli", modules=["compliance"])
    live.sign_in(page, "emp@hooli.test")
    expect(page).to_have_url(live.url("/t/hooli/"))
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Erin")
    expect(main).to_contain_text("emp@hooli.test")  # their own profile
    # Employees get no staff pages.
    expect(page.get_by_role("link", name="Employees")).to_have_count(0)
    assert page.goto(live.url("/t/hooli/employees/")).status in (403, 404)
    page.goto(live.url("/t/hooli/"))
    page.set_viewport_size(PHONE)
    assert live.fits(page)
    live.screenshot(page, "self-service-phone")


def test_the_current_section_is_marked_on_its_inner_pages(page, live):
    live.tenant("stark", modules=["benefits"])
    live.sign_in(page, "hr@stark.test")
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    page.goto(live.url("/t/stark/benefits/plans"))
    expect(nav.get_by_role("link", name="Benefits")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current]")).to_have_count(1)
