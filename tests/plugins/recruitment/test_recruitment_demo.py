"""The demo_data hook fills a tenant with jobs, applications and an interview."""
import uuid

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.plugins import emit
from hrbpo.core.tenants.models import Tenant


def test_demo_data(app, rec, client):
    tenant = db.session.get(Tenant, uuid.UUID(rec.id))
    with tenancy.tenant_context(tenant):
        emit(tenant, "demo_data")
        db.session.commit()
    jobs = rec.hr.get(rec.url("/recruitment/jobs")).get_json()
    assert jobs["total"] == 3 and {j["status"] for j in jobs["items"]} == {"open", "draft"}
    assert rec.hr.get(rec.url("/recruitment/applications")).get_json()["total"] >= 10
    assert rec.hr.get(rec.url("/recruitment/interviews")).get_json()["total"] >= 1
    assert len(client.get(f"/careers/{rec.slug}/jobs?format=json").get_json()["items"]) == 2
