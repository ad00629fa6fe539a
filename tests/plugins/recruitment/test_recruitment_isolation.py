"""Another tenant's ids answer 404, lists never include them, module off → 404."""
import pytest

MISSING = "0190d9f0-0000-7000-8000-000000000000"


@pytest.fixture
def world(rec, other, open_job, apply_to):
    """Tenant `rec` with a job, an application and an interview."""
    job = open_job(rec)
    application = apply_to(rec, job["id"])
    interview = rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/interviews"),
                            json={"scheduled_at": "2030-03-02T10:00:00Z", "interviewer_ids": [rec.hr.user["id"]]})
    offer = rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/offers"), json={"salary": "1"})
    return {"job": job, "application": application, "interview": interview.get_json(), "offer": offer.get_json()}


def test_other_tenants_ids_are_404(world, rec, other, open_job, stage_of):
    job, app_, interview = world["job"]["id"], world["application"]["id"], world["interview"]["id"]
    candidate, offer = world["application"]["candidate_id"], world["offer"]["id"]
    b = other.hr
    for method, path, body in [
        ("get", f"/jobs/{job}", None), ("patch", f"/jobs/{job}", {"title": "X"}),
        ("post", f"/jobs/{job}/close", None), ("get", f"/jobs/{job}/funnel", None),
        ("get", f"/applications/{app_}", None),
        ("post", f"/applications/{app_}/move", {"stage_id": stage_of(other, "interview")["id"]}),
        ("post", f"/applications/{app_}/reject", {"reason": "x"}),
        ("post", f"/applications/{app_}/hire", {"hire_date": "2026-01-01"}),
        ("post", f"/applications/{app_}/interviews", {"scheduled_at": "2030-03-02T10:00:00Z",
                                                      "interviewer_ids": [other.hr.user["id"]]}),
        ("post", f"/applications/{app_}/offers", {"salary": "1"}),
        ("post", f"/offers/{offer}/send", None),
        ("get", f"/interviews/{interview}", None), ("get", f"/interviews/{interview}/invite.ics", None),
        ("get", f"/interviews/{interview}/scorecards", None),
        ("post", f"/interviews/{interview}/scorecards", {"ratings": {"a": 1}, "recommendation": "no"}),
        ("get", f"/candidates/{candidate}", None), ("get", f"/candidates/{candidate}/export", None),
        ("get", f"/candidates/{candidate}/resume", None),
        ("get", f"/jobs/{MISSING}", None), ("get", f"/applications/{MISSING}", None),
    ]:
        kw = {"json": body} if body is not None else {}
        r = getattr(b, method)(other.url("/recruitment" + path), **kw)
        assert r.status_code == 404, (method, path, r.status_code)
    # Applying in tenant B to tenant A's job.
    r = b.post(other.url("/recruitment/applications"), json={
        "job_id": job, "consent": True, "candidate": {"first_name": "A", "last_name": "B", "email": "a@b.test"}})
    assert r.status_code == 404
    # Moving to another tenant's stage.
    own = open_job(other)
    mine = b.post(other.url("/recruitment/applications"), json={
        "job_id": own["id"], "consent": True, "candidate": {"first_name": "A", "last_name": "B", "email": "a@b.test"}})
    r = b.post(other.url(f"/recruitment/applications/{mine.get_json()['id']}/move"),
               json={"stage_id": stage_of(rec, "interview")["id"]})
    assert r.status_code == 422


def test_lists_exclude_other_tenants(world, rec, other):
    b = other.hr
    assert b.get(other.url("/recruitment/jobs")).get_json()["total"] == 0
    assert b.get(other.url("/recruitment/applications")).get_json()["total"] == 0
    assert b.get(other.url("/recruitment/interviews")).get_json()["total"] == 0
    ids_a = {s["id"] for s in rec.hr.get(rec.url("/recruitment/stages")).get_json()}
    ids_b = {s["id"] for s in b.get(other.url("/recruitment/stages")).get_json()}
    assert ids_a and ids_b and not ids_a & ids_b
    # And tenant B's token cannot address tenant A at all.
    assert b.get(rec.url("/recruitment/jobs")).status_code == 404


def test_module_off_is_404(world, rec, client):
    rec.operator.delete(f"/api/v1/tenants/{rec.slug}/modules/recruitment")
    for path in ("/stages", "/jobs", f"/jobs/{world['job']['id']}", "/applications", "/interviews"):
        assert rec.hr.get(rec.url("/recruitment" + path)).status_code == 404, path
    assert rec.hr.post(rec.url("/recruitment/jobs"), json={"title": "X", "description": "Y"}).status_code == 404
    assert client.get(f"/careers/{rec.slug}/jobs").status_code == 404
    # Switching it on again shows the data again (and does not reseed stages).
    rec.operator.put(f"/api/v1/tenants/{rec.slug}/modules/recruitment")
    assert rec.hr.get(rec.url("/recruitment/jobs")).get_json()["total"] == 1
    assert len(rec.hr.get(rec.url("/recruitment/stages")).get_json()) == 6


def test_tenant_without_module(tenant_a):
    assert tenant_a.hr.get(tenant_a.url("/recruitment/jobs")).status_code == 404


def test_every_route_isolated(world, rec, other, isolation):
    """Sweep every recruitment route: tenant B's callers never reach A's rows."""
    ids_a = {"job_id": world["job"]["id"], "application_id": world["application"]["id"],
             "interview_id": world["interview"]["id"], "candidate_id": world["application"]["candidate_id"],
             "offer_id": world["offer"]["id"]}
    isolation(other, rec, ids_b=ids_a, bodies={
        "recruitment_api.move_application": {"stage_id": world["application"]["stage_id"]},
        "recruitment_api.reject_application": {"reason": "x"},
        "recruitment_api.hire_application": {"hire_date": "2026-01-01"},
        "recruitment_api.save_scorecard": {"ratings": {"a": 1}, "recommendation": "no"},
        "recruitment_api.create_offer": {"salary": "1"},
    })
