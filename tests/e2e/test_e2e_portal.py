"""The tenant portal in the browser: an employee's self-service home, and
every section at phone width."""
import pytest
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


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_every_section_fits_a_phone(browser, live, locale):
    """Each page in the nav (core and every module) and the first pages linked
    from each fit 360 px without sideways scrolling."""
    kit = live.tenant("umbrella", modules=["recruitment", "benefits", "compliance"])
    assert kit.operator.patch("/api/v1/tenants/umbrella", json={"locale": locale}).status_code == 200
    live.seed_demo("umbrella")
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    live.sign_in(page, "hr@umbrella.test")
    sections = page.locator("nav.modules a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(sections) >= 7  # home, people pages and the three modules
    pages = []
    for section in sections:
        page.goto(live.url(section))
        inside = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        pages += [section] + [p for p in dict.fromkeys(inside) if p.startswith(section) and p != section][:3]
    for path in dict.fromkeys(pages + ["/account"]):
        assert page.goto(live.url(path)).status == 200, path
        assert live.fits(page), path
    live.screenshot(page, f"account-phone-{locale}")
    context.close()


def test_the_current_section_is_marked_on_its_inner_pages(page, live):
    live.tenant("stark", modules=["benefits"])
    live.sign_in(page, "hr@stark.test")
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    page.goto(live.url("/t/stark/benefits/plans"))
    expect(nav.get_by_role("link", name="Benefits")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current]")).to_have_count(1)
