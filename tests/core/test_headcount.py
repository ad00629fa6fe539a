"""The tenant's headcount (tenants.employee_count) is kept by the database,
whatever path rows take, so the unfiltered employee list needs no count(*)."""
import io


def _counts(owner_sql):
    rows = owner_sql("SELECT t.slug, t.employee_count, (SELECT count(*) FROM employees e WHERE e.tenant_id = t.id) "
                     "FROM tenants t")
    return {slug: (kept, actual) for slug, kept, actual in rows}


def test_headcount_follows_every_insert_path(tenant_a, tenant_b, owner_sql):
    tenant_a.hr.post(tenant_a.url("/employees"), json={"first_name": "Ada", "last_name": "Lee", "email": "ada@a.test",
                                                      "hire_date": "2024-01-02"})
    csv = "first_name,last_name,email,hire_date\n" + "".join(f"P{i},Q,p{i}@a.test,2024-01-01\n" for i in range(7))
    r = tenant_a.hr.post(tenant_a.url("/employees/import"), data={"file": (io.BytesIO(csv.encode()), "p.csv")},
                         content_type="multipart/form-data")
    assert r.status_code == 201
    bad = "first_name,last_name,email,hire_date\nX,Y,bad,2024-01-01\n"
    tenant_a.hr.post(tenant_a.url("/employees/import"), data={"file": (io.BytesIO(bad.encode()), "p.csv")},
                     content_type="multipart/form-data")
    counts = _counts(owner_sql)
    assert counts[tenant_a.slug] == (9, 9)  # the kit's employee, Ada, seven imported; the bad file nothing
    assert counts[tenant_b.slug] == (1, 1)
    assert tenant_a.hr.get(tenant_a.url("/employees?per_page=2")).get_json()["total"] == 9
    owner_sql("DELETE FROM employees WHERE email = 'ada@a.test'")
    assert _counts(owner_sql)[tenant_a.slug] == (8, 8)


def test_unfiltered_list_reads_the_headcount_and_filters_still_count(tenant_a, count_queries):
    url = tenant_a.url("/employees")
    tenant_a.hr.get(url)
    with count_queries() as plain:
        body = tenant_a.hr.get(url).get_json()
    with count_queries() as filtered:
        searched = tenant_a.hr.get(url + "?q=erin").get_json()
    assert body["total"] == 1 and searched["total"] == 1
    assert not any("count(" in s.lower() for s in plain.statements)
    assert any("count(" in s.lower() for s in filtered.statements)
    # An employee sees only their own record, counted as such.
    assert tenant_a.employee.get(url).get_json()["total"] == 1
