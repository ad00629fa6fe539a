"""Retention purge, candidate export, resume upload."""
import io
import uuid
from datetime import timedelta

import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.plugins.recruitment.models import Application, Candidate


def _age(kit, days):
    """Make every application and candidate of the tenant `days` old."""
    then = utcnow() - timedelta(days=days)
    with tenancy.tenant_context(uuid.UUID(kit.id)):
        db.session.execute(sa.update(Application).values(created_at=then))
        db.session.execute(sa.update(Candidate).values(created_at=then))
        db.session.commit()


def test_purge_anonymises_old_unhired_candidates(app, rec, other, open_job, apply_to):
    job = open_job(rec)
    stale = apply_to(rec, job["id"], email="old@x.test")
    hired = apply_to(rec, job["id"], email="hired@x.test")
    rec.hr.post(rec.url(f"/recruitment/applications/{hired['id']}/hire"), json={"hire_date": "2026-01-05"})
    other_app = apply_to(other, open_job(other)["id"], email="old@x.test")
    _age(rec, 400)
    _age(other, 400)
    rec.hr.put(rec.url("/recruitment/settings"), json={"retention_days": 365})
    fresh = apply_to(rec, job["id"], email="new@x.test")
    other.operator.delete(f"/api/v1/tenants/{other.slug}/modules/recruitment")  # off: left alone
    result = app.test_cli_runner().invoke(args=["hrbpo", "recruitment", "purge"])
    assert result.exit_code == 0, result.output
    assert "acme: 1 candidate(s) anonymised" in result.output and "globex" not in result.output
    stale_c = rec.hr.get(rec.url(f"/recruitment/candidates/{stale['candidate_id']}")).get_json()
    assert stale_c["email"].startswith("anonymised-") and stale_c["anonymised_at"] and stale_c["phone"] is None
    assert rec.hr.get(rec.url(f"/recruitment/candidates/{hired['candidate_id']}")).get_json()["email"] == "hired@x.test"
    assert rec.hr.get(rec.url(f"/recruitment/candidates/{fresh['candidate_id']}")).get_json()["email"] == "new@x.test"
    other.operator.put(f"/api/v1/tenants/{other.slug}/modules/recruitment")
    kept = other.hr.get(other.url(f"/recruitment/candidates/{other_app['candidate_id']}")).get_json()
    assert kept["email"] == "old@x.test"
    detail = rec.hr.get(rec.url(f"/recruitment/applications/{stale['id']}")).get_json()
    assert all(h["note"] is None for h in detail["history"])


def test_purge_periodic_task(app, rec, open_job, apply_to):
    from hrbpo.core.jobs import run_periodic

    apply_to(rec, open_job(rec)["id"], email="old@x.test")
    _age(rec, 1000)
    assert any("acme recruitment.purge: 1" in line for line in run_periodic("recruitment.purge"))


def test_export(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    r = rec.hr.get(rec.url(f"/recruitment/candidates/{application['candidate_id']}/export"))
    assert r.status_code == 200
    body = r.get_json()
    assert body["candidate"]["email"] == "ada@example.com" and body["candidate"]["consent_at"]
    assert body["applications"][0]["history"][0]["to"] == "Applied"


def test_resume_upload(rec, open_job, apply_to):
    application = apply_to(rec, open_job(rec)["id"])
    url = rec.url(f"/recruitment/candidates/{application['candidate_id']}/resume")
    assert rec.hr.get(url).status_code == 404
    r = rec.hr.post(url, data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\nxx"), "cv.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 415
    r = rec.hr.post(url, data={"file": (io.BytesIO(b"%PDF-1.7 hello"), "cv.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json()["resume_file_id"]
    assert rec.hr.get(url).data == b"%PDF-1.7 hello"
