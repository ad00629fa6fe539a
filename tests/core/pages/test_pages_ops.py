import uuid
from datetime import date

import sqlalchemy as sa
from page_browser import act_as, signed_in

from hrbpo.core import tenancy
from hrbpo.core.audit import AuditEvent
from hrbpo.core.db import db
from hrbpo.core.plugins import PluginMeta, hookimpl
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.plugins.types import WorkItem


def events(tenant_id, action):
    with tenancy.tenant_context(uuid.UUID(tenant_id)):
        return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.seq)).all()


def test_console_is_for_operators_only(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    for url in ("/ops/", "/ops/queue", "/ops/users", "/ops/tenants/new", "/ops/tenants/tenant-a"):
        assert page.get(url).status_code == 403, url
    assert page.post("/ops/tenants/tenant-a/modules/recruitment", {"enabled": "1"}).status_code == 403
    assert page.post("/ops/act-as", {"tenant": "tenant-a", "reason": "x"}).status_code == 403
    assert browser().get("/ops/").status_code == 302


def test_tenant_list_with_counts_modules_and_search(ops_browser, make_tenant, count_queries):
    make_tenant("alpha")
    html = ops_browser.get("/ops/").get_data(as_text=True)
    assert "alpha" in html and '<td class="num">1</td>' in html
    with count_queries() as few:
        ops_browser.get("/ops/")
    make_tenant("beta")
    make_tenant("gamma")
    with count_queries() as many:
        html = ops_browser.get("/ops/?q=gam").get_data(as_text=True)
    assert "gamma" in html and "beta" not in html
    assert many.count == few.count


def test_create_tenant_and_switch_modules(ops_browser):
    r = ops_browser.post("/ops/tenants/new", {"slug": "Bad Slug", "name": "X", "timezone": "UTC", "locale": "en",
                                              "currency": "USD"})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.get_data(as_text=True)
    r = ops_browser.post("/ops/tenants/new", {"slug": "acme", "name": "Acme", "timezone": "Europe/Oslo",
                                              "locale": "nb", "currency": "NOK"})
    assert r.status_code == 303 and r.headers["Location"] == "/ops/tenants/acme"
    r = ops_browser.post("/ops/tenants/new", {"slug": "acme", "name": "Again", "timezone": "UTC", "locale": "en",
                                              "currency": "USD"})
    assert r.status_code == 422 and "already exists" in r.get_data(as_text=True)
    name, meta = next((n, m) for n, m in plugins().modules.items() if not m.depends_on)
    assert ops_browser.post(f"/ops/tenants/acme/modules/{name}", {"enabled": "1"}).status_code == 303
    html = ops_browser.get("/ops/").get_data(as_text=True)
    assert f"<td>{meta.title}</td>" in html  # the module's title, not its code
    assert ops_browser.post(f"/ops/tenants/acme/modules/{name}", {"enabled": "0", "confirmed": "1"}).status_code == 303
    assert f"<td>{meta.title}</td>" not in ops_browser.get("/ops/").get_data(as_text=True)
    assert ops_browser.post("/ops/tenants/acme/modules/nope", {"enabled": "1"}).status_code == 404
    assert ops_browser.post(f"/ops/tenants/nope/modules/{name}", {"enabled": "1"}).status_code == 404


def test_switching_a_module_off_asks_first(ops_browser, tenant_a):
    name = next(n for n, m in plugins().modules.items() if not m.depends_on)
    title = plugins().modules[name].title
    assert ops_browser.post(f"/ops/tenants/tenant-a/modules/{name}", {"enabled": "1"}).status_code == 303
    html = ops_browser.get("/ops/tenants/tenant-a").get_data(as_text=True)
    assert f'method="get" action="/ops/tenants/tenant-a/modules/{name}/off"' in html
    confirm = ops_browser.get(f"/ops/tenants/tenant-a/modules/{name}/off")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and f"Switch {title} off for <bdi>Tenant-A</bdi>?" in text
    assert "for the 1 active employee of" in text and 'name="confirmed" value="1"' in text
    # A form sent without the confirmation (an old page, a script) gets the question, not the switch.
    unconfirmed = ops_browser.post(f"/ops/tenants/tenant-a/modules/{name}", {"enabled": "0"})
    assert unconfirmed.status_code == 409 and f"Yes, switch {title} off" in unconfirmed.get_data(as_text=True)
    assert {"name": name, "enabled": True} in tenant_a.operator.get(tenant_a.url("/modules")).get_json()
    r = ops_browser.post(f"/ops/tenants/tenant-a/modules/{name}", {"enabled": "0", "confirmed": "1"})
    assert r.status_code == 303
    assert {"name": name, "enabled": False} in tenant_a.operator.get(tenant_a.url("/modules")).get_json()
    assert ops_browser.get("/ops/tenants/tenant-a/modules/nope/off").status_code == 404


def test_entering_a_tenant_asks_for_a_reason_first(ops_browser, tenant_a):
    r = ops_browser.get("/t/tenant-a/employees/")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/ops/act-as?tenant=tenant-a&next=")
    r = ops_browser.post("/ops/act-as", {"tenant": "tenant-a", "reason": "   ", "next": "/t/tenant-a/"})
    assert r.status_code == 422
    assert ops_browser.get("/t/tenant-a/").status_code == 302
    assert events(tenant_a.id, "operator.act_as.start") == []


def test_acting_shows_a_banner_and_audits_both_names(ops_browser, tenant_a):
    r = act_as(ops_browser, "tenant-a", "Ticket 42: fix a name")
    assert r.status_code == 303 and r.headers["Location"] == "/t/tenant-a/"
    html = ops_browser.get("/t/tenant-a/").get_data(as_text=True)
    assert 'class="acting-banner"' in html and "Ticket 42: fix a name" in html and "Stop acting" in html
    r = ops_browser.post(f"/t/tenant-a/employees/{tenant_a.employee_id}/edit", {
        "first_name": "Erinn", "last_name": "Tenant-A", "email": "emp@tenant-a.test", "hire_date": "2024-01-15"})
    assert r.status_code == 303
    start, = events(tenant_a.id, "operator.act_as.start")
    update, = events(tenant_a.id, "employee.update")
    for event in (start, update):
        assert event.actor_email == ops_browser.email
        assert event.acting_as == "hr_admin@tenant-a" and event.reason == "Ticket 42: fix a name"
    audit_page = ops_browser.get("/t/tenant-a/audit?action=employee.update").get_data(as_text=True)
    assert ops_browser.email in audit_page and "acting as <bdi>hr_admin@tenant-a</bdi>" in audit_page
    assert "You are acting as HR admin of tenant-a" in ops_browser.get("/ops/").get_data(as_text=True)
    assert ops_browser.post("/ops/act-as/stop").status_code == 303
    stop, = events(tenant_a.id, "operator.act_as.stop")
    assert stop.actor_email == ops_browser.email and stop.reason == "Ticket 42: fix a name"
    assert ops_browser.get("/t/tenant-a/").status_code == 302  # a reason again next time
    assert "acting-banner" not in ops_browser.get("/ops/").get_data(as_text=True)


def test_acting_in_one_tenant_does_not_open_another(ops_browser, tenant_a, tenant_b):
    act_as(ops_browser, "tenant-a")
    assert ops_browser.get("/t/tenant-b/").status_code == 302
    act_as(ops_browser, "tenant-b", "Ticket 43")
    assert events(tenant_a.id, "operator.act_as.stop")  # switching ends the first
    assert ops_browser.get("/t/tenant-b/").status_code == 200
    assert ops_browser.get("/t/tenant-a/").status_code == 302


def test_api_reason_header_records_acting(operator, tenant_a):
    r = operator.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={"job_title": "Welder"},
                       headers={"X-Hrbpo-Reason": "Ticket 7"})
    assert r.status_code == 200
    event, = events(tenant_a.id, "employee.update")
    assert event.acting_as == "hr_admin@tenant-a" and event.reason == "Ticket 7"
    assert event.actor_email == operator.user["email"]


def test_hr_admins_do_not_act(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    r = page.get("/t/tenant-a/", headers={"X-Hrbpo-Reason": "sneaky"})
    assert r.status_code == 200 and "acting-banner" not in r.get_data(as_text=True)


class QueuePlugin:
    meta = PluginMeta(name="queuetest", title="Queue test", version="1.0")

    @hookimpl
    def plugin_meta(self):
        return self.meta

    @hookimpl
    def work_queue(self, tenant):
        return [WorkItem(tenant.slug, "checklist", f"Overdue item of {tenant.slug}", f"/t/{tenant.slug}/",
                         date(2020, 1, 1))]


def test_work_queue_collects_items_from_tenants_with_the_module_on(ops_browser, tenant_a, tenant_b):
    plugins().register(QueuePlugin())
    try:
        assert ops_browser.post("/ops/tenants/tenant-a/modules/queuetest", {"enabled": "1"}).status_code == 303
        html = ops_browser.get("/ops/queue").get_data(as_text=True)
    finally:
        plugins().unregister("queuetest")
    assert "Overdue item of tenant-a" in html and "Overdue item of tenant-b" not in html
    assert 'class="overdue"' in html


def test_operator_users_page(ops_browser, tenant_a):
    r = ops_browser.post("/ops/users", {"email": "second@bpo.test", "password": "short"})
    assert r.status_code == 422
    assert ops_browser.post("/ops/users", {"email": "second@bpo.test", "password": "long-enough-1"}).status_code == 303
    assert "second@bpo.test" in ops_browser.get("/ops/users").get_data(as_text=True)
    r = ops_browser.post("/ops/users/membership", {"tenant": "tenant-a", "email": "second@bpo.test",
                                                   "role": "hr_admin"})
    assert r.status_code == 303
    html = ops_browser.get("/ops/users?q=second").get_data(as_text=True)
    assert "tenant-a</a>: HR admin" in html
    html = ops_browser.get("/ops/users?q=emp@tenant-a").get_data(as_text=True)
    assert "tenant-a</a>: Employee" in html
    assert ops_browser.post("/ops/users/membership", {"tenant": "nope", "email": "x@y.test",
                                                      "role": "employee"}).status_code == 404


def test_console_speaks_the_operators_language(ops_browser, tenant_a):
    from hrbpo.core.auth.models import User

    if "recruitment" not in plugins().modules:
        import pytest

        pytest.skip("needs the recruitment module")
    user = db.session.scalars(sa.select(User).where(User.email == ops_browser.email)).one()
    user.locale = "nb"
    db.session.commit()
    html = ops_browser.get("/ops/tenants/tenant-a").get_data(as_text=True)
    assert "<b>Rekruttering</b>" in html and "Stillinger, rekrutteringsløp" in html  # title and description
    assert "<dd>English</dd>" in html  # the tenant's language by name, not "en"
    assert ops_browser.post("/ops/tenants/tenant-a/modules/recruitment", {"enabled": "1"}).status_code == 303
    assert "Rekruttering" in ops_browser.get("/ops/?q=tenant-a").get_data(as_text=True)
