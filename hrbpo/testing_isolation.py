"""Tenant isolation checks for the test kit: walk every API route under a
tenant with another tenant's slug and ids (fixture `isolation`)."""
import uuid

import pytest


TENANT_PREFIX = "/api/v1/tenants/<slug>/"


def tenant_routes(app, prefix=TENANT_PREFIX):
    """(rule, method) for every API route under a tenant, core's and plugins'."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(prefix):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _build(app, rule, method, slug, ids):
    values = {"slug": slug}
    for arg in rule.arguments - {"slug"}:
        values[arg] = ids.get(arg) or (uuid.uuid4() if "uuid" in _converter(rule, arg) else "x")
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def _converter(rule, arg) -> str:
    return type(rule._converters[arg]).__name__.lower()


def check_isolation(app, a, b, ids_b: dict, bodies: dict | None = None,
                    ids_a: dict | None = None):
    """Walk every route under /api/v1/tenants/<slug>/ as tenant A's HR admin and
    employee and assert that tenant B is invisible:

    1. A's tokens on B's slug (with B's ids) → 404 for every method;
    2. A's HR admin on A's slug with B's ids (`ids_b`: URL argument name → id
       of B's row, e.g. {"employee_id": …}) answers exactly as for ids that
       exist nowhere (a 4xx: 404, or 403/422 when the route refuses before it
       looks the id up), never 2xx;
    3. no GET of A's own lists and records (`ids_a`) shows any of B's ids.

    Arguments not in `ids_b` get a random UUID. Writes send
    `bodies.get(endpoint, {})` as JSON: pass a valid body for an endpoint that
    validates before it looks the id up, so pass 2 reaches the lookup.
    Returns the list of (method, url, status) it checked."""
    bodies, ids_a = bodies or {}, ids_a or {}
    failures, checked = [], []
    secrets_b = [str(v) for v in ids_b.values()]

    def call(client, method, url, endpoint):
        kw = {"json": bodies.get(endpoint, {})} if method in ("POST", "PUT", "PATCH") else {}
        response = client.request(method, url, **kw)
        checked.append((method, url, response.status_code))
        return response

    for rule, method in tenant_routes(app):
        for who, client in (("hr", a.hr), ("employee", a.employee)):
            url = _build(app, rule, method, b.slug, ids_b)
            r = call(client, method, url, rule.endpoint)
            if r.status_code != 404:
                failures.append(f"{who} of {a.slug} → {method} {url}: {r.status_code} {r.get_data(as_text=True)[:200]}")
        if rule.arguments - {"slug"}:
            # B's ids must answer exactly like ids that exist nowhere.
            url = _build(app, rule, method, a.slug, ids_b)
            r = call(a.hr, method, url, rule.endpoint)
            blank = call(a.hr, method, _build(app, rule, method, a.slug, {}), rule.endpoint)
            if r.status_code != blank.status_code or not 400 <= r.status_code < 500:
                failures.append(f"hr of {a.slug} with {b.slug}'s ids → {method} {url}: {r.status_code} (unknown ids: "
                                f"{blank.status_code}) {r.get_data(as_text=True)[:200]}")
        if method == "GET":
            url = _build(app, rule, method, a.slug, ids_a)
            r = call(a.hr, method, url, rule.endpoint)
            leaked = [s for s in secrets_b if s.encode() in r.get_data()]  # bytes: PDFs and files too
            if leaked:
                failures.append(f"hr of {a.slug} → GET {url} shows {b.slug}'s ids {leaked}")
    assert not failures, "tenant isolation broken:\n" + "\n".join(failures)
    return checked


@pytest.fixture
def isolation(app):
    """isolation(kit_a, kit_b, ids_b={...}, bodies={...}): see check_isolation."""
    return lambda a, b, ids_b, bodies=None, ids_a=None: check_isolation(app, a, b, ids_b, bodies, ids_a)
