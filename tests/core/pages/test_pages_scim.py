"""The portal's SCIM provisioning page: base URL, a token shown once, revocation."""
import re

from page_browser import signed_in


def test_scim_page_makes_shows_once_and_revokes(browser, client, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    html = page.get("/t/tenant-a/scim/").get_data(as_text=True)
    assert "http://localhost/scim/v2/tenant-a" in html and "No tokens yet." in html
    assert page.post("/t/tenant-a/scim/", {"name": "x" * 101}).status_code == 422
    r = page.post("/t/tenant-a/scim/", {"name": "Okta"})
    assert r.status_code == 201
    token = re.search(r"scim_[A-Za-z0-9_-]{40,}", r.get_data(as_text=True)).group(0)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/scim/v2/tenant-a/Users", headers=headers).status_code == 200
    listed = page.get("/t/tenant-a/scim/").get_data(as_text=True)
    assert "Okta" in listed and token not in listed  # shown that once only
    token_id = tenant_a.hr.get(tenant_a.url("/scim-tokens")).get_json()["items"][0]["id"]
    assert page.post(f"/t/tenant-a/scim/{token_id}/revoke").status_code == 303
    assert client.get("/scim/v2/tenant-a/Users", headers=headers).status_code == 401
    assert page.post(f"/t/tenant-a/scim/{token_id}/revoke").status_code == 404
    employee = signed_in(browser, "emp@tenant-a.test")
    assert employee.get("/t/tenant-a/scim/").status_code in (403, 404)
