"""Console times: the client's local time with its zone, and the operator's own."""
from datetime import datetime, timezone

import sqlalchemy as sa

from hrbpo.core.db import db
from hrbpo.core.tenants.models import Tenant


def test_tenant_times_show_the_client_zone_and_the_operator_s(ops_browser, make_tenant):
    make_tenant("oslo")
    tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == "oslo")).one()
    tenant.timezone, tenant.created_at = "Europe/Oslo", datetime(2026, 12, 7, 23, 9, tzinfo=timezone.utc)
    db.session.commit()
    html = ops_browser.get("/ops/tenants/oslo").get_data(as_text=True)
    # An operator without a zone of their own reads UTC next to the client's time.
    assert '<time datetime="2026-12-07T23:09:00+00:00"><bdi dir="ltr">12/8/26, 12:09\u202fAM +0100</bdi> ' \
           "<small>(Europe/Oslo)</small></time>" in html
    assert "Your time: <bdi dir=\"ltr\">12/7/26, 11:09\u202fPM UTC</bdi>" in html

    assert ops_browser.post("/account/timezone", {"timezone": "Nowhere/Atlantis"}).status_code == 422
    assert ops_browser.post("/account/timezone", {"timezone": "America/New_York"}).status_code == 303
    assert '<option selected value="America/New_York">' in ops_browser.get("/account").get_data(as_text=True)
    html = ops_browser.get("/ops/tenants/oslo").get_data(as_text=True)
    assert "Your time: <bdi dir=\"ltr\">12/7/26, 6:09\u202fPM EST</bdi>" in html
    audit = ops_browser.get("/ops/tenants/oslo/audit").get_data(as_text=True)
    assert "<small>(Europe/Oslo)</small></time><br><small class=\"yours\">Your time:" in audit
    # The same zone on both sides is written once.
    assert ops_browser.post("/account/timezone", {"timezone": "Europe/Oslo"}).status_code == 303
    assert "Your time:" not in ops_browser.get("/ops/tenants/oslo").get_data(as_text=True)



