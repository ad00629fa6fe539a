"""Concurrent transitions in benefits: each locks its row (and a submission
the window and employee it depends on), so exactly one decision wins."""
import io
from datetime import date

from hrbpo.testing_concurrency import at_once

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(live_server, token, url, body):
    return lambda: live_server.request("POST", url, token=token, json=body)


def test_concurrent_approve_and_reject_of_a_life_event_decide_once(live_server, ben):
    ben.plan()
    r = ben.kit.employee.post(ben.url("/life-events"), data={
        "kind": "birth", "event_date": str(date.today()), "evidence": (io.BytesIO(PDF), "birth.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    base, token = ben.url(f"/life-events/{r.get_json()['id']}"), ben.kit.hr.token
    approve, reject, again = at_once(_post(live_server, token, base + "/approve", {}),
                                     _post(live_server, token, base + "/reject", {}),
                                     _post(live_server, token, base + "/approve", {}))
    assert sorted((approve.status, reject.status, again.status)) == [200, 409, 409]
    approved = 200 in (approve.status, again.status)
    assert ben.kit.hr.get(ben.url("/windows?kind=life_event")).get_json()["total"] == int(approved)
    decided = [ben.kit.hr.get(ben.kit.url(f"/audit?action=benefits.life_event.{a}")).get_json()["total"]
               for a in ("approved", "rejected")]
    assert decided == ([1, 0] if approved else [0, 1])


def test_a_submission_racing_the_windows_close_is_counted_or_refused(live_server, ben):
    medical = ben.plan()
    election = [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}]
    for _ in range(3):
        window = ben.window([medical["id"]])
        close = _post(live_server, ben.kit.hr.token, ben.url(f"/windows/{window['id']}/close"), None)
        submit = _post(live_server, ben.kit.employee.token, ben.url("/enrollments"),
                       {"window_id": window["id"], "employee_id": ben.kit.employee_id, "elections": election})
        closed, submitted = at_once(close, submit)
        assert closed.status == 200 and submitted.status in (201, 409)
        listed = ben.kit.hr.get(ben.url(f"/enrollments?window_id={window['id']}&status=submitted")).get_json()
        events = ben.kit.hr.get(ben.kit.url("/audit?action=benefits.window.close")).get_json()["items"]
        [closing] = [e for e in events if e["target_id"] == window["id"]]
        # The close saw exactly what was submitted before it: nothing lands in a closed window.
        assert closing["changes"]["enrolled"] == listed["total"] == (1 if submitted.status == 201 else 0)
