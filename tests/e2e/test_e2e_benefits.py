"""Benefits in a real browser at phone width: choose plans, review costs, confirm."""
from datetime import date, timedelta

from playwright.sync_api import expect


def test_enrolment_wizard_on_a_phone(live, page):
    kit = live.tenant("ben-e2e", ["benefits"])
    r = kit.hr.post(kit.url("/benefits/plans"), json={
        "name": "Gold PPO", "kind": "medical", "carrier": "Acme Health", "currency": "USD", "tiers": [
            {"tier": "employee", "employee_cost": "100.00", "employer_cost": "400.00", "period": "month"},
            {"tier": "family", "employee_cost": "350.25", "employer_cost": "800.00", "period": "month"}]})
    assert r.status_code == 201
    today = date.today()
    r = kit.hr.post(kit.url("/benefits/windows"), json={
        "name": "Open enrolment", "kind": "open", "starts_on": str(today), "ends_on": str(today + timedelta(days=9)),
        "coverage_starts_on": str(today + timedelta(days=20)), "plan_ids": [r.get_json()["id"]]})
    assert r.status_code == 201
    page.set_viewport_size({"width": 375, "height": 740})
    live.sign_in(page, "emp@ben-e2e.test")
    page.goto(live.url("/t/ben-e2e/benefits/"))
    page.get_by_role("link", name="Choose benefits").click()
    expect(page.get_by_role("heading", name="Choose benefits: Open enrolment")).to_be_visible()
    assert live.fits(page)
    live.screenshot(page, "benefits-wizard-phone")
    page.get_by_label("Employee only", exact=False).check()
    page.get_by_role("button", name="Review costs").click()
    expect(page.get_by_role("heading", name="Review costs: Open enrolment")).to_be_visible()
    expect(page.get_by_role("cell", name="$1,200.00").first).to_be_visible()
    assert live.fits(page)
    page.get_by_role("button", name="Confirm my elections").click()
    expect(page.get_by_role("heading", name="Benefits confirmation")).to_be_visible()
    assert live.fits(page)
    live.screenshot(page, "benefits-statement-phone")


def test_hr_benefits_pages_fit_a_phone_and_pass_axe(browser, live):
    """The HR pages in states the demo alone does not reach: an eligibility
    change to review, every plan listed, a form sent back with errors."""
    from test_e2e_accessibility import Walk, _assert_clean

    walk = Walk(browser, live, "en", slug="ben-hr-e2e", modules=["benefits"])
    kit = walk.kit
    plan = kit.hr.get(kit.url("/benefits/plans")).get_json()["items"][0]
    window = kit.hr.get(kit.url("/benefits/windows")).get_json()["items"][0]
    # An employee who lost eligibility gives the review list a row.
    employee = kit.hr.get(kit.url("/employees?per_page=200")).get_json()["items"][-1]
    kit.hr.patch(kit.url(f"/benefits/plans/{plan['id']}"), json={"min_hours": 30})
    kit.hr.patch(kit.url(f"/employees/{employee['id']}"), json={"hours_per_week": 10})
    walk.sign_in("hr@ben-hr-e2e.test")
    base = "/t/ben-hr-e2e/benefits"
    for path in ("/plans", f"/plans/{plan['id']}/edit", "/plans?status=all", "/windows", f"/windows/{window['id']}",
                 f"/windows/{window['id']}/edit", "/eligibility", "/life-events", "/settings", "/"):
        walk.visit(base + path)
    page = walk.page
    page.goto(live.url(f"{base}/plans/{plan['id']}/edit"))
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator("#name-error")).to_be_visible()
    walk.check("plan form with errors")
    live.screenshot(page, "benefits-plan-edit-errors-phone")
    _assert_clean(walk)


def test_wizard_ticks_a_tiers_dependants_and_keeps_choices_on_error(live, page):
    kit = live.tenant("ben-wiz-e2e", ["benefits"])
    tiers = [{"tier": t, "employee_cost": "100.00", "employer_cost": "400.00", "period": "month"}
             for t in ("employee", "employee_spouse")]
    medical = kit.hr.post(kit.url("/benefits/plans"), json={
        "name": "Gold PPO", "kind": "medical", "currency": "USD", "tiers": tiers}).get_json()
    dental = kit.hr.post(kit.url("/benefits/plans"), json={
        "name": "Smile Dental", "kind": "dental", "currency": "USD", "tiers": tiers[:1]}).get_json()
    today = date.today()
    window = kit.hr.post(kit.url("/benefits/windows"), json={
        "name": "Open enrolment", "kind": "open", "starts_on": str(today), "ends_on": str(today + timedelta(days=9)),
        "coverage_starts_on": str(today + timedelta(days=20)), "plan_ids": [medical["id"], dental["id"]]}).get_json()
    r = kit.hr.post(kit.url(f"/benefits/employees/{kit.employee_id}/dependents"), json={
        "first_name": "Sam", "last_name": "Spouse", "relationship": "spouse", "date_of_birth": "1990-01-01"})
    assert r.status_code == 201, r.get_json()
    live.sign_in(page, "emp@ben-wiz-e2e.test")
    page.goto(live.url(f"/t/ben-wiz-e2e/benefits/enrol/{window['id']}"))
    gold = page.get_by_role("group", name="Gold PPO")
    spouse = gold.get_by_role("checkbox", name="Sam Spouse")
    gold.get_by_label("Employee + spouse/partner", exact=False).check()
    expect(spouse).to_be_checked()  # the tier's dependant, ticked for the employee
    # Employee only, yet the spouse ticked: refused, and sent back with every choice.
    gold.get_by_label("Employee only", exact=False).check()
    expect(spouse).not_to_be_checked()
    spouse.check()
    dental_group = page.get_by_role("group", name="Smile Dental")
    dental_group.get_by_label("Waive this plan").check()
    dental_group.get_by_label("Reason for waiving (optional)").fill("Covered elsewhere")
    page.get_by_role("button", name="Review costs").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the marked fields.")
    expect(gold.locator(".error")).to_have_text("Employee-only coverage cannot include dependants.")
    assert "elections." not in page.content()
    expect(gold.get_by_label("Employee only", exact=False)).to_be_checked()
    expect(spouse).to_be_checked()
    expect(spouse).to_be_focused()
    expect(dental_group.get_by_label("Waive this plan")).to_be_checked()
    expect(dental_group.get_by_label("Reason for waiving (optional)")).to_have_value("Covered elsewhere")
