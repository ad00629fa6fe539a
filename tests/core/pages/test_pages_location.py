"""An employee's location: API in and out, the `?location=` filter, CSV
import, the portal form, profile and directory; never across tenants."""
import io

from page_browser import signed_in

NEW = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@a.test", "hire_date": "2024-02-01"}


def _add(kit, email, location=None):
    body = {**NEW, "email": email} | ({"location": location} if location else {})
    r = kit.hr.post(kit.url("/employees"), json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _emails(kit, query=""):
    r = kit.hr.get(kit.url(f"/employees{query}"))
    assert r.status_code == 200, r.get_json()
    return sorted(e["email"] for e in r.get_json()["items"]), r.get_json()["total"]


def test_location_is_stored_changed_filtered_and_audited(tenant_a):
    ada = _add(tenant_a, "ada@a.test", "Oslo")
    assert ada["location"] == "Oslo"
    _add(tenant_a, "bob@a.test", "Bergen")
    _add(tenant_a, "cy@a.test")
    assert _emails(tenant_a, "?location=Oslo") == (["ada@a.test"], 1)
    assert _emails(tenant_a, "?location=Tromsø") == ([], 0)
    r = tenant_a.hr.patch(tenant_a.url(f"/employees/{ada['id']}"), json={"location": "Bergen"})
    assert r.status_code == 200 and r.get_json()["location"] == "Bergen"
    assert _emails(tenant_a, "?location=Bergen") == (["ada@a.test", "bob@a.test"], 2)
    r = tenant_a.hr.patch(tenant_a.url(f"/employees/{ada['id']}"), json={"location": None})
    assert r.status_code == 200 and r.get_json()["location"] is None
    audit = tenant_a.hr.get(tenant_a.url("/audit?action=employee.update")).get_data(as_text=True)
    assert "Bergen" in audit


def test_location_filter_never_crosses_tenants(tenant_a, tenant_b):
    _add(tenant_a, "ada@a.test", "Oslo")
    assert _emails(tenant_b, "?location=Oslo") == ([], 0)
    # an employee sees only their own record, whatever the filter
    r = tenant_a.employee.get(tenant_a.url("/employees?location=Oslo"))
    assert r.status_code == 200 and r.get_json()["items"] == []


def test_hostile_location_is_refused(tenant_a):
    for value, field in (("x" * 101, "location"), ("\ud800", "location"), ("a\x00b", "location")):
        r = tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "location": value})
        assert r.status_code == 422 and field in r.get_json()["errors"], r.get_json()
    r = tenant_a.hr.get(tenant_a.url("/employees?location=" + "x" * 101))
    assert r.status_code == 422 and "location" in r.get_json()["errors"]
    assert tenant_a.hr.get(tenant_a.url("/employees?location=%00")).status_code in (200, 422)
    assert _emails(tenant_a)[1] == 1


def test_csv_import_takes_an_optional_location_column(tenant_a):
    text = ("first_name,last_name,email,hire_date,location\n"
            "Ann,One,ann@a.test,2024-01-01,Oslo\nBob,Two,bob@a.test,2024-01-01,\n")
    r = tenant_a.hr.post(tenant_a.url("/employees/import"), data={"file": (io.BytesIO(text.encode()), "p.csv")},
                         content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json() == {"imported": 2}
    assert _emails(tenant_a, "?location=Oslo") == (["ann@a.test"], 1)
    bad = "first_name,last_name,email,hire_date,location\nCy,Three,cy@a.test,2024-01-01," + "x" * 101 + "\n"
    r = tenant_a.hr.post(tenant_a.url("/employees/import"), data={"file": (io.BytesIO(bad.encode()), "p.csv")},
                         content_type="multipart/form-data")
    assert r.status_code == 422 and "location" in r.get_json()["errors"]["2"][0]


def test_portal_form_profile_and_directory_filter(browser, tenant_a, tenant_b):
    _add(tenant_b, "other@b.test", "Karachi")
    page = signed_in(browser, "hr@tenant-a.test")
    r = page.post("/t/tenant-a/employees/new", {**NEW, "location": "Oslo", "employment_type": "full_time",
                                                  "hours_per_week": "40"})
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    assert "<dd>Oslo</dd>" in page.get(r.headers["Location"]).get_data(as_text=True)
    _add(tenant_a, "bob@a.test", "Bergen")
    html = page.get("/t/tenant-a/employees/").get_data(as_text=True)
    assert '<select id="location" name="location">' in html and "<option>Oslo</option>" in html
    assert "Karachi" not in html  # another tenant's locations are not offered
    html = page.get("/t/tenant-a/employees/?location=Oslo").get_data(as_text=True)
    assert "ada@a.test" in html and "bob@a.test" not in html and "<option selected>Oslo</option>" in html
    html = page.get("/t/tenant-a/employees/?location=Karachi").get_data(as_text=True)
    assert "bob@a.test" in html  # not this tenant's location: ignored, not a filter on another tenant
    r = page.post("/t/tenant-a/employees/new", {**NEW, "email": "x@a.test", "location": "x" * 101})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.get_data(as_text=True)
