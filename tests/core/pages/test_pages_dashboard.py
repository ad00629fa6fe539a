"""The HR dashboard's charts: headcount over time and hires by month from
core, enrolment progress and checklist completion from the modules; SVG
with a title, a description and the same numbers as a table; mirrored in Urdu."""
import re
from datetime import date

from page_browser import signed_in

from hrbpo.core.people.stats import months_back


def _hire(kit, n, hire_date, **extra):
    r = kit.hr.post(kit.url("/employees"), json={"first_name": f"P{n}", "last_name": "Q", "email": f"p{n}@x.test",
                                                "hire_date": hire_date, **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _figure(html, title):
    start = html.index('<figcaption id="chart-')
    figures = html[start - 30:].split("<figure")
    return next(f for f in figures if f">{title}</" in f)


def test_headcount_and_hires_by_month_are_svg_with_a_table(browser, tenant_a):
    months = months_back(date.today(), 12)
    _hire(tenant_a, 1, str(months[2]))
    _hire(tenant_a, 2, str(months[2]))
    leaver = _hire(tenant_a, 3, str(months[5]))
    assert tenant_a.hr.patch(tenant_a.url(f"/employees/{leaver}"),
                             json={"termination_date": str(months[8])}).status_code == 200
    html = signed_in(browser, "hr@tenant-a.test").get("/t/tenant-a/").get_data(as_text=True)
    hires = _figure(html, "Hires by month")
    assert '<svg class="chart-svg columns"' in hires and 'role="img"' in hires and "<title id=" in hires
    assert "4 in all" not in hires and "; 3 in all." in hires  # Erin was hired before the twelve months
    assert len(re.findall(r'<rect class="mark"', hires)) == 12
    values = re.findall(r'<th scope="row">[^<]+</th><td class="num">(\d+)</td>', hires)
    assert values[2] == "2" and values[5] == "1" and values.count("0") == 10
    headcount = _figure(html, "Headcount")
    counts = [int(v) for v in re.findall(r'<td class="num">(\d+)</td>', headcount)]
    assert counts[0] == 1 and counts[2] == 3 and counts[5] == 4 and counts[8] == 3 and counts[-1] == 3
    assert "now 3." in headcount


def test_columns_run_from_the_right_in_urdu(browser, tenant_a, operator):
    _hire(tenant_a, 1, str(date.today()))
    page = signed_in(browser, "hr@tenant-a.test")
    first_bar = lambda html: float(re.search(r'<rect class="mark" x="([\d.]+)"', html).group(1))  # noqa: E731
    english = first_bar(page.get("/t/tenant-a/").get_data(as_text=True))
    assert operator.patch("/api/v1/tenants/tenant-a", json={"locale": "ur"}).status_code == 200
    urdu = page.get("/t/tenant-a/").get_data(as_text=True)
    assert 'dir="rtl"' in urdu and first_bar(urdu) > 300 > english  # the oldest month sits at the right


def test_modules_add_enrolment_progress_and_checklist_completion(browser, make_tenant):
    kit = make_tenant("acme", modules=("benefits", "compliance"))
    today = date.today()
    plan = kit.hr.post(kit.url("/benefits/plans"), json={"name": "Dental", "kind": "dental", "currency": "USD", "tiers": [
        {"tier": "employee", "employee_cost": "10.00", "employer_cost": "20.00", "period": "month"}]})
    assert plan.status_code == 201, plan.get_json()
    window = kit.hr.post(kit.url("/benefits/windows"), json={
        "name": "Open 2027", "kind": "open", "starts_on": str(today), "ends_on": str(today.replace(year=today.year + 1)),
        "plan_ids": [plan.get_json()["id"]], "coverage_starts_on": str(today.replace(year=today.year + 1))})
    assert window.status_code == 201, window.get_json()
    _hire(kit, 1, "2024-01-01")
    r = kit.employee.post(kit.url("/benefits/enrollments"), json={
        "window_id": window.get_json()["id"], "employee_id": kit.employee_id,
        "elections": [{"plan_id": plan.get_json()["id"], "tier": "employee", "dependent_ids": []}]})
    assert r.status_code == 201, r.get_json()
    template = kit.hr.post(kit.url("/compliance/templates"), json={"name": "Onboarding", "items": [
        {"title": "Sign the handbook", "due_days": 5}]})
    assert template.status_code == 201, template.get_json()
    r = kit.hr.post(kit.url("/compliance/assignments"), json={"template_id": template.get_json()["id"],
                                                             "employee_ids": [kit.employee_id]})
    assert r.status_code == 201, r.get_json()
    html = signed_in(browser, "hr@acme.test").get("/t/acme/").get_data(as_text=True)
    progress = _figure(html, "Enrolment progress: Open 2027")
    assert '<svg class="chart-svg parts"' in progress and "1 of 2 active employees have enrolled" in progress
    assert re.search(r'<th scope="row">Enrolled</th><td class="num">1 \(50%\)</td>', progress)
    completion = _figure(html, "Checklist completion")
    assert re.search(r'<th scope="row">Open</th><td class="num">1 \(100%\)</td>', completion)
    assert "0 of 1 checklist is done; 0 overdue." in completion
    # An employee's home has none of these.
    assert "chart-svg" not in signed_in(browser, "emp@acme.test").get("/t/acme/").get_data(as_text=True)
