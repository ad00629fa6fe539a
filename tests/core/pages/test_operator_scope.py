"""Operator scoping as a matrix (shared/api/accounts.md): every operator
route, API and console and portal, enumerated from the URL map (a new route is
covered, or fails here), × a tenant in the scoped operator's groups and one
outside them, for the scoped operator and a bpo_admin; and employees and HR
admins kept out of the operator routes."""
import uuid

import pytest
import sqlalchemy as sa
from page_browser import act_as, enable_2fa

from hrbpo.core import tenancy
from hrbpo.core.accounts.resets import KIND as RESET_JOB
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.jobs.services import submit
from hrbpo.core.db import db
from hrbpo.core.mail.models import OutboxMessage
from hrbpo.core.tenants.models import Tenant
from hrbpo.testing import PASSWORD, ApiClient

REASON = {"X-Hrbpo-Reason": "Ticket 7: scope check"}
# Routes a member of a tenant reaches without being an operator (their own data, or no login at all).
SHARED = {"auth_api.me", "auth_api.create_token", "auth_api.revoke_token", "api-docs.openapi_json",
          "accounts_api.preview_invitation", "accounts_api.accept_invitation", "accounts_api.request_password_reset",
          "accounts_api.reset_password", "jobs_api.list_jobs", "jobs_api.get_job", "jobs_api.job_file",
          "jobs_api.retry_job"}
# Calls that would end the caller's own session part-way through the walk.
SELF_ENDING = {"auth_api.revoke_token", "ops.stop_acting"}


def _url(app, rule, method, values):
    """The rule's own path (not another rule of its endpoint), its arguments from `values` or made up."""
    args = {}
    for arg, converter in rule._converters.items():
        fallback = uuid.uuid4() if "uuid" in type(converter).__name__.lower() else "x"
        args[arg] = values.get(arg) or (sorted(converter.items)[0] if hasattr(converter, "items") else fallback)
    return rule.build(args, append_unknown=False)[1]


def _rules(app, prefix):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(prefix) and not rule.endpoint.endswith("static"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


class World:
    """Two tenants with a case, mail and a job each; a group holding the first;
    a scoped operator in it (token and console session) and a bpo_admin."""

    def __init__(self, app, client, operator, make_tenant, browser, mailbox):
        self.inside = make_tenant("alpha-in", modules=["servicedesk"])
        self.outside = make_tenant("zulu-out", modules=["servicedesk"])
        self.cases = {kit.slug: _open_case(kit) for kit in (self.inside, self.outside)}
        for kit in (self.inside, self.outside):
            assert kit.hr.post(kit.url("/invitations"), json={"email": f"new@{kit.slug}.test",
                                                              "role": "employee"}).status_code == 201
        tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == "zulu-out")).one()
        submit(RESET_JOB, {"email": "nobody@nowhere.test", "base": "http://x"}, tenant=tenant)
        db.session.commit()
        mailbox.worker.run()
        self.group = operator.post("/api/v1/operator-groups", json={"name": "Region A",
                                                                    "tenant_slugs": ["alpha-in"]}).get_json()
        r = operator.post("/api/v1/operators", json={"email": "pat@bpo.test", "role": "operator",
                                                     "group_ids": [self.group["id"]]})
        assert r.status_code == 201, r.get_json()
        token = mailbox[-1].get_content().split("/invite/")[1].split()[0]
        r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": PASSWORD})
        assert r.status_code == 201, r.get_json()
        self.pat = ApiClient(client, r.get_json()["token"], r.get_json()["user"])
        self.admin = operator
        self.pat_page = _console(browser, "pat@bpo.test")
        self.admin_page = _console(browser, operator.user["email"])
        with tenancy.all_tenants():
            outside = {model.__name__: db.session.scalars(sa.select(model.id).where(
                model.tenant_id == uuid.UUID(self.outside.id))).first() for model in (OutboxMessage, BackgroundJob)}
        self.outside_ids = {
            "message_id": outside["OutboxMessage"], "job_id": outside["BackgroundJob"],
            "case_id": self.cases["zulu-out"]["id"], "employee_id": self.outside.employee_id}
        assert all(self.outside_ids.values()), self.outside_ids
        self.markers = ["zulu-out", "Zulu-Out", self.outside.id, self.outside.employee_id, "hr@zulu-out.test",
                        self.cases["zulu-out"]["id"], *(str(v) for v in self.outside_ids.values())]

    def leaks(self, body: bytes) -> list[str]:
        return [m for m in self.markers if str(m).encode() in body]


def _open_case(kit) -> dict:
    category = kit.hr.post(kit.url("/servicedesk/categories"), json={
        "name": "Payslip", "first_response_hours": 2, "resolution_hours": 8}).get_json()
    r = kit.employee.post(kit.url("/servicedesk/cases"), json={
        "subject": "Payslip missing overtime", "description": "No overtime.", "category_id": category["id"]})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _console(browser, email):
    page = browser()
    secret = enable_2fa(email)
    r = page.login(email, code_secret=secret)
    assert r.status_code == 303 and r.headers["Location"].endswith("/ops/"), r.headers.get("Location")
    return page


@pytest.fixture
def world(app, client, operator, make_tenant, browser, mailbox):
    return World(app, client, operator, make_tenant, browser, mailbox)


def test_api_matrix(app, world):
    failures = []
    for rule, method in _rules(app, "/api/v1/"):
        if rule.endpoint in SELF_ENDING:
            continue
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        if "slug" in rule.arguments:
            url_out = _url(app, rule, method, {"slug": "zulu-out"})
            for headers in ({}, REASON):
                r = world.pat.request(method, url_out, headers=headers, **body)
                if r.status_code != 404:
                    failures.append(f"scoped {method} {url_out} {headers}: {r.status_code}")
            if method == "GET":
                url_in = _url(app, rule, method, {"slug": "alpha-in"})
                admin_in = world.admin.get(url_in).status_code
                if world.pat.get(url_in).status_code != admin_in:
                    failures.append(f"scoped GET {url_in} differs from bpo_admin's {admin_in}")
                if world.admin.get(url_out).status_code != admin_in:
                    failures.append(f"bpo_admin GET {url_out} differs from the in-group tenant's {admin_in}")
            continue
        url = _url(app, rule, method, world.outside_ids)
        r = world.pat.request(method, url, **body)
        if method != "GET" and 200 <= r.status_code < 300:
            failures.append(f"scoped {method} {url} with the other client's ids: {r.status_code}")
        if world.leaks(r.get_data()):
            failures.append(f"scoped {method} {url} shows {world.leaks(r.get_data())}")
    assert not failures, "operator scope broken:\n" + "\n".join(failures)


def test_lists_hold_only_the_groups_tenants(world):
    pat, admin = world.pat, world.admin
    assert [t["slug"] for t in pat.get("/api/v1/tenants").get_json()["items"]] == ["alpha-in"]
    assert pat.get("/api/v1/tenants").get_json()["total"] == 1
    assert admin.get("/api/v1/tenants").get_json()["total"] == 2
    queue = pat.get("/api/v1/servicedesk/queue").get_json()
    assert [c["tenant"] for c in queue["items"]] == ["alpha-in"] and queue["total"] == 1
    assert admin.get("/api/v1/servicedesk/queue").get_json()["total"] == 2
    mail = pat.get("/api/v1/mail?per_page=200").get_json()["items"]
    assert mail and {m["tenant"] for m in mail} == {"alpha-in"}
    assert "zulu-out" in {m["tenant"] for m in admin.get("/api/v1/mail?per_page=200").get_json()["items"]}
    assert pat.get("/api/v1/jobs?tenant=zulu-out").status_code == 404
    assert pat.get(f"/api/v1/jobs/{world.outside_ids['job_id']}").status_code == 404
    assert admin.get(f"/api/v1/jobs/{world.outside_ids['job_id']}").status_code == 200
    assert pat.post(f"/api/v1/mail/{world.outside_ids['message_id']}/retry").status_code == 404
    assert pat.get("/api/v1/tenants/alpha-in/employees").status_code == 200
    assert pat.get("/api/v1/tenants?q=zulu").get_json()["total"] == 0


def test_console_matrix(app, world):
    failures = []
    for rule, method in _rules(app, "/ops/"):
        if rule.endpoint in SELF_ENDING:
            continue
        send = world.pat_page.get if method == "GET" else world.pat_page.post
        if "slug" in rule.arguments:
            url_out = _url(app, rule, method, {"slug": "zulu-out", "name": "servicedesk"})
            r = send(url_out)
            if r.status_code != 404:
                failures.append(f"scoped {method} {url_out}: {r.status_code}")
            if method == "GET":
                url_in = _url(app, rule, method, {"slug": "alpha-in", "name": "servicedesk"})
                admin_in = world.admin_page.get(url_in).status_code
                if world.pat_page.get(url_in).status_code != admin_in or world.admin_page.get(url_out).status_code != admin_in:
                    failures.append(f"GET {url_in} / {url_out}: scoped and bpo_admin differ")
            continue
        url = _url(app, rule, method, world.outside_ids)
        r = send(url) if method == "GET" else send(url, {"tenant": "zulu-out", "reason": "x", "next": "/ops/"})
        if world.leaks(r.get_data()):
            failures.append(f"scoped {method} {url} shows {world.leaks(r.get_data())}")
        if method == "POST" and r.status_code not in (403, 404):
            failures.append(f"scoped POST {url} with the other client's ids or slug: {r.status_code}")
    for method in ("GET", "POST"):
        send = world.pat_page.get if method == "GET" else world.pat_page.post
        r = send("/ops/act-as?tenant=zulu-out") if method == "GET" else send("/ops/act-as", {"tenant": "zulu-out",
                                                                                           "reason": "Ticket 9"})
        if r.status_code != 404:
            failures.append(f"scoped {method} act-as in zulu-out: {r.status_code}")
    for url in ("/ops/mail?tenant=zulu-out", "/ops/jobs?tenant=zulu-out", "/ops/?q=zulu"):
        # The filter's own value is echoed in its search box: anything else of the client is a leak.
        if set(world.leaks(world.pat_page.get(url).get_data())) - {"zulu-out"}:
            failures.append(f"scoped GET {url} shows the other client")
    assert not failures, "operator scope broken in the console:\n" + "\n".join(failures)
    index = world.pat_page.get("/ops/").get_data(as_text=True)
    assert "alpha-in" in index and "zulu-out" in world.admin_page.get("/ops/").get_data(as_text=True)
    assert "Payslip missing overtime" in world.pat_page.get("/ops/servicedesk/").get_data(as_text=True)
    for url in ("/ops/users", "/ops/groups", "/ops/tenants/new", f"/ops/operators/{world.pat.user['id']}",
                f"/ops/groups/{world.group['id']}"):
        assert world.pat_page.get(url).status_code == 403, url
        assert world.admin_page.get(url).status_code == 200, url


def test_portal_matrix(app, world):
    failures = []
    for rule, method in _rules(app, "/t/<slug>/"):
        url_out = _url(app, rule, method, {"slug": "zulu-out"})
        r = world.pat_page.get(url_out) if method == "GET" else world.pat_page.post(url_out)
        if r.status_code != 404:
            failures.append(f"scoped {method} {url_out}: {r.status_code}")
    assert not failures, "operator scope broken in the portal:\n" + "\n".join(failures)
    assert "/ops/act-as" in world.pat_page.get("/t/alpha-in/").headers["Location"]  # asked for a reason first
    assert act_as(world.pat_page, "alpha-in").status_code == 303
    assert world.pat_page.get("/t/alpha-in/").status_code == 200
    assert world.pat_page.get("/t/zulu-out/").status_code == 404


def test_employees_and_hr_admins_cannot_reach_operator_routes(app, world, browser):
    failures = []
    kit = world.inside
    for who, api in (("hr", kit.hr), ("employee", kit.employee)):
        for rule, method in _rules(app, "/api/v1/"):
            if "slug" in rule.arguments or rule.endpoint in SHARED:
                continue
            r = api.request(method, _url(app, rule, method, {}), json={} if method != "GET" else None)
            if r.status_code not in (401, 403, 404, 405):
                failures.append(f"{who} {method} {rule.rule}: {r.status_code}")
    for who, email in (("hr", "hr@alpha-in.test"), ("employee", "emp@alpha-in.test")):
        page = browser()
        assert page.login(email).status_code == 303
        for rule, method in _rules(app, "/ops/"):
            url = _url(app, rule, method, {"slug": "alpha-in", "name": "servicedesk"})
            r = page.get(url) if method == "GET" else page.post(url)
            if r.status_code != 403:
                failures.append(f"{who} {method} {url}: {r.status_code}")
    assert not failures, "operator routes reachable by tenant users:\n" + "\n".join(failures)


def test_taking_a_tenant_out_applies_from_the_next_request(world):
    pat, page = world.pat, world.pat_page
    assert pat.get("/api/v1/tenants/alpha-in/employees").status_code == 200
    assert page.get("/ops/tenants/alpha-in").status_code == 200
    r = world.admin.patch(f"/api/v1/operator-groups/{world.group['id']}", json={"tenant_slugs": ["zulu-out"]})
    assert r.status_code == 200
    assert pat.get("/api/v1/tenants/alpha-in/employees").status_code == 404
    assert page.get("/ops/tenants/alpha-in").status_code == 404 and page.get("/t/alpha-in/").status_code == 404
    assert pat.get("/api/v1/tenants/zulu-out/employees").status_code == 200
    assert world.admin.patch(f"/api/v1/operators/{pat.user['id']}", json={"group_ids": []}).status_code == 200
    assert pat.get("/api/v1/tenants").get_json()["total"] == 0
    assert page.get("/ops/tenants/zulu-out").status_code == 404
    assert world.admin.delete(f"/api/v1/operator-groups/{world.group['id']}").status_code == 204
    log = world.admin.get("/api/v1/audit?action=operator_group.update").get_json()["items"]
    assert log[0]["changes"]["tenant_slugs"] == [["alpha-in"], ["zulu-out"]]


def test_platform_mail_and_jobs_of_other_clients_stay_hidden(client, world, mailbox):
    """A password reset's mail and job carry no tenant, yet name a client's
    person: a scoped operator sees neither; a bpo_admin's platform job neither;
    their own platform job they do."""
    assert client.post("/api/v1/auth/password-reset", json={"email": "hr@zulu-out.test"}).status_code == 202
    mailbox.worker.run()
    with tenancy.all_tenants():
        reset_mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "hr@zulu-out.test")
                                        .order_by(OutboxMessage.created_at.desc())).first()
        assert reset_mail is not None and reset_mail.tenant_id is None
        mine = submit(RESET_JOB, {"email": "x@y.test", "base": "http://x"}, created_by=uuid.UUID(world.pat.user["id"]))
        theirs = submit(RESET_JOB, {"email": "x@y.test", "base": "http://x"},
                        created_by=uuid.UUID(world.admin.user["id"]))
        mine_id, theirs_id = mine.id, theirs.id
        db.session.commit()
    listed = world.pat.get("/api/v1/mail?per_page=200").get_json()["items"]
    assert str(reset_mail.id) not in {m["id"] for m in listed}
    assert world.pat.post(f"/api/v1/mail/{reset_mail.id}/retry").status_code == 404
    assert b"hr@zulu-out.test" not in world.pat_page.get("/ops/mail").data
    assert str(reset_mail.id) in {m["id"] for m in world.admin.get("/api/v1/mail?per_page=200").get_json()["items"]}
    assert world.pat.get(f"/api/v1/jobs/{mine_id}").status_code == 200
    assert world.pat.get(f"/api/v1/jobs/{theirs_id}").status_code == 404
    assert world.admin.get(f"/api/v1/jobs/{theirs_id}").status_code == 200
