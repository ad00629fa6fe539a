"""Portal pages: jobs, board, candidate profile, interviews, scorecards."""
import re


def test_pages_render_and_forms_work(rec, open_job, apply_to, signed_in, stage_of):
    job = open_job(rec, "Analyst")
    application = apply_to(rec, job["id"])
    page = signed_in("hr@acme.test")
    base = f"/t/{rec.slug}/recruitment"
    r = page.get(base + "/")
    assert r.status_code == 200 and "Analyst" in r.get_data(as_text=True)
    r = page.get(f"{base}/jobs/{job['id']}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Ada Lovelace" in html and "<meter" in html
    # Move from the board with a button.
    r = page.post(f"{base}/applications/{application['id']}/move",
                  {"stage_id": stage_of(rec, "interview")["id"], "next": "board"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/jobs/{job['id']}")
    assert rec.hr.get(rec.url(f"/recruitment/applications/{application['id']}")).get_json()["stage"]["kind"] == \
        "interview"
    r = page.get(f"{base}/applications/{application['id']}")
    assert r.status_code == 200 and "Interview" in r.get_data(as_text=True)
    # Schedule an interview in the tenant's time zone, then score it.
    r = page.post(f"{base}/applications/{application['id']}/interviews",
                  {"scheduled_at": "2020-05-01T09:30", "interviewer_ids": rec.hr.user["id"]})
    assert r.status_code == 303  # refused: said on the profile, in words
    assert "Choose a time in the future." in page.get(r.headers["Location"]).get_data(as_text=True)
    assert rec.hr.get(rec.url("/recruitment/interviews")).get_json()["items"] == []
    r = page.post(f"{base}/applications/{application['id']}/interviews",
                  {"scheduled_at": "2030-05-01T09:30", "interviewer_ids": rec.hr.user["id"]})
    assert r.status_code == 303
    interview = rec.hr.get(rec.url("/recruitment/interviews")).get_json()["items"][0]
    assert interview["scheduled_at"].startswith("2030-05-01T09:30:00")
    assert "Ada Lovelace" in page.get(f"{base}/interviews").get_data(as_text=True)
    r = page.post(f"{base}/interviews/{interview['id']}/scorecard",
                  {"rating_skills": "4", "recommendation": "yes", "submit": "1"})
    assert r.status_code == 303
    cards = rec.hr.get(rec.url(f"/recruitment/interviews/{interview['id']}/scorecards")).get_json()
    assert cards[0]["ratings"] == {"skills": 4} and cards[0]["submitted"]
    # Reject with a listed reason; the profile shows it.
    r = page.post(f"{base}/applications/{application['id']}/reject", {"reason": "Position filled"})
    assert r.status_code == 303
    assert "Position filled" in page.get(f"{base}/applications/{application['id']}").get_data(as_text=True)
    # A further move is refused with a message, not an error page.
    r = page.post(f"{base}/applications/{application['id']}/move", {"stage_id": stage_of(rec, "screen")["id"]})
    assert r.status_code == 303
    assert "cannot move" in page.get(r.headers["Location"]).get_data(as_text=True)


def test_job_editor(rec, signed_in):
    page = signed_in("hr@acme.test")
    base = f"/t/{rec.slug}/recruitment"
    assert page.get(base + "/jobs/new").status_code == 200
    r = page.post(base + "/jobs/new", {"title": "", "description": "x"})
    assert r.status_code == 422 and "aria-invalid" in r.get_data(as_text=True) or "error" in r.get_data(as_text=True)
    r = page.post(base + "/jobs/new", {"title": "Chef", "description": "Cook", "employment_type": "part_time"})
    assert r.status_code == 303
    job = rec.hr.get(rec.url("/recruitment/jobs")).get_json()["items"][0]
    assert job["title"] == "Chef" and job["employment_type"] == "part_time"
    r = page.post(f"{base}/jobs/{job['id']}/status", {"action": "publish"})
    assert r.status_code == 303 and rec.hr.get(rec.url(f"/recruitment/jobs/{job['id']}")).get_json()["status"] == "open"
    r = page.post(f"{base}/jobs/{job['id']}/edit", {"title": "Head chef", "description": "Cook"})
    assert r.status_code == 303
    assert rec.hr.get(rec.url(f"/recruitment/jobs/{job['id']}")).get_json()["title"] == "Head chef"


def test_employee_sees_only_own_interviews(rec, open_job, apply_to, signed_in):
    application = apply_to(rec, open_job(rec)["id"])
    rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/interviews"),
                json={"scheduled_at": "2030-05-01T09:30:00Z", "interviewer_ids": [rec.employee.user["id"]]})
    page = signed_in("emp@acme.test")
    base = f"/t/{rec.slug}/recruitment"
    assert page.get(base + "/").status_code == 303
    html = page.get(base + "/interviews").get_data(as_text=True)
    assert "Ada Lovelace" in html
    interview_id = re.search(r"/interviews/([0-9a-f-]{36})/scorecard", html).group(1)
    assert page.get(f"{base}/interviews/{interview_id}/scorecard").status_code == 200
    for path in ("/jobs/new", f"/applications/{application['id']}"):
        assert page.get(base + path).status_code == 403
    assert "Recruitment" in page.get(f"/t/{rec.slug}/").get_data(as_text=True)


def test_pages_isolated_and_module_off(rec, other, open_job, apply_to, signed_in):
    job = open_job(rec)
    application = apply_to(rec, job["id"])
    page = signed_in("hr@globex.test")
    base = f"/t/{other.slug}/recruitment"
    assert page.get(f"{base}/jobs/{job['id']}").status_code == 404
    assert page.get(f"{base}/applications/{application['id']}").status_code == 404
    assert page.get(f"/t/{rec.slug}/recruitment/").status_code == 404
    other.operator.delete(f"/api/v1/tenants/{other.slug}/modules/recruitment")
    assert page.get(base + "/").status_code == 404
    assert "/recruitment/" not in page.get(f"/t/{other.slug}/").get_data(as_text=True)


def test_dashboard_card(rec, open_job, signed_in):
    open_job(rec)
    html = signed_in("hr@acme.test").get(f"/t/{rec.slug}/").get_data(as_text=True)
    assert "1 open jobs" in html


def test_employee_without_interviews_gets_no_card_and_a_working_home(rec, open_job, signed_in):
    open_job(rec)
    r = signed_in("emp@acme.test").get(f"/t/{rec.slug}/")
    assert r.status_code == 200 and "upcoming interviews" not in r.get_data(as_text=True)


def test_settings_page_edits_pipeline(rec, open_job, apply_to, signed_in):
    apply_to(rec, open_job(rec)["id"])
    page = signed_in("hr@acme.test")
    url = f"/t/{rec.slug}/recruitment/settings"
    assert page.get(url).status_code == 200
    stages = rec.hr.get(rec.url("/recruitment/stages")).get_json()
    form = {"rows": str(len(stages) + 1), "reasons": "Too far\nWithdrew\n", "retention_days": "90"}
    for i, stage in enumerate(stages):
        form.update({f"id_{i}": stage["id"], f"name_{i}": stage["name"], f"kind_{i}": stage["kind"],
                     f"position_{i}": str(i * 10)})
    form.update({"name_1": "Call", "delete_2": "1", f"name_{len(stages)}": "Case study",
                 f"kind_{len(stages)}": "interview", f"position_{len(stages)}": "15"})
    assert page.post(url, form).status_code == 303
    names = [s["name"] for s in rec.hr.get(rec.url("/recruitment/stages")).get_json()]
    assert names == ["Applied", "Call", "Case study", "Offer", "Hired", "Rejected"]
    assert [r["label"] for r in rec.hr.get(rec.url("/recruitment/rejection-reasons")).get_json()] == ["Too far",
                                                                                                      "Withdrew"]
    assert rec.hr.get(rec.url("/recruitment/settings")).get_json()["retention_days"] == 90
    # Deleting the stage that holds the application is refused, nothing changes.
    form.update({"delete_0": "1"})
    r = page.post(url, form)
    assert r.status_code == 303 and "cannot be deleted" in page.get(url).get_data(as_text=True)
    assert len(rec.hr.get(rec.url("/recruitment/stages")).get_json()) == 6


def test_default_stages_and_reasons_show_in_the_page_language_and_stay_defaults(rec, operator, open_job, apply_to,
                                                                                 signed_in):
    job = open_job(rec)
    apply_to(rec, job["id"])
    assert operator.patch(f"/api/v1/tenants/{rec.slug}", json={"locale": "nb"}).status_code == 200
    page = signed_in("hr@acme.test")
    board = page.get(f"/t/{rec.slug}/recruitment/jobs/{job['id']}").get_data(as_text=True)
    assert "Telefonintervju" in board and "Phone screen" not in board
    url = f"/t/{rec.slug}/recruitment/settings"
    settings = page.get(url).get_data(as_text=True)
    assert 'value="Telefonintervju"' in settings and "For lite erfaring" in settings
    assert '<option value="interview" selected>Intervju</option>' in settings  # kinds in words, too
    # Saving the page unchanged keeps the stored defaults English (as the API has them) ...
    stages = rec.hr.get(rec.url("/recruitment/stages")).get_json()
    reasons = [r["label"] for r in rec.hr.get(rec.url("/recruitment/rejection-reasons")).get_json()]
    form = {"rows": str(len(stages) + 1), "retention_days": "90",
            "reasons": "For lite erfaring\nFor langt unna\n"}
    for i, stage in enumerate(stages):
        form.update({f"id_{i}": stage["id"], f"name_{i}": {"Phone screen": "Telefonintervju"}.get(stage["name"],
                                                                                                   stage["name"]),
                     f"kind_{i}": stage["kind"], f"position_{i}": str(i)})
    form["name_3"] = "Tilbud og lønn"  # ... and a name a person typed is kept as typed
    assert page.post(url, form).status_code == 303
    after = [s["name"] for s in rec.hr.get(rec.url("/recruitment/stages")).get_json()]
    assert after == ["Applied", "Phone screen", "Interview", "Tilbud og lønn", "Hired", "Rejected"]
    assert [r["label"] for r in rec.hr.get(rec.url("/recruitment/rejection-reasons")).get_json()] == [
        "Not enough experience", "For langt unna"]
    assert "Not enough experience" in reasons
    board = page.get(f"/t/{rec.slug}/recruitment/jobs/{job['id']}").get_data(as_text=True)
    assert "Tilbud og lønn" in board and "Søkt" in board


def test_move_never_defaults_to_a_step_back(rec, open_job, apply_to, signed_in, stage_of):
    job = open_job(rec)
    application = apply_to(rec, job["id"])
    offer = stage_of(rec, "offer")
    assert rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/move"),
                       json={"stage_id": offer["id"]}).status_code == 200
    page = signed_in("hr@acme.test")
    for path in (f"/jobs/{job['id']}", f"/applications/{application['id']}"):
        html = page.get(f"/t/{rec.slug}/recruitment{path}").get_data(as_text=True)
        select = re.search(r'<select id="(?:move-[^"]+|m-stage)" name="stage_id" required>(.*?)</select>', html, re.S)
        assert select and re.findall(r"<option[^>]*selected[^>]*>([^<]*)", select.group(1)) == ["Choose…"], path
