"""Concurrent transitions of one application or offer: each locks its row and
re-checks after the lock, so exactly one effect wins and history agrees."""
from hrbpo.testing_concurrency import at_once


def _consistent(rec, application_id):
    """The application's stage is where its history ends, and the history is one unbroken chain."""
    detail = rec.hr.get(rec.url(f"/recruitment/applications/{application_id}")).get_json()
    history = detail["history"]
    assert history[-1]["to"] == detail["stage_id"]
    assert [h["from"] for h in history[1:]] == [h["to"] for h in history[:-1]]
    return detail


def _post(live_server, rec, path, body):
    return lambda: live_server.request("POST", rec.url(path), token=rec.hr.token, json=body)


def test_concurrent_reject_and_move_leave_one_consistent_outcome(live_server, rec, open_job, apply_to, stage_of):
    job, interview = open_job(rec), stage_of(rec, "interview")
    for n in range(4):
        application = apply_to(rec, job["id"], email=f"race{n}@example.com")
        base = f"/recruitment/applications/{application['id']}"
        reject, move = at_once(_post(live_server, rec, base + "/reject", {"reason": "Position filled"}),
                               _post(live_server, rec, base + "/move", {"stage_id": interview["id"]}))
        detail = _consistent(rec, application["id"])
        assert reject.status == 200 and detail["status"] == "rejected"
        if move.status == 200:  # the move came first: Applied → Interview → Rejected
            assert [h["to_stage"] for h in detail["history"]] == ["Applied", "Interview", "Rejected"]
        else:  # the reject came first; the move found it final
            assert move.status == 409 and len(detail["history"]) == 2


def test_concurrent_double_hire_creates_one_employee(live_server, rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    hire = _post(live_server, rec, f"/recruitment/applications/{application['id']}/hire", {"hire_date": "2026-01-05"})
    assert sorted(r.status for r in at_once(hire, hire, hire)) == [200, 409, 409]
    assert len(_consistent(rec, application["id"])["history"]) == 2
    assert rec.hr.get(rec.url("/employees?q=ada@example.com")).get_json()["total"] == 1


def test_concurrent_accept_and_decline_of_an_offer_decide_once(live_server, rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    r = rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/offers"),
                    json={"salary": "5000.00", "currency": "EUR"})
    assert r.status_code == 201, r.get_json()
    offer = r.get_json()
    assert rec.hr.post(rec.url(f"/recruitment/offers/{offer['id']}/send")).status_code == 200
    base = f"/recruitment/offers/{offer['id']}"
    accept, decline = at_once(_post(live_server, rec, base + "/accept", None),
                              _post(live_server, rec, base + "/decline", None))
    assert sorted((accept.status, decline.status)) == [200, 409]
    won = "accept" if accept.status == 200 else "decline"
    status = rec.hr.get(rec.url(f"/recruitment/applications/{application['id']}")).get_json()["offers"][0]["status"]
    assert status == {"accept": "accepted", "decline": "declined"}[won]
    decisions = [rec.hr.get(rec.url(f"/audit?action=recruitment.offer.{a}")).get_json()["total"]
                 for a in ("accept", "decline")]
    assert decisions == ([1, 0] if won == "accept" else [0, 1])


def test_an_application_racing_the_jobs_close_lands_before_it_or_is_refused(live_server, rec, open_job):
    for n in range(3):
        job = open_job(rec, title=f"Engineer {n}")
        close = _post(live_server, rec, f"/recruitment/jobs/{job['id']}/close", None)
        apply = _post(live_server, rec, "/recruitment/applications", {
            "job_id": job["id"], "consent": True,
            "candidate": {"first_name": "Ada", "last_name": "Lovelace", "email": f"late{n}@example.com"}})
        closed, applied = at_once(close, apply)
        assert closed.status == 200 and applied.status in (201, 409)
        if applied.status == 201:  # the close saw it: it comes first in the tenant's audit chain
            events = rec.hr.get(rec.url("/audit?per_page=200")).get_json()["items"]
            seq = {(e["action"], e["target_id"]): e["seq"] for e in events}
            assert (seq[("recruitment.application.create", applied.json["id"])]
                    < seq[("recruitment.job.close", job["id"])])


def test_an_interview_racing_the_reject_lands_before_it_or_is_refused(live_server, rec, open_job, apply_to):
    job = open_job(rec)
    for n in range(3):
        application = apply_to(rec, job["id"], email=f"panel{n}@example.com")
        base = f"/recruitment/applications/{application['id']}"
        rejected, scheduled = at_once(
            _post(live_server, rec, base + "/reject", {"reason": "Position filled"}),
            _post(live_server, rec, base + "/interviews",
                  {"scheduled_at": "2030-03-04T09:00:00+00:00", "interviewer_ids": [rec.hr.user["id"]]}))
        assert rejected.status == 200 and scheduled.status in (201, 409)
        if scheduled.status == 201:  # the reject waited for it: it comes first in the audit chain
            events = rec.hr.get(rec.url("/audit?per_page=200")).get_json()["items"]
            seq = {(e["action"], e["target_id"]): e["seq"] for e in events}
            assert (seq[("recruitment.interview.schedule", scheduled.json["id"])]
                    < seq[("recruitment.application.reject", application["id"])])
