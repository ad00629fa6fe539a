"""Bench S3 as a test: every JSON list and detail endpoint of the API, core's
and the modules', answers in at most 3 SQL statements (the caller with their
tenant, the rows with their total, one eager load), however many rows it shows.
Walked over the demo BPO, whose Northwind tenant has every module with data."""
import re

import pytest

from hrbpo.core import demo
from hrbpo.core.db import db
from hrbpo.testing import login, tenant_routes

BUDGET = 3
SLUG = "northwind-demo"
# Aggregates and a data-subject export, not lists or records (their
# statements are constant in rows: see the modules' own count_queries tests).
REPORTS = {"/benefits/windows/<uuid:window_id>/progress", "/recruitment/jobs/<uuid:job_id>/funnel",
           "/recruitment/candidates/<uuid:candidate_id>/export"}
# Where a URL argument's value comes from when the list above it is not its parent.
SOURCES = {"employee_id": ("/employees", "id"), "candidate_id": ("/recruitment/applications", "candidate_id")}
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


@pytest.fixture
def northwind(app, client):
    for _ in demo.load():
        pass
    db.session.commit()
    return login(client, f"hr@{SLUG}.test", demo.PASSWORD, tenant=SLUG)


def _first(hr, path, key):
    response = hr.get(f"/api/v1/tenants/{SLUG}{path}")
    items = response.get_json().get("items") if response.is_json else None
    return str(items[0][key]) if items else None


def _walk(app, hr):
    """(rule, url) for every GET under the tenant whose ids the demo can fill."""
    for rule, method in tenant_routes(app):
        if method != "GET":
            continue
        path = rule.rule.split("<slug>", 1)[1]
        url, filled = path, True
        for name in ARGUMENT.findall(path):
            parent, key = SOURCES.get(name, (path[:path.index("<")].rstrip("/"), "id"))
            value = _first(hr, parent, key)
            if value is None:
                filled = False
                break
            url = ARGUMENT.sub(value, url, count=1)
        if filled:
            yield path, f"/api/v1/tenants/{SLUG}{url}"


def _statements(count_queries, client, url):
    client.get(url)
    with count_queries() as q:
        response = client.get(url)
    return q.count, response


def test_lists_and_records_fit_the_budget(app, northwind, count_queries):
    over, checked = [], []
    for path, url in _walk(app, northwind):
        if path in REPORTS:
            continue
        count, response = _statements(count_queries, northwind, url)
        if response.status_code != 200 or not response.is_json:
            continue  # exports (CSV, PDF, iCalendar, X12) and switched-off modules
        checked.append(path)
        body = response.get_json()
        if count > BUDGET:
            over.append(f"{count} statements: GET {path}")
        if isinstance(body, dict) and "items" in body:
            few, _ = _statements(count_queries, northwind, url + "?per_page=1")
            if few != count:
                over.append(f"{few} statements for 1 row, {count} for a page: GET {path}")
    assert len(checked) >= 30, checked
    assert not over, "\n".join(over)


def test_platform_lists_fit_the_budget(operator, count_queries, northwind):
    for url in ("/api/v1/tenants", "/api/v1/me", "/api/v1/modules", f"/api/v1/tenants/{SLUG}",
                f"/api/v1/tenants/{SLUG}/modules"):
        count, response = _statements(count_queries, operator, url)
        assert response.status_code == 200 and count <= BUDGET, (url, count)
