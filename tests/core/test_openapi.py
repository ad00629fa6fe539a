"""The served OpenAPI document: valid, generated, complete."""
from openapi_spec_validator import validate

from hrbpo.testing import tenant_routes


def test_document_is_valid_openapi(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.")
    validate(doc)


def test_every_api_route_is_documented(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<uuid:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
        assert path in paths, rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {rule.rule}"


def test_contract_paths_are_present(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/tenants", "/api/v1/tenants/{slug}", "/api/v1/modules",
                 "/api/v1/tenants/{slug}/modules", "/api/v1/tenants/{slug}/modules/{name}",
                 "/api/v1/tenants/{slug}/users", "/api/v1/tenants/{slug}/employees",
                 "/api/v1/tenants/{slug}/employees/{employee_id}", "/api/v1/tenants/{slug}/employees/import",
                 "/api/v1/tenants/{slug}/audit"):
        assert path in paths, path


def test_money_is_a_string_decimal_in_the_document(app):
    from hrbpo.core.api.schemas import money
    from hrbpo.core.extensions import api

    prop = api.ma_plugin.converter.field2property(money())
    assert prop["type"] == "string" and "minimum" not in prop


def test_python_only_regex_is_rendered_ecma(client):
    slug = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Tenant"]["properties"]["slug"]
    assert slug["pattern"].endswith("$") and "\\Z" not in slug["pattern"]


def test_tenant_routes_helper_finds_core_routes(app):
    rules = {rule.rule for rule, _ in tenant_routes(app)}
    assert "/api/v1/tenants/<slug>/employees" in rules and "/api/v1/tenants/<slug>/audit" in rules
