"""The directory's search box finds people however their names are typed."""
from page_browser import signed_in


def test_directory_search_ignores_case_and_accents(browser, tenant_a):
    for first, last in (("Åse", "Ødegård"), ("Ola", "Nordmann")):
        assert tenant_a.hr.post(tenant_a.url("/employees"), json={
            "first_name": first, "last_name": last, "email": f"{last.lower()}@a.test",
            "hire_date": "2024-02-01"}).status_code == 201
    page = signed_in(browser, "hr@tenant-a.test")
    for q in ("ase odegard", "ØDEGÅRD", "Åse Ødegård"):
        html = page.get("/t/tenant-a/employees/", query_string={"q": q}).get_data(as_text=True)
        assert "Åse" in html and "Nordmann" not in html, q
    assert "No employees match." in page.get("/t/tenant-a/employees/?q=ase+nordmann").get_data(as_text=True)
