"""The one tenant gate (hrbpo/core/tenants/gate.py): members through the API
and the portal, the public through careers and feeds; a tenant one may not
see answers like one that does not exist."""
import pytest
import sqlalchemy as sa
from flask import g
from werkzeug.exceptions import NotFound, Unauthorized

from hrbpo.core import tenancy
from hrbpo.core.auth.context import leave_tenant
from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.core.tenants.gate import enter_member_tenant, enter_public_tenant


@pytest.fixture
def on_and_off(make_tenant):
    return make_tenant("gate-on", modules=("recruitment",)), make_tenant("gate-off")


@pytest.mark.parametrize("slug", ["gate-off", "no-such-tenant", "", None, "gate-on\x00", "\ud800", "GATE-ON", "gate-on/../x"])
def test_public_gate_refuses_unknown_and_switched_off_tenants_alike(app, on_and_off, slug):
    with app.test_request_context():
        with pytest.raises(NotFound) as refused:
            enter_public_tenant(slug, "recruitment")
        assert refused.value.description == NotFound.description  # no word on whether the tenant exists
        assert g.get("tenant") is None and tenancy.current_tenant_id() is None


def test_public_gate_enters_the_tenant_for_the_request(app, on_and_off):
    with app.test_request_context():
        tenant = enter_public_tenant("gate-on", "recruitment")
        assert g.tenant is tenant and tenancy.current_tenant_id() == tenant.id
        leave_tenant()
        assert tenancy.current_tenant_id() is None


def test_member_gate_needs_a_caller_a_membership_and_the_module(app, on_and_off):
    with app.test_request_context():
        with pytest.raises(Unauthorized):
            enter_member_tenant("gate-on", "recruitment")
    hr_on = db.session.scalars(sa.select(User).where(User.email == "hr@gate-on.test")).one()
    with app.test_request_context():
        g.user, g.token = hr_on, None
        with pytest.raises(NotFound, match="No such tenant"):  # another tenant's member: as if it did not exist
            enter_member_tenant("gate-off")
        for slug in ("no-such-tenant", "gate-on\x00", "", "\ud800"):
            with pytest.raises(NotFound, match="No such tenant"):
                enter_member_tenant(slug)
    hr_off = db.session.scalars(sa.select(User).where(User.email == "hr@gate-off.test")).one()
    with app.test_request_context():
        g.user, g.token = hr_off, None
        with pytest.raises(NotFound, match="not enabled"):
            enter_member_tenant("gate-off", "recruitment")
        leave_tenant()
    with app.test_request_context():
        g.user, g.token = hr_on, None
        tenant = enter_member_tenant("gate-on", "recruitment")
        assert g.tenant is tenant and g.module == "recruitment" and g.access.role == "hr_admin"
        leave_tenant()


def test_module_gate_answers_404_through_api_and_portal(on_and_off):
    _on, off = on_and_off
    assert off.hr.get(off.url("/recruitment/jobs")).status_code == 404
    assert off.hr.get("/careers/gate-off/").status_code == 404
