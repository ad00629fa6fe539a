"""The recruitment API contract (API.md "Recruitment")."""
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.people.models import Employee


def test_default_stages_seeded_on_enable(rec):
    r = rec.hr.get(rec.url("/recruitment/stages"))
    assert r.status_code == 200
    stages = r.get_json()
    assert [s["kind"] for s in stages] == ["screen", "screen", "interview", "offer", "hired", "rejected"]
    assert set(stages[0]) >= {"id", "name", "kind"}


def test_replace_stages_keeps_ids_adds_and_reorders(rec):
    stages = rec.hr.get(rec.url("/recruitment/stages")).get_json()
    first, rest = stages[0], stages[1:]
    body = [{"id": first["id"], "name": "New", "kind": "screen"}, {"name": "Tech test", "kind": "interview"},
            *[s for s in rest if s["name"] != "Phone screen"]]
    r = rec.hr.put(rec.url("/recruitment/stages"), json=body)
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out[0] == {"id": first["id"], "name": "New", "kind": "screen"}
    assert out[1]["name"] == "Tech test" and out[1]["id"]
    assert "Phone screen" not in [s["name"] for s in rec.hr.get(rec.url("/recruitment/stages")).get_json()]


def test_replace_stages_validation(rec):
    stages = rec.hr.get(rec.url("/recruitment/stages")).get_json()
    r = rec.hr.put(rec.url("/recruitment/stages"), json=[{"name": "Hired", "kind": "hired"}])
    assert r.status_code == 422
    r = rec.hr.put(rec.url("/recruitment/stages"), json=[{"name": "X", "kind": "bogus"}])
    assert r.status_code == 422
    body = [dict(s) for s in stages]
    body[0]["id"] = "0190d9f0-0000-7000-8000-000000000000"
    assert rec.hr.put(rec.url("/recruitment/stages"), json=body).status_code == 422
    assert rec.hr.put(rec.url("/recruitment/stages"), json={"not": "a list"}).status_code == 422


def test_deleting_a_stage_in_use_conflicts(rec, open_job, apply_to):
    job = open_job(rec)
    apply_to(rec, job["id"])
    stages = rec.hr.get(rec.url("/recruitment/stages")).get_json()
    r = rec.hr.put(rec.url("/recruitment/stages"), json=stages[1:])
    assert r.status_code == 409
    assert len(rec.hr.get(rec.url("/recruitment/stages")).get_json()) == len(stages)


def test_job_lifecycle(rec):
    r = rec.hr.post(rec.url("/recruitment/jobs"), json={"title": "Engineer", "description": "Build",
                                                       "location": "Oslo", "employment_type": "full_time"})
    assert r.status_code == 201
    job = r.get_json()
    assert job["status"] == "draft" and job["location"] == "Oslo"
    url = rec.url(f"/recruitment/jobs/{job['id']}")
    assert rec.hr.post(url + "/hold").status_code == 409
    assert rec.hr.post(url + "/publish").get_json()["status"] == "open"
    assert rec.hr.post(url + "/publish").status_code == 409
    assert rec.hr.post(url + "/hold").get_json()["status"] == "on_hold"
    assert rec.hr.post(url + "/publish").get_json()["status"] == "open"
    assert rec.hr.post(url + "/close").get_json()["status"] == "closed"
    assert rec.hr.post(url + "/publish").status_code == 409
    assert rec.hr.get(url).get_json()["status"] == "closed"
    listing = rec.hr.get(rec.url("/recruitment/jobs")).get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == job["id"]
    assert rec.hr.get(rec.url("/recruitment/jobs?status=open")).get_json()["total"] == 0
    audit = rec.hr.get(rec.url("/audit")).get_json()["items"]
    actions = {a["action"] for a in audit}
    assert {"recruitment.job.create", "recruitment.job.publish", "recruitment.job.close"} <= actions


def test_job_validation_and_edit(rec):
    assert rec.hr.post(rec.url("/recruitment/jobs"), json={"title": "X"}).status_code == 422
    r = rec.hr.post(rec.url("/recruitment/jobs"), json={"title": "X", "description": "Y", "salary_min": "10",
                                                       "salary_max": "5", "currency": "USD"})
    assert r.status_code == 422 and "salary_max" in r.get_json()["errors"]
    r = rec.hr.post(rec.url("/recruitment/jobs"), json={"title": "X", "description": "Y", "hiring_manager_id":
                                                       "0190d9f0-0000-7000-8000-000000000000"})
    assert r.status_code == 422
    r = rec.hr.post(rec.url("/recruitment/jobs"), json={"title": "X", "description": "Y", "salary_min": "10.5",
                                                       "salary_max": "20", "hiring_manager_id": rec.employee_id})
    assert r.status_code == 201 and r.get_json()["salary_min"] == "10.50" and r.get_json()["currency"] == "USD"
    r = rec.hr.patch(rec.url(f"/recruitment/jobs/{r.get_json()['id']}"), json={"title": "Better"})
    assert r.status_code == 200 and r.get_json()["title"] == "Better"


def test_application_enters_first_stage_with_history(rec, open_job, apply_to):
    job = open_job(rec)
    application = apply_to(rec, job["id"])
    first = rec.hr.get(rec.url("/recruitment/stages")).get_json()[0]
    assert application["stage_id"] == first["id"] and application["status"] == "active"
    assert application["candidate"]["email"] == "ada@example.com"
    detail = rec.hr.get(rec.url(f"/recruitment/applications/{application['id']}")).get_json()
    assert len(detail["history"]) == 1 and detail["history"][0]["to_stage_id"] == first["id"]
    assert detail["history"][0]["by"] == "hr@acme.test"


def test_consent_required(rec, open_job):
    job = open_job(rec)
    body = {"job_id": job["id"], "candidate": {"first_name": "A", "last_name": "B", "email": "a@b.test"}}
    assert rec.hr.post(rec.url("/recruitment/applications"), json=body).status_code == 422
    r = rec.hr.post(rec.url("/recruitment/applications"), json={**body, "consent": False})
    assert r.status_code == 422 and "consent" in r.get_json()["errors"]


def test_one_candidate_per_email_and_no_double_application(rec, open_job, apply_to):
    job1, job2 = open_job(rec, "One"), open_job(rec, "Two")
    a1 = apply_to(rec, job1["id"], email="Ada@Example.com")
    a2 = apply_to(rec, job2["id"], email="ada@example.com")
    assert a1["candidate_id"] == a2["candidate_id"]
    body = {"job_id": job1["id"], "candidate": {"first_name": "A", "last_name": "L", "email": "ada@example.com"},
            "consent": True}
    assert rec.hr.post(rec.url("/recruitment/applications"), json=body).status_code == 409


def test_unknown_or_closed_job(rec, open_job):
    body = {"job_id": "0190d9f0-0000-7000-8000-000000000000", "consent": True,
            "candidate": {"first_name": "A", "last_name": "B", "email": "a@b.test"}}
    assert rec.hr.post(rec.url("/recruitment/applications"), json=body).status_code == 404
    job = open_job(rec)
    rec.hr.post(rec.url(f"/recruitment/jobs/{job['id']}/close"))
    assert rec.hr.post(rec.url("/recruitment/applications"), json={**body, "job_id": job["id"]}).status_code == 409


def test_move_keeps_history_and_final_stages_are_final(rec, open_job, apply_to, stage_of):
    application = apply_to(rec, open_job(rec)["id"])
    url = rec.url(f"/recruitment/applications/{application['id']}")
    interview = stage_of(rec, "interview")
    r = rec.hr.post(url + "/move", json={"stage_id": interview["id"], "note": "Strong CV"})
    assert r.status_code == 200, r.get_json()
    history = r.get_json()["history"]
    assert history[-1]["from_stage"] == "Applied" and history[-1]["to_stage"] == "Interview"
    assert history[-1]["note"] == "Strong CV" and history[-1]["at"] and history[-1]["by_id"]
    assert history[-1]["to"] == interview["id"] and history[-1]["from"] == application["stage_id"]
    assert rec.hr.post(url + "/move", json={"stage_id": "0190d9f0-0000-7000-8000-000000000000"}).status_code == 422
    r = rec.hr.post(url + "/reject", json={"reason": "Position filled"})
    assert r.status_code == 200 and r.get_json()["status"] == "rejected"
    assert r.get_json()["rejection_reason"] == "Position filled"
    assert rec.hr.post(url + "/move", json={"stage_id": interview["id"]}).status_code == 409
    assert rec.hr.post(url + "/reject", json={"reason": "Again"}).status_code == 409
    assert rec.hr.post(url + "/hire", json={"hire_date": "2026-01-05"}).status_code == 409
    assert len(rec.hr.get(url).get_json()["history"]) == 3


def test_hire_creates_employee_and_fires_event(app, rec, open_job, apply_to, monkeypatch):
    fired = []
    from hrbpo.core.plugins import manager

    real_emit = manager.emit

    def spy(tenant, event, **kw):
        fired.append((event, kw.get("source")))
        return real_emit(tenant, event, **kw)

    monkeypatch.setattr("hrbpo.core.people.services.emit", spy)
    application = apply_to(rec, open_job(rec, "Analyst", department="Finance")["id"])
    url = rec.url(f"/recruitment/applications/{application['id']}")
    r = rec.hr.post(url + "/hire", json={"hire_date": "2026-01-05"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "hired" and r.get_json()["employee_id"]
    assert ("employee_hired", "recruitment") in fired
    employee = rec.hr.get(rec.url(f"/employees/{r.get_json()['employee_id']}")).get_json()
    assert employee["email"] == "ada@example.com" and employee["hire_date"] == "2026-01-05"
    assert employee["job_title"] == "Analyst" and employee["department"] == "Finance"
    assert rec.hr.post(url + "/move", json={"stage_id": application["stage_id"]}).status_code == 409


def test_move_into_hired_stage_hires(rec, open_job, apply_to, stage_of):
    application = apply_to(rec, open_job(rec)["id"])
    r = rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/move"),
                    json={"stage_id": stage_of(rec, "hired")["id"]})
    assert r.status_code == 200 and r.get_json()["employee_id"]
    with tenancy.tenant_context(__import__("uuid").UUID(rec.id)):
        assert db.session.scalars(sa.select(Employee).where(Employee.email == "ada@example.com")).one()


def test_hire_conflicts_with_existing_employee(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"], email="emp@acme.test")
    url = rec.url(f"/recruitment/applications/{application['id']}/hire")
    assert rec.hr.post(url, json={"hire_date": "0001-01-01"}).status_code == 422
    assert rec.hr.post(url, json={}).status_code == 422
    r = rec.hr.post(rec.url(f"/recruitment/applications/{application['id']}/hire"), json={"hire_date": "2026-01-05"})
    assert r.status_code == 409
    detail = rec.hr.get(rec.url(f"/recruitment/applications/{application['id']}")).get_json()
    assert detail["status"] == "active"


def test_list_applications_filters(rec, open_job, apply_to, stage_of):
    job1, job2 = open_job(rec, "One"), open_job(rec, "Two")
    a = apply_to(rec, job1["id"], email="a@x.test")
    apply_to(rec, job1["id"], email="b@x.test")
    apply_to(rec, job2["id"], email="c@x.test")
    interview = stage_of(rec, "interview")["id"]
    rec.hr.post(rec.url(f"/recruitment/applications/{a['id']}/move"), json={"stage_id": interview})
    body = rec.hr.get(rec.url(f"/recruitment/applications?job_id={job1['id']}")).get_json()
    assert body["total"] == 2 and set(body) == {"items", "total", "page", "per_page"}
    body = rec.hr.get(rec.url(f"/recruitment/applications?job_id={job1['id']}&stage_id={interview}")).get_json()
    assert [i["id"] for i in body["items"]] == [a["id"]]
    assert rec.hr.get(rec.url("/recruitment/applications?per_page=1&page=2")).get_json()["items"][0]["id"]
    assert rec.hr.get(rec.url("/recruitment/applications?job_id=nope")).status_code == 422


def _bulk(rec, job_id, n):
    """Insert n applications directly (fast) in the tenant."""
    import uuid

    from hrbpo.plugins.recruitment import services
    from hrbpo.plugins.recruitment.models import Job

    with tenancy.tenant_context(uuid.UUID(rec.id)):
        job = db.session.get(Job, (uuid.UUID(rec.id), uuid.UUID(job_id)))
        for i in range(n):
            services.apply(job, {"first_name": "C", "last_name": str(i), "email": f"c{i}@bulk.test"}, True)
        db.session.commit()


def test_application_list_statement_count_is_constant(rec, open_job, count_queries):
    small, big = open_job(rec, "Small"), open_job(rec, "Big")
    _bulk(rec, small["id"], 5)
    _bulk(rec, big["id"], 50)
    counts = []
    for job in (small, big):
        with count_queries() as q:
            r = rec.hr.get(rec.url(f"/recruitment/applications?job_id={job['id']}&per_page=100"))
        assert r.status_code == 200
        counts.append((q.count, r.get_json()["total"]))
    assert counts[0][1] == 5 and counts[1][1] == 50
    assert counts[0][0] == counts[1][0]


def test_employees_may_not_manage(rec, open_job, apply_to):
    job = open_job(rec)
    application = apply_to(rec, job["id"])
    e = rec.employee
    assert e.get(rec.url("/recruitment/stages")).status_code == 403
    assert e.put(rec.url("/recruitment/stages"), json=[]).status_code == 403
    assert e.post(rec.url("/recruitment/jobs"), json={"title": "X", "description": "Y"}).status_code == 403
    assert e.get(rec.url("/recruitment/jobs")).status_code == 403
    assert e.get(rec.url(f"/recruitment/jobs/{job['id']}")).status_code == 403
    assert e.post(rec.url(f"/recruitment/jobs/{job['id']}/close")).status_code == 403
    assert e.get(rec.url("/recruitment/applications")).status_code == 403
    assert e.get(rec.url(f"/recruitment/applications/{application['id']}")).status_code == 403
    assert e.post(rec.url(f"/recruitment/applications/{application['id']}/hire"),
                  json={"hire_date": "2026-01-01"}).status_code == 403
    assert e.get(rec.url(f"/recruitment/candidates/{application['candidate_id']}/export")).status_code == 403


def test_operator_may_manage(rec, open_job):
    assert rec.operator.get(rec.url("/recruitment/stages")).status_code == 200


def test_offers(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    url = rec.url(f"/recruitment/applications/{application['id']}/offers")
    assert rec.hr.post(url, json={"salary": "-1"}).status_code == 422
    r = rec.hr.post(url, json={"salary": "55000", "start_date": "2026-02-01", "terms": "Standard"})
    assert r.status_code == 201 and r.get_json()["status"] == "draft" and r.get_json()["currency"] == "USD"
    offer = r.get_json()
    o = rec.url(f"/recruitment/offers/{offer['id']}")
    assert rec.hr.post(o + "/accept").status_code == 409
    assert rec.hr.post(o + "/send").get_json()["status"] == "sent"
    assert rec.hr.post(o + "/accept").get_json()["status"] == "accepted"
    assert rec.hr.post(o + "/decline").status_code == 409
    detail = rec.hr.get(rec.url(f"/recruitment/applications/{application['id']}")).get_json()
    assert detail["offers"][0]["salary"] == "55000.00"


def test_rejection_reasons_and_settings(rec):
    reasons = rec.hr.get(rec.url("/recruitment/rejection-reasons")).get_json()
    assert len(reasons) >= 3
    r = rec.hr.put(rec.url("/recruitment/rejection-reasons"), json=[{"label": "Too far"}, {"label": "Withdrew"}])
    assert [x["label"] for x in r.get_json()] == ["Too far", "Withdrew"]
    assert rec.hr.get(rec.url("/recruitment/settings")).get_json()["retention_days"] == 180
    r = rec.hr.put(rec.url("/recruitment/settings"), json={"retention_days": 30})
    assert r.status_code == 200 and r.get_json()["retention_days"] == 30
    assert rec.hr.put(rec.url("/recruitment/settings"), json={"retention_days": 0}).status_code == 422


def test_moving_to_the_rejected_stage_needs_a_reason(rec, open_job, apply_to, stage_of):
    application = apply_to(rec, open_job(rec)["id"])
    url = rec.url(f"/recruitment/applications/{application['id']}/move")
    rejected = stage_of(rec, "rejected")
    for body in ({"stage_id": rejected["id"]}, {"stage_id": rejected["id"], "note": None}):
        r = rec.hr.post(url, json=body)
        assert r.status_code == 422 and list(r.get_json()["errors"]) == ["note"], r.get_json()
    r = rec.hr.post(url, json={"stage_id": rejected["id"], "note": "Position filled"})
    assert r.status_code == 200 and r.get_json()["rejection_reason"] == "Position filled"
