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


def test_pipeline_moves_forward_rejects_with_a_reason_and_confirms_a_hire(live, page):
    kit = live.tenant("rec-pipe-e2e", ["recruitment"])
    job = _open_job(kit)
    stages = kit.hr.get(kit.url("/recruitment/stages")).get_json()
    application = kit.hr.post(kit.url("/recruitment/applications"), json={
        "job_id": job["id"], "consent": True,
        "candidate": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}}).get_json()
    assert application["stage_id"] == stages[0]["id"]
    live.sign_in(page, "hr@rec-pipe-e2e.test")
    page.goto(live.url(f"/t/rec-pipe-e2e/recruitment/jobs/{job['id']}"))
    board_move = page.get_by_label("Move Ada Lovelace to")
    expect(board_move).to_have_value(stages[1]["id"])
    assert "rejected" not in board_move.locator("option").all_inner_texts()[-1].lower()
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_label("Move to stage")).to_have_value(stages[1]["id"])
    # No reason chosen: the browser keeps the form, nothing is rejected.
    page.get_by_role("button", name="Reject").click()
    assert page.locator("#r-reason:invalid").count() == 1
    page.get_by_label("First working day").fill("2030-03-01")
    page.get_by_role("button", name="Hire…").click()
    expect(page.get_by_role("heading", name="Hire Ada Lovelace?")).to_be_visible()
    detail = kit.hr.get(kit.url(f"/recruitment/applications/{application['id']}")).get_json()
    assert detail["status"] == "active"
    page.get_by_role("button", name="Yes, hire").click()
    expect(page.get_by_text("Hired: the employee record was created.")).to_be_visible()
    detail = kit.hr.get(kit.url(f"/recruitment/applications/{application['id']}")).get_json()
    assert detail["status"] == "hired"
