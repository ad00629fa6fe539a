"""Languages in the browser: the catalogue follows the browser or the tenant,
and Urdu pages read right to left (screenshots in test-artifacts/)."""
import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def test_urdu_pages_read_right_to_left(page, live):
    kit = live.tenant("karachi")
    assert kit.operator.patch("/api/v1/tenants/karachi", json={"locale": "ur"}).status_code == 200
    live.sign_in(page, "hr@karachi.test")
    expect(page).to_have_url(live.url("/t/karachi/"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("button", name="سائن آؤٹ کریں")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The brand sits at the right-hand edge, where a right-to-left reader starts.
    assert page.locator(".top .brand").bounding_box()["x"] > page.viewport_size["width"] / 2
    live.screenshot(page, "urdu-rtl")
    page.goto(live.url("/t/karachi/employees/"))
    live.screenshot(page, "urdu-rtl-directory")
    page.set_viewport_size(PHONE)
    assert live.fits(page)
    live.screenshot(page, "urdu-rtl-directory-phone")


@pytest.mark.parametrize("language, direction, sign_in", [
    ("hi", "ltr", "साइन इन करें"), ("nb", "ltr", "Logg inn"), ("ur", "rtl", "سائن ان کریں")])
def test_the_browser_language_picks_the_catalogue(browser, live, language, direction, sign_in):
    context = browser.new_context(locale=language, viewport=PHONE)
    page = context.new_page()
    page.goto(live.url("/login"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.get_by_role("button", name=sign_in)).to_be_visible()
    assert live.fits(page)
    live.screenshot(page, f"login-{language}-phone")
    context.close()


def test_urdu_keeps_phone_numbers_in_order_and_nastaliq_headings_apart(page, live):
    kit = live.tenant("lahore")
    assert kit.operator.patch("/api/v1/tenants/lahore", json={"locale": "ur"}).status_code == 200
    r = kit.hr.patch(f"/api/v1/tenants/lahore/employees/{kit.employee_id}", json={"phone": "+92 300 1234567"})
    assert r.status_code == 200
    live.sign_in(page, "hr@lahore.test")
    page.goto(live.url(f"/t/lahore/employees/{kit.employee_id}"))
    phone = page.locator("main bdi[dir=ltr]", has_text="+92 300 1234567")
    expect(phone).to_be_visible()
    # Isolated left to right: "+92" stays at the left end, not moved behind the digits.
    assert phone.evaluate("e => getComputedStyle(e).direction") == "ltr"
    plus = phone.evaluate("""e => { const r = document.createRange(); r.setStart(e.firstChild, 0); r.setEnd(e.firstChild, 1);
                                   return r.getBoundingClientRect().x - e.getBoundingClientRect().x; }""")
    assert plus < 5
    heading = page.locator("main h1")
    ratio = heading.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize)")
    assert ratio >= 2  # Nastaliq's tall letters need the room, or wrapped lines overlap
    live.screenshot(page, "urdu-employee-phone")


def test_dashboard_charts_draw_and_show_their_numbers(page, live):
    kit = live.tenant("multan", modules=("benefits", "compliance"))
    live.seed_demo("multan")
    assert kit.operator.patch("/api/v1/tenants/multan", json={"locale": "ur"}).status_code == 200
    live.sign_in(page, "hr@multan.test")
    chart = page.locator("figure.chart-card svg").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 60
    page.locator("figure.chart-card summary").first.click()
    expect(page.locator("figure.chart-card table").first).to_be_visible()
    assert live.fits(page)
    live.screenshot(page, "urdu-dashboard-charts")


@pytest.mark.parametrize("language, employees", [("hi", "कर्मचारी"), ("nb", "Ansatte")])
def test_hindi_and_bokmal_pages_fit_and_speak_the_language(page, live, language, employees):
    slug = f"tour-{language}"
    kit = live.tenant(slug, modules=("compliance", "servicedesk"))
    live.seed_demo(slug)
    assert kit.operator.patch(f"/api/v1/tenants/{slug}", json={"locale": language}).status_code == 200
    for n, place in enumerate(("Oslo", "Bergen", "Delhi")):
        assert kit.hr.post(f"/api/v1/tenants/{slug}/employees", json={
            "first_name": "Åse", "last_name": f"Ødegård{n}", "email": f"p{n}@{slug}.test", "hire_date": "2024-03-01",
            "location": place, "department": "Sales"}).status_code == 201
    live.sign_in(page, f"hr@{slug}.test")
    page.goto(live.url(f"/t/{slug}/employees/"))
    expect(page.get_by_role("heading", name=employees, exact=True)).to_be_visible()
    expect(page.locator("main nav.pager")).not_to_contain_text("Page")
    assert live.fits(page)
    live.screenshot(page, f"{language}-directory")
    template = kit.hr.post(f"/api/v1/tenants/{slug}/compliance/templates", json={
        "name": "Fire drill", "items": [{"title": "Walk the route", "due_days": 7}],
        "recurrence": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"}).get_json()
    page.goto(live.url(f"/t/{slug}/compliance/templates/{template['id']}"))
    expect(page.locator("#aud-location")).to_be_visible()
    radio, label = page.locator("#aud-filter").bounding_box(), page.locator("label[for=aud-filter]").bounding_box()
    assert abs(radio["y"] - label["y"]) < label["height"], (radio, label)  # a radio sits beside its label
    assert live.fits(page)
    live.screenshot(page, f"{language}-compliance-template-assign")
    page.set_viewport_size(PHONE)
    page.goto(live.url(f"/t/{slug}/servicedesk/"))
    assert live.fits(page)
    live.screenshot(page, f"{language}-servicedesk-phone")


def test_urdu_calendar_errors_read_in_urdu(page, live):
    kit = live.tenant("quetta", modules=("servicedesk",))
    assert kit.operator.patch("/api/v1/tenants/quetta", json={"locale": "ur"}).status_code == 200
    live.sign_in(page, "hr@quetta.test")
    page.goto(live.url("/t/quetta/servicedesk/calendar"))
    page.locator("#hours_mon").fill("09:00-12:00, 11:00-13:00")
    page.locator("#hours_tue").fill("17:00-09:00")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#hours_mon-error")).to_contain_text("ٹکراتا")
    expect(page.locator("#hours_tue-error")).to_contain_text("شروع ہونا چاہیے")
    # The span reads 09:00–12:00 left to right inside the right-to-left sentence (an isolate keeps it whole).
    x = page.locator("#hours_mon-error").evaluate("""e => {
        const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT); let at = {};
        for (let n = walker.nextNode(); n; n = walker.nextNode()) for (const t of ["09:00", "12:00"]) {
            const i = n.data.indexOf(t); if (i >= 0 && !(t in at)) {
                const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 5);
                at[t] = r.getBoundingClientRect().x; } }
        return at; }""")
    assert x["09:00"] < x["12:00"], x
    assert live.fits(page)
    live.screenshot(page, "urdu-servicedesk-calendar-errors")
