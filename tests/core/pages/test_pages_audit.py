"""The audit log pages (portal and console) in words: who by name, what in
the reader's language, which record by name, each change as before → after,
filtered by actor, action prefix, date range and record; the API filters alike."""
import re
from datetime import date, timedelta

from page_browser import signed_in


def _rows(html) -> int:
    return len(re.findall(r"<tr><td>\d+</td>", html))


def _changes(kit):
    """HR renames the employee, then the employee (a login tied to the record) edits their phone."""
    r = kit.hr.patch(kit.url(f"/employees/{kit.employee_id}"), json={"last_name": "Ødegård", "hire_date": "2024-02-01"})
    assert r.status_code == 200
    r = kit.hr.post(kit.url("/employees"), json={"first_name": "Åse", "last_name": "Berg", "email": "ase@a.test",
                                                "hire_date": "2024-03-01"})
    assert r.status_code == 201
    return r.get_json()["id"]


def test_audit_page_says_who_what_which_record_and_the_change(browser, tenant_a):
    _changes(tenant_a)
    page = signed_in(browser, "hr@tenant-a.test")
    html = page.get("/t/tenant-a/audit").get_data(as_text=True).split("<tbody>")[1]
    assert "Changed an employee&#39;s record" in html and "Added an employee" in html
    assert "employee.update" not in html and "Employee</td>" not in html
    assert "<bdi>Erin Ødegård</bdi>" in html  # the record by name, not its id
    assert tenant_a.employee_id not in html.replace(f"target_id={tenant_a.employee_id}", "")
    assert "<b>Last name</b>:" in html and "<bdi>Tenant-A</bdi>" in html and "<bdi>Ødegård</bdi>" in html
    assert "<bdi>Jan 15, 2024</bdi> <span aria-label=\"changed to\">→</span> <bdi>Feb 1, 2024</bdi>" in html
    assert "<b>National ID</b>" in html and "(hidden)" in html  # created with a national id: never shown


def test_audit_page_speaks_the_reader_s_language(browser, tenant_a):
    _changes(tenant_a)
    assert tenant_a.operator.patch("/api/v1/tenants/tenant-a", json={"locale": "nb"}).status_code == 200
    page = signed_in(browser, "hr@tenant-a.test")
    html = page.get("/t/tenant-a/audit").get_data(as_text=True)
    assert 'lang="nb"' in html
    assert "<td>La til en ansatt</td>" in html and "<b>Etternavn</b>" in html and "1. feb. 2024" in html


def test_audit_filters_by_actor_action_prefix_dates_and_record(browser, tenant_a):
    new_id = _changes(tenant_a)
    page = signed_in(browser, "hr@tenant-a.test")

    def rows(**query):
        response = page.get("/t/tenant-a/audit", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return _rows(response.get_data(as_text=True))

    everything = rows()
    assert rows(actor="HR@tenant-a") == 2 and rows(actor="nobody@") == 0
    assert rows(action_prefix="employee.") >= 3 and rows(action_prefix="user.") >= 2
    assert rows(action_prefix="employee.update") == 1
    today = date.today()
    assert rows(since=str(today - timedelta(days=1)), until=str(today + timedelta(days=1))) == everything
    assert rows(since=str(today + timedelta(days=2))) == 0
    only = page.get("/t/tenant-a/audit", query_string={"target_type": "Employee", "target_id": new_id})
    html = only.get_data(as_text=True)
    assert _rows(html) == 1 and "Only the events of <bdi>Employee Åse Berg</bdi>" in html
    bad = page.get("/t/tenant-a/audit", query_string={"since": "2025-02-01", "until": "2025-01-01"})
    assert bad.status_code == 422 and 'id="f-until-error"' in bad.get_data(as_text=True)
    assert page.get("/t/tenant-a/audit", query_string={"since": "yesterday"}).status_code == 422


def test_audit_api_takes_the_same_filters(tenant_a):
    _changes(tenant_a)
    url = tenant_a.url("/audit")
    body = tenant_a.hr.get(url, query_string={"action_prefix": "employee.", "actor": "hr@"}).get_json()
    assert body["total"] == 2 and {e["action"] for e in body["items"]} == {"employee.update", "employee.create"}
    assert tenant_a.hr.get(url, query_string={"since": str(date.today() + timedelta(days=1))}).get_json()["total"] == 0
    bad = tenant_a.hr.get(url, query_string={"since": "2025-02-01", "until": "2025-01-01"})
    assert bad.status_code == 422 and "until" in str(bad.get_json()["errors"])
    spec = tenant_a.hr.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/v1/tenants/{slug}/audit"]["get"]["parameters"]}
    assert {"action_prefix", "actor", "since", "until", "target_type", "target_id"} <= names


def test_console_shows_a_tenant_s_audit_log_in_words(ops_browser, tenant_a):
    _changes(tenant_a)
    html = ops_browser.get("/ops/tenants/tenant-a").get_data(as_text=True)
    assert 'href="/ops/tenants/tenant-a/audit"' in html
    html = ops_browser.get("/ops/tenants/tenant-a/audit?action_prefix=employee.update").get_data(as_text=True)
    assert "<bdi>Erin Ødegård</bdi>" in html and "<b>Last name</b>" in html
    assert _rows(html) == 1
    assert "/ops/tenants/tenant-a/audit?" in html  # links and filters stay in the console
    assert ops_browser.get("/ops/tenants/nope/audit").status_code == 404

