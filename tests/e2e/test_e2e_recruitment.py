"""Recruitment pages in a real browser: the public apply form and the pipeline."""
from playwright.sync_api import expect


def _open_job(kit, title="Welder"):
    r = kit.hr.post(kit.url("/recruitment/jobs"), json={"title": title, "description": "Weld things."})
    assert r.status_code == 201, r.get_json()
    job = kit.hr.post(kit.url(f"/recruitment/jobs/{r.get_json()['id']}/publish")).get_json()
    return job


def test_careers_apply_form_takes_an_empty_optional_phone(live, page):
    kit = live.tenant("rec-apply-e2e", ["recruitment"])
    job = _open_job(kit)
    page.goto(live.url(f"/careers/rec-apply-e2e/jobs/{job['id']}"))
    page.get_by_label("First name").fill("Åse")
    page.get_by_label("Last name").fill("Ødegård")
    page.get_by_label("Email").fill("ase@example.com")
    expect(page.get_by_label("Phone (optional)")).to_have_value("")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("status")).to_have_text("Thank you, your application was received.")
    board = kit.hr.get(kit.url(f"/recruitment/applications?job_id={job['id']}")).get_json()
    assert [a["candidate"]["email"] for a in board["items"]] == ["ase@example.com"]
