"""SCIM Users (shared/api/identity.md): mapping to logins and employees,
filters, paging, deactivation, deletion, errors and hostile input."""
import uuid

import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.audit import AuditEvent
from hrbpo.core.db import db
from hrbpo.testing import PASSWORD
from tests.core.identity.conftest import SCIM

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _user(email="bjensen@a.test", **extra):
    return {"schemas": [USER], "userName": email, "externalId": f"ext-{email}",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": email, "type": "work", "primary": True}], **extra}


def _patch(*operations):
    return {"schemas": [PATCH], "Operations": list(operations)}


def _error(response, status, scim_type=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == SCIM
    body = response.get_json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"] and body["status"] == str(status)
    assert body.get("scimType") == scim_type
    return body


def test_post_makes_a_login_and_an_employee_kept_in_step(scim_a, tenant_a, client):
    r = scim_a.post("/Users", json=_user(**{ENTERPRISE: {"employeeNumber": "E-7", "department": "Ops"}},
                                          nickName="ignored"))
    assert r.status_code == 201 and r.mimetype == SCIM
    user = r.get_json()
    assert r.headers["Location"] == user["meta"]["location"]
    assert user["meta"]["location"].endswith(f"/scim/v2/{tenant_a.slug}/Users/{user['id']}")
    assert "nickName" not in user and user[ENTERPRISE] == {"employeeNumber": "E-7", "department": "Ops"}
    employees = tenant_a.hr.get(tenant_a.url("/employees?q=bjensen")).get_json()["items"]
    assert [(e["first_name"], e["employee_number"], e["department"]) for e in employees] == [("Barbara", "E-7", "Ops")]
    logins = {u["email"]: u for u in tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]}
    assert logins["bjensen@a.test"]["role"] == "employee"
    assert logins["bjensen@a.test"]["employee_id"] == employees[0]["id"]
    # PUT replaces; an attribute left out is cleared in SCIM but never blanks HR data.
    r = scim_a.put(f"/Users/{user['id']}", json=_user(name={"givenName": "Babs", "familyName": "Jensen"}))
    assert r.status_code == 200 and ENTERPRISE not in r.get_json()
    employee = tenant_a.hr.get(tenant_a.url(f"/employees/{employees[0]['id']}")).get_json()
    assert (employee["first_name"], employee["department"]) == ("Babs", "Ops")
    assert scim_a.get(f"/Users/{user['id']}").get_json()["name"] == {"givenName": "Babs", "familyName": "Jensen"}


def test_existing_logins_are_users_and_operators_never(scim_a, tenant_a):
    listing = scim_a.get("/Users").get_json()
    names = {u["userName"] for u in listing["Resources"]}
    assert names == {f"hr@{tenant_a.slug}.test", f"emp@{tenant_a.slug}.test"}
    assert listing["totalResults"] == 2 == listing["itemsPerPage"]
    employee = next(u for u in listing["Resources"] if u["userName"].startswith("emp@"))
    assert employee["name"]["givenName"] == "Erin"
    operator_email = tenant_a.operator.get("/api/v1/me").get_json()["email"]
    _error(scim_a.post("/Users", json=_user(operator_email)), 409, "uniqueness")


def test_user_without_a_sign_in_email_is_kept_then_gains_a_login(scim_a, tenant_a):
    r = scim_a.post("/Users", json={"schemas": [USER], "userName": "bjensen"})
    assert r.status_code == 201
    user_id = r.get_json()["id"]
    emails = {u["email"] for u in tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]}
    assert "bjensen" not in emails and len(emails) == 2
    r = scim_a.patch(f"/Users/{user_id}", json=_patch(
        {"op": "add", "path": "emails", "value": [{"value": "Barbara@A.test", "type": "work"}]}))
    assert r.status_code == 200, r.get_json()
    logins = {u["email"]: u for u in tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]}
    assert logins["barbara@a.test"]["id"]  # the login exists, under the lower-cased address


def test_filters_and_paging(scim_a):
    ids = [scim_a.post("/Users", json=_user(f"u{i}@a.test")).get_json()["id"] for i in range(3)]
    found = scim_a.get('/Users?filter=userName eq "U1@A.TEST"').get_json()
    assert [u["id"] for u in found["Resources"]] == [ids[1]] and found["totalResults"] == 1
    assert scim_a.get('/Users?filter=externalId eq "ext-u2@a.test"').get_json()["Resources"][0]["id"] == ids[2]
    assert scim_a.get('/Users?filter=emails.value eq "u0@A.test"').get_json()["Resources"][0]["id"] == ids[0]
    assert scim_a.get(f'/Users?filter=id eq "{ids[0]}" and active eq true').get_json()["totalResults"] == 1
    assert scim_a.get('/Users?filter=userName eq "nobody@a.test"').get_json()["totalResults"] == 0
    page = scim_a.get("/Users?startIndex=3&count=2").get_json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 3, 2)
    assert [u["id"] for u in page["Resources"]] == ids[:2]  # the two kit logins come first
    only_total = scim_a.get("/Users?count=0").get_json()
    assert only_total["totalResults"] == 5 and only_total["itemsPerPage"] == 0 and "Resources" not in only_total
    assert scim_a.get("/Users?startIndex=-4&count=1").get_json()["startIndex"] == 1
    assert scim_a.get("/Users?startIndex=99").get_json()["totalResults"] == 5


def test_bad_filters_are_invalid_filter_never_a_list(scim_a):
    undecodable = scim_a.get("/Users?filter=userName%20eq%20%22%ED%B2%80%22")  # read as U+FFFD: no match
    assert undecodable.status_code == 200 and undecodable.get_json()["totalResults"] == 0
    for expression in ('userName co "a"', "userName eq", '(((((((((((', 'name.givenName eq "x"',
                       "userName eq \"\x00\"", "a" * 5000,
                       "(" * 2000 + 'userName eq "a"' + ")" * 2000, 'not (userName eq "a")', "active eq 1"):
        _error(scim_a.get("/Users", query_string={"filter": expression}), 400, "invalidFilter")


def test_active_false_deactivates_and_true_restores(scim_a, tenant_a, client):
    user = scim_a.post("/Users", json=_user("sam@a.test")).get_json()
    with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
        from hrbpo.core.auth.models import User
        from hrbpo.core.auth.passwords import hash_password
        db.session.execute(sa.update(User).where(User.email == "sam@a.test").values(password_hash=hash_password(PASSWORD)))
        db.session.commit()
    token = client.post("/api/v1/auth/token", json={"email": "sam@a.test", "password": PASSWORD}).get_json()["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    r = scim_a.patch(f"/Users/{user['id']}", json=_patch({"op": "Replace", "path": "active", "value": "False"}))
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    body = {"email": "sam@a.test", "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=body).status_code == 401
    assert scim_a.get('/Users?filter=active eq false').get_json()["Resources"][0]["id"] == user["id"]
    r = scim_a.patch(f"/Users/{user['id']}", json=_patch({"op": "replace", "value": {"active": True}}))
    assert r.get_json()["active"] is True
    assert client.post("/api/v1/auth/token", json=body).status_code == 201
    actions = [e["action"] for e in tenant_a.hr.get(tenant_a.url("/audit?per_page=200")).get_json()["items"]]
    assert "scim.user.deactivate" in actions and "scim.user.reactivate" in actions


def test_patch_paths_and_all_or_nothing(scim_a, tenant_a):
    user = scim_a.post("/Users", json=_user()).get_json()
    url = f"/Users/{user['id']}"
    r = scim_a.patch(url, json=_patch(
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "barbara@a.test"},
        {"op": "add", "path": f"{ENTERPRISE}:employeeNumber", "value": "42"}))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["emails"][0]["value"] == "barbara@a.test" and r.get_json()[ENTERPRISE]["employeeNumber"] == "42"
    _error(scim_a.patch(url, json=_patch({"op": "remove"})), 400, "noTarget")
    _error(scim_a.patch(url, json=_patch({"op": "replace", "path": "displayName", "value": "B"},
                                         {"op": "replace", "path": "nope[[", "value": 1})), 400, "invalidPath")
    assert "displayName" not in scim_a.get(url).get_json()  # nothing applied


def test_delete_keeps_the_employee_and_a_new_post_links_it(scim_a, tenant_a):
    user = scim_a.post("/Users", json=_user()).get_json()
    assert scim_a.delete(f"/Users/{user['id']}").status_code == 204
    _error(scim_a.get(f"/Users/{user['id']}"), 404)
    emails = {u["email"] for u in tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]}
    assert "bjensen@a.test" not in emails
    employees = tenant_a.hr.get(tenant_a.url("/employees?q=bjensen")).get_json()["items"]
    assert len(employees) == 1
    again = scim_a.post("/Users", json=_user()).get_json()
    assert again["id"] != user["id"]
    logins = {u["email"]: u for u in tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]}
    assert logins["bjensen@a.test"]["employee_id"] == employees[0]["id"]


def test_errors_speak_scim(scim_a, client, tenant_a):
    _error(scim_a.post("/Users", json=_user()) and scim_a.post("/Users", json=_user("BJENSEN@a.test")), 409,
           "uniqueness")
    r = scim_a.request("POST", "/Users", data=b"{not json", content_type=SCIM)
    _error(r, 400, "invalidSyntax")
    _error(scim_a.request("POST", "/Users", data=b"[" * 100000, content_type="application/json"), 400,
           "invalidSyntax")
    _error(scim_a.post("/Users", json={"schemas": [USER], "userName": "x\x00y"}), 400, "invalidValue")
    _error(scim_a.post("/Users", json={"schemas": [USER], "userName": "a\ud800"}), 400, "invalidValue")
    _error(scim_a.post("/Users", json={"schemas": [USER]}), 400, "invalidValue")
    _error(scim_a.post("/Users", json={"schemas": [USER], "userName": "x" * 300}), 400, "invalidValue")
    _error(scim_a.get("/Groups"), 404)
    _error(scim_a.get("/Users/not-an-id"), 404)
    _error(scim_a.delete("/ServiceProviderConfig"), 405)
    _error(scim_a.post("/Bulk", json={}), 501)
    _error(scim_a.post("/.search", json={}), 501)


def test_filter_on_ten_thousand_users_is_one_indexed_query(scim_a, tenant_a, count_queries):
    from hrbpo.core.db import new_ids
    from hrbpo.core.identity.scim.models import ScimUser

    with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
        db.session.execute(sa.insert(ScimUser), [
            {"tenant_id": uuid.UUID(tenant_a.id), "id": i, "user_name": f"p{n}", "user_name_key": f"p{n}", "active": True,
             "attributes": {"userName": f"p{n}"}} for n, i in enumerate(new_ids(10_000))])
        db.session.commit()
    scim_a.get("/Users?count=1")  # the token's last use is written once a minute, not now
    with count_queries() as q:
        found = scim_a.get('/Users?filter=userName eq "P9999"').get_json()
    assert found["totalResults"] == 1 and found["Resources"][0]["userName"] == "p9999"
    assert sum("scim_users" in s for s in q.statements) == 1, q.statements
    assert q.count <= 3, q.statements  # the tenant, the token, the page


def test_audit_names_the_token_and_never_holds_it(scim_a, tenant_a):
    user = scim_a.post("/Users", json=_user()).get_json()
    events = tenant_a.hr.get(tenant_a.url("/audit?per_page=200")).get_json()["items"]
    create = next(e for e in events if e["action"] == "scim.user.create")
    assert create["target_id"] == user["id"] and create["changes"]["scim_token_id"]
    with tenancy.all_tenants():
        texts = [str(e.changes) for e in db.session.scalars(sa.select(AuditEvent))]
    assert not any(scim_a.token in t for t in texts)


def test_concurrent_posts_of_one_user_name_make_one_user(live_server, scim_a):
    from hrbpo.testing_concurrency import at_once

    def post():
        return live_server.request("POST", f"/scim/v2/{scim_a.slug}/Users", token=scim_a.token, json=_user())

    statuses = sorted(r.status for r in at_once(*[post] * 4))
    assert statuses == [201, 409, 409, 409], statuses
    assert scim_a.get('/Users?filter=userName eq "bjensen@a.test"').get_json()["totalResults"] == 1


def test_manager_and_enterprise_attributes_reach_the_employee_record(scim_a, tenant_a, tenant_b):
    boss = scim_a.post("/Users", json=_user("boss@a.test")).get_json()
    report = scim_a.post("/Users", json=_user("report@a.test", schemas=[USER, ENTERPRISE], **{ENTERPRISE: {
        "department": "Finance", "manager": {"value": boss["id"]}}})).get_json()
    assert report[ENTERPRISE]["manager"]["value"] == boss["id"]
    assert report[ENTERPRISE]["manager"]["$ref"].endswith(f"/Users/{boss['id']}")
    people = {e["email"]: e for e in tenant_a.hr.get(tenant_a.url("/employees?per_page=200")).get_json()["items"]}
    assert people["report@a.test"]["manager_id"] == people["boss@a.test"]["id"]
    assert people["report@a.test"]["department"] == "Finance"
    _error(scim_a.patch(f"/Users/{boss['id']}", json=_patch(
        {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": boss["id"]}})), 400, "invalidValue")
    # The people API: manager_id is an employee of this tenant, else 422.
    url = tenant_a.url(f"/employees/{people['report@a.test']['id']}")
    assert tenant_a.hr.patch(url, json={"manager_id": tenant_b.employee_id}).status_code == 422
    assert tenant_a.hr.patch(url, json={"manager_id": people["report@a.test"]["id"]}).status_code == 422
    r = tenant_a.hr.patch(url, json={"employee_number": "F-1", "manager_id": None})
    assert r.status_code == 200 and (r.get_json()["employee_number"], r.get_json()["manager_id"]) == ("F-1", None)
