"""Concurrent item transitions: each locks its checklist and re-reads its
items, so a double completion records one event and the last two items
resolved at once still complete the checklist."""
from compliance_helpers import assign, make_template

from hrbpo.testing_concurrency import at_once

TWO = {"name": "Two steps", "items": [{"title": "First", "due_days": 1}, {"title": "Second", "due_days": 1}]}


def _post(live_server, client, url, body):
    return lambda: live_server.request("POST", url, token=client.token, json=body)


def test_concurrent_double_complete_records_one_attestation_and_event(live_server, acme):
    checklist = assign(acme, make_template(acme)["id"])[0]
    url = acme.url(f"/compliance/checklists/{checklist['id']}/items/{checklist['items'][0]['id']}/complete")
    complete = _post(live_server, acme.employee, url, {"attestation": True})
    assert sorted(r.status for r in at_once(complete, complete, complete)) == [200, 409, 409]
    item = acme.hr.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()["items"][0]
    assert item["status"] == "done" and len(item["attestations"]) == 1
    assert acme.hr.get(acme.url("/audit?action=compliance.item.complete")).get_json()["total"] == 1


def test_the_last_two_items_resolved_at_once_complete_the_checklist(live_server, acme):
    for n in range(3):
        checklist = assign(acme, make_template(acme, {**TWO, "name": f"Two steps {n}"})["id"])[0]
        base = acme.url(f"/compliance/checklists/{checklist['id']}/items")
        first, second = (i["id"] for i in checklist["items"])
        done, waived = at_once(_post(live_server, acme.employee, f"{base}/{first}/complete", {}),
                               _post(live_server, acme.hr, f"{base}/{second}/waive", {"reason": "Not needed"}))
        assert (done.status, waived.status) == (200, 200)
        detail = acme.hr.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()
        assert detail["completed_at"] is not None and detail["progress"] == 100
