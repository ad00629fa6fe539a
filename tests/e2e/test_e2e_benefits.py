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
    expect(page.get_by_role("cell", name="1200.00").first).to_be_visible()
    assert live.fits(page)
    page.get_by_role("button", name="Confirm my elections").click()
    expect(page.get_by_role("heading", name="Benefits confirmation")).to_be_visible()
    assert live.fits(page)
    live.screenshot(page, "benefits-statement-phone")
