"""Every benefits route, walked with another tenant's tokens and ids."""
import io
from datetime import date

from benefits_helpers import Benefits


def _records(ben: Benefits) -> dict:
    """One of each benefits record in a tenant, keyed by the URL argument naming it."""
    medical = ben.plan(min_hours=30)
    window = ben.window([medical["id"]])
    spouse = ben.dependent("spouse")
    enrolment = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee_spouse",
                                          "dependent_ids": [spouse["id"]]}]).get_json()
    event = ben.kit.employee.post(ben.url("/life-events"), data={
        "kind": "marriage", "event_date": str(date.today()), "evidence": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "m.pdf")},
        content_type="multipart/form-data").get_json()
    ben.kit.hr.patch(ben.kit.url(f"/employees/{ben.kit.employee_id}"), json={"hours_per_week": 10})
    change = ben.kit.hr.get(ben.url("/eligibility-changes")).get_json()["items"][0]
    return {"plan_id": medical["id"], "window_id": window["id"], "enrollment_id": enrolment["id"],
            "event_id": event["id"], "change_id": change["id"], "employee_id": ben.kit.employee_id}


def test_benefits_routes_keep_tenants_apart(ben, ben_b, isolation):
    ids_a, ids_b = _records(ben), _records(ben_b)
    checked = isolation(ben.kit, ben_b.kit, ids_b=ids_b, ids_a=ids_a)
    benefit_routes = {url.split("?")[0] for _, url, _ in checked if "/benefits/" in url}
    assert any(u.endswith("/archive") for u in benefit_routes) and any("eligibility" in u for u in benefit_routes)
    # B's records are untouched by everything A tried.
    assert ben_b.kit.hr.get(ben_b.url(f"/plans/{ids_b['plan_id']}")).get_json()["status"] == "active"
    assert ben_b.kit.hr.get(ben_b.url(f"/windows/{ids_b['window_id']}")).get_json()["status"] == "open"
    assert ben_b.kit.hr.get(ben_b.url("/eligibility-changes?reviewed=false")).get_json()["total"] == 1
