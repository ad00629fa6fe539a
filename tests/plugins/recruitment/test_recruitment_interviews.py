"""Interviews, iCalendar invites and scorecards."""
from icalendar import Calendar

WHEN = "2030-03-02T10:00:00+01:00"


def _interview(kit, application_id, *user_ids):
    r = kit.hr.post(kit.url(f"/recruitment/applications/{application_id}/interviews"),
                    json={"scheduled_at": WHEN, "interviewer_ids": list(user_ids), "location": "Room 1"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_schedule_and_invite(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    interview = _interview(rec, application["id"], rec.employee.user["id"], rec.hr.user["id"])
    assert set(interview["interviewer_ids"]) == {rec.employee.user["id"], rec.hr.user["id"]}
    assert interview["scheduled_at"].startswith("2030-03-02T09:00:00")
    r = rec.hr.get(rec.url(f"/recruitment/interviews/{interview['id']}/invite.ics"))
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    event = Calendar.from_ical(r.data).walk("VEVENT")[0]
    assert str(event["uid"]) == f"interview-{interview['id']}@hrbpo"
    assert event.decoded("dtstart").isoformat().startswith("2030-03-02T09:00:00")
    attendees = {str(a) for a in event.get("attendee")}
    assert attendees == {"mailto:hr@acme.test", "mailto:emp@acme.test"}
    assert "Ada Lovelace" in str(event["summary"])
    detail = rec.hr.get(rec.url(f"/recruitment/applications/{application['id']}")).get_json()
    assert [i["id"] for i in detail["interviews"]] == [interview["id"]]


def test_interviewers_must_be_tenant_users(rec, other, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    url = rec.url(f"/recruitment/applications/{application['id']}/interviews")
    r = rec.hr.post(url, json={"scheduled_at": WHEN, "interviewer_ids": [other.hr.user["id"]]})
    assert r.status_code == 422 and "interviewer_ids" in r.get_json()["errors"]
    assert rec.hr.post(url, json={"scheduled_at": WHEN, "interviewer_ids": []}).status_code == 422
    assert rec.hr.post(url, json={"scheduled_at": "soon", "interviewer_ids": [rec.hr.user["id"]]}).status_code == 422
    body = {"scheduled_at": WHEN, "interviewer_ids": [rec.hr.user["id"]]}
    assert rec.employee.post(url, json=body).status_code == 403


def test_interviewer_scorecard_privacy(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    interview = _interview(rec, application["id"], rec.employee.user["id"], rec.hr.user["id"])
    cards = rec.url(f"/recruitment/interviews/{interview['id']}/scorecards")
    # The employee interviewer keeps a draft: only they see it, and may edit it.
    r = rec.employee.post(cards, json={"ratings": {"skills": 4}, "recommendation": "yes", "submit": False})
    assert r.status_code == 201 and r.get_json()["submitted"] is False
    assert rec.hr.get(cards).get_json() == []
    r = rec.employee.post(cards, json={"ratings": {"skills": 5, "communication": 3}, "recommendation": "strong_yes"})
    assert r.status_code == 200 and r.get_json()["submitted"] is True
    assert rec.employee.post(cards, json={"ratings": {"skills": 1}, "recommendation": "no"}).status_code == 409
    # HR writes their own; the employee still sees only their own card.
    assert rec.hr.post(cards, json={"ratings": {"skills": 3}, "recommendation": "no"}).status_code == 201
    mine = rec.employee.get(cards).get_json()
    assert len(mine) == 1 and mine[0]["ratings"] == {"skills": 5, "communication": 3}
    assert len(rec.hr.get(cards).get_json()) == 2
    # The employee sees the interview (and its invite) they sit on, nothing else.
    assert rec.employee.get(rec.url(f"/recruitment/interviews/{interview['id']}")).status_code == 200
    assert rec.employee.get(rec.url(f"/recruitment/interviews/{interview['id']}/invite.ics")).status_code == 200
    assert rec.employee.get(rec.url("/recruitment/interviews")).get_json()["total"] == 1


def test_scorecard_rules(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    interview = _interview(rec, application["id"], rec.hr.user["id"])
    cards = rec.url(f"/recruitment/interviews/{interview['id']}/scorecards")
    assert rec.hr.post(cards, json={"ratings": {"skills": 6}, "recommendation": "yes"}).status_code == 422
    assert rec.hr.post(cards, json={"ratings": {"skills": "4"}, "recommendation": "yes"}).status_code == 422
    assert rec.hr.post(cards, json={"ratings": {}, "recommendation": "yes"}).status_code == 422
    assert rec.hr.post(cards, json={"ratings": {"skills": 3}, "recommendation": "maybe"}).status_code == 422
    # Not on the panel: the employee cannot see the interview at all.
    assert rec.employee.post(cards, json={"ratings": {"skills": 3}, "recommendation": "yes"}).status_code == 404
    assert rec.employee.get(rec.url(f"/recruitment/interviews/{interview['id']}")).status_code == 404
    assert rec.employee.get(rec.url("/recruitment/interviews")).get_json()["total"] == 0


def test_hr_not_on_panel_may_not_score(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    interview = _interview(rec, application["id"], rec.employee.user["id"])
    r = rec.hr.post(rec.url(f"/recruitment/interviews/{interview['id']}/scorecards"),
                    json={"ratings": {"skills": 3}, "recommendation": "yes"})
    assert r.status_code == 403


def test_no_interviews_for_final_applications(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/reject"), json={"reason": "No"})
    r = rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/interviews"),
                    json={"scheduled_at": WHEN, "interviewer_ids": [rec.hr.user["id"]]})
    assert r.status_code == 409


def test_an_interview_in_the_past_is_refused(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    url = rec.url(f"/recruitment/applications/{application['id']}/interviews")
    r = rec.hr.post(url, json={"scheduled_at": "2020-01-06T10:00:00Z", "interviewer_ids": [rec.hr.user["id"]]})
    assert r.status_code == 422 and r.get_json()["errors"] == {"scheduled_at": ["Choose a time in the future."]}
    assert rec.hr.get(rec.url(f"/recruitment/applications/{application['id']}")).get_json()["interviews"] == []
