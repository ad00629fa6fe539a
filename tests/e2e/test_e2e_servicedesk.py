"""The service desk in the browser: suggestions while an employee writes a
case (the static script asking the API), an internal note the employee never
sees, and the calendar editor keeping a refused form."""
from playwright.sync_api import expect


def _desk(live, slug):
    kit = live.tenant(slug, modules=["servicedesk"])
    assert kit.hr.post(f"/api/v1/tenants/{slug}/servicedesk/categories", json={
        "name": "Payroll", "first_response_hours": 4, "resolution_hours": 16}).status_code == 201
    assert kit.hr.post(f"/api/v1/tenants/{slug}/servicedesk/articles", json={
        "title": "Overtime payments", "body": "Overtime is paid a month later.", "locale": "en"}).status_code == 201
    return kit


def test_employee_sees_suggestions_while_typing_and_opens_a_case(page, live):
    _desk(live, "helpco")
    live.sign_in(page, "emp@helpco.test")
    page.goto(live.url("/t/helpco/servicedesk/"))
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_be_hidden()
    page.get_by_label("Subject").fill("Missing overtime")
    expect(suggestions).to_be_visible()
    expect(suggestions).to_contain_text("Overtime payments")
    page.get_by_label("Your question").fill("My payslip has no overtime.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".flash")).to_contain_text("HR-1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missing overtime")


def test_staff_internal_note_is_never_shown_to_the_employee(page, live, browser):
    kit = _desk(live, "noteco")
    category = kit.hr.get("/api/v1/tenants/noteco/servicedesk/categories").get_json()[0]
    case = kit.employee.post("/api/v1/tenants/noteco/servicedesk/cases", json={
        "subject": "Contract copy", "description": "Please send my contract.", "category_id": category["id"]}).get_json()
    live.sign_in(page, "hr@noteco.test")
    page.goto(live.url(f"/t/noteco/servicedesk/cases/{case['id']}"))
    page.get_by_label("Reply").fill("Check the signed copy in the archive first.")
    page.get_by_label("Internal note (the requester never sees it)").check()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".thread li.internal")).to_contain_text("Check the signed copy")
    expect(page.locator(".thread .badge.warn")).to_have_text("internal note")
    page.get_by_label("Reply").fill("We will send it today.")
    page.get_by_role("button", name="Send", exact=True).click()

    context = browser.new_context()
    employee = context.new_page()
    live.sign_in(employee, "emp@noteco.test")
    employee.goto(live.url(f"/t/noteco/servicedesk/cases/{case['id']}"))
    expect(employee.locator(".thread")).to_contain_text("We will send it today.")
    expect(employee.locator(".thread")).not_to_contain_text("archive")
    expect(employee.locator(".badge.warn")).to_have_count(0)
    context.close()


def test_calendar_editor_error_keeps_the_form(page, live):
    _desk(live, "calco")
    live.sign_in(page, "hr@calco.test")
    page.goto(live.url("/t/calco/servicedesk/calendar"))
    page.get_by_label("Monday").fill("08:00-12:00, 13:00-16:00")
    page.get_by_label("Tuesday").fill("17:00-09:00")
    page.get_by_label("Public holidays of (country code, e.g. NO)").fill("NO")
    page.get_by_role("button", name="Save").click()
    tuesday = page.get_by_label("Tuesday")
    expect(tuesday).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#hours_tue-error")).to_be_visible()
    expect(tuesday).to_have_value("17:00-09:00")
    expect(page.get_by_label("Monday")).to_have_value("08:00-12:00, 13:00-16:00")
    expect(page.get_by_label("Public holidays of (country code, e.g. NO)")).to_have_value("NO")
    tuesday.fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("The calendar is saved.")
    expect(page.get_by_label("Monday")).to_have_value("08:00-12:00, 13:00-16:00")
