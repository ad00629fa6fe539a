"""Settings → Webhooks: plain forms over the webhook services (CSRF, no JavaScript)."""
import re

import pytest
import sqlalchemy as sa
from page_browser import signed_in

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.webhooks.models import WebhookDelivery, WebhookEndpoint


@pytest.fixture
def private_ok(app):
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
    yield
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = False


def test_hr_adds_tests_and_redelivers_a_webhook(browser, tenant_a, private_ok):
    page = signed_in(browser, "hr@tenant-a.test")
    assert 'href="/t/tenant-a/settings/webhooks"' in page.get("/t/tenant-a/settings").get_data(as_text=True)
    html = page.get("/t/tenant-a/settings/webhooks").get_data(as_text=True)
    assert "employee.created" in html and "No webhooks yet." in html
    r = page.post("/t/tenant-a/settings/webhooks", {"url": "ftp://x", "events": ["employee.created"]})
    assert r.status_code == 422 and "https://" in r.get_data(as_text=True)
    r = page.post("/t/tenant-a/settings/webhooks", {"url": "http://127.0.0.1:9/h", "events": ["nope"]})
    assert r.status_code == 422 and "Unknown event type" in r.get_data(as_text=True)
    r = page.post("/t/tenant-a/settings/webhooks", {"url": "http://127.0.0.1:9/h", "events": ["employee.created"],
                                                    "description": "Payroll"})
    assert r.status_code == 201
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", r.get_data(as_text=True)).group(0)
    with tenancy.all_tenants():
        endpoint = db.session.scalars(sa.select(WebhookEndpoint)).one()
        assert endpoint.secret == secret and endpoint.description == "Payroll"
    url = f"/t/tenant-a/settings/webhooks/{endpoint.id}"
    assert secret not in page.get("/t/tenant-a/settings/webhooks").get_data(as_text=True)  # shown once
    assert secret not in page.get(url).get_data(as_text=True)
    assert page.post(url + "/test", {}, csrf=False).status_code == 400  # CSRF
    r = page.post(url + "/test", {})
    assert r.status_code == 303
    html = page.get(url).get_data(as_text=True)
    assert "webhook.test" in html and "A test event is on its way" in html
    with tenancy.all_tenants():
        delivery = db.session.scalars(sa.select(WebhookDelivery)).one()
    assert page.post(f"{url}/deliveries/{delivery.id}/redeliver", {}).status_code == 303
    r = page.post(url + "/rotate-secret", {})
    new = re.search(r"whsec_[A-Za-z0-9+/=]+", r.get_data(as_text=True)).group(0)
    assert r.status_code == 200 and new != secret
    r = page.post(url, {"url": "http://127.0.0.1:9/h2", "events": ["*"], "description": ""})
    assert r.status_code == 303
    with tenancy.all_tenants():
        endpoint = db.session.get(WebhookEndpoint, (endpoint.tenant_id, endpoint.id), populate_existing=True)
        assert (endpoint.url, endpoint.events, endpoint.active) == ("http://127.0.0.1:9/h2", ["*"], False)
    assert "This webhook is off" in page.get(url).get_data(as_text=True)
    r = page.post(url + "/test", {})
    assert r.status_code == 303 and "That did not work" in page.get(url).get_data(as_text=True)
    assert page.post(url + "/delete", {}).status_code == 303
    assert page.get(url).status_code == 404


def test_employees_and_other_tenants_cannot_see_webhooks(browser, tenant_a, tenant_b):
    assert signed_in(browser, "emp@tenant-a.test").get("/t/tenant-a/settings/webhooks").status_code == 403
    assert signed_in(browser, "hr@tenant-b.test").get("/t/tenant-a/settings/webhooks").status_code == 404
