"""HR admin pages: add, edit and archive plans, edit and close windows (forms
with CSRF, errors next to their fields), eligibility review; dates and money
written for the reader's language."""
import re
import zlib
from datetime import date, timedelta

from test_benefits_pages import browser, csrf


def _errors(page: str) -> dict:
    return dict(re.findall(r'<span class="error" id="([^"]+)-error">([^<]*)</span>', page))


def test_plan_edit_page_saves_and_shows_errors_beside_fields(app, ben, open_window):
    window, medical, _ = open_window
    web = browser(app, "hr@ben-a.test", "ben-a")
    url = f"/t/ben-a/benefits/plans/{medical['id']}/edit"
    page = web.get(url).get_data(as_text=True)
    assert 'value="250.50"' in page and 'name="kind"' not in page and "style=" not in page
    r = web.post(url, data={"csrf_token": csrf(page), "name": "", "period": "month", "employee-employee_cost": "abc",
                            "employee-employer_cost": "1", "family-age_bands": "16 to 39: cheap"})
    assert r.status_code == 422
    errors = _errors(r.get_data(as_text=True))
    assert set(errors) == {"name", "employee-employee_cost", "family-age_bands"}, errors
    assert 'aria-invalid="true"' in r.get_data(as_text=True)
    r = web.post(url, data={"csrf_token": csrf(page), "name": "Gold PPO Plus", "period": "paycheck", "carrier": "",
                            "min_hours": "25", "employment_types": ["full_time", "part_time"],
                            "employee-employee_cost": "55.5", "employee-employer_cost": "100",
                            "family-employee_cost": "0", "family-employer_cost": "0",
                            "family-age_bands": "0-39 80 120\n40-120 90 130"})
    assert r.status_code == 303, _errors(r.get_data(as_text=True))
    plan = ben.kit.hr.get(ben.url(f"/plans/{medical['id']}")).get_json()
    assert plan["name"] == "Gold PPO Plus" and plan["min_hours"] == 25 and plan["carrier"] is None
    assert plan["employment_types"] == ["full_time", "part_time"]
    assert [(t["tier"], t["employee_cost"], t["period"]) for t in plan["tiers"]] == [
        ("employee", "55.50", "paycheck"), ("family", "0.00", "paycheck")]
    assert plan["tiers"][1]["age_bands"][1] == {"min_age": 40, "max_age": 120, "employee_cost": "90.00",
                                                "employer_cost": "130.00"}
    # Without the CSRF token nothing changes.
    assert web.post(url, data={"name": "Hijacked", "period": "month"}).status_code in (400, 422)
    assert ben.kit.hr.get(ben.url(f"/plans/{medical['id']}")).get_json()["name"] == "Gold PPO Plus"


def test_plan_page_add_with_errors_archive_and_bring_back(app, ben, open_window):
    _, medical, dental = open_window
    web = browser(app, "hr@ben-a.test", "ben-a")
    page = web.get("/t/ben-a/benefits/plans").get_data(as_text=True)
    r = web.post("/t/ben-a/benefits/plans", data={
        "csrf_token": csrf(page), "name": "Life", "kind": "life", "period": "month", "currency": "usd",
        "plan_year_starts_on": "2027-01-01", "plan_year_ends_on": "2026-01-01", "employee-employee_cost": "1"})
    assert r.status_code == 422 and "plan_year_ends_on" in _errors(r.get_data(as_text=True))
    r = web.post(f"/t/ben-a/benefits/plans/{dental['id']}/archive", data={"csrf_token": csrf(page)})
    assert r.status_code == 303
    table = lambda page: page[page.index("<table"):page.index("</table>")]  # noqa: E731
    listed = table(web.get("/t/ben-a/benefits/plans").get_data(as_text=True))
    assert "Smile Dental" not in listed and "Gold PPO" in listed
    archived = table(web.get("/t/ben-a/benefits/plans?status=archived").get_data(as_text=True))
    assert "Smile Dental" in archived and "Bring back" in archived
    assert ben.kit.hr.get(ben.url(f"/plans/{dental['id']}")).get_json()["status"] == "archived"
    r = web.post(f"/t/ben-a/benefits/plans/{dental['id']}/archive", data={"csrf_token": csrf(page)},
                 follow_redirects=True)
    assert "already archived" in r.get_data(as_text=True)
    web.post(f"/t/ben-a/benefits/plans/{dental['id']}/unarchive", data={"csrf_token": csrf(page)})
    assert ben.kit.hr.get(ben.url(f"/plans/{dental['id']}")).get_json()["status"] == "active"
    employee = browser(app, "emp@ben-a.test", "ben-a")
    assert employee.get(f"/t/ben-a/benefits/plans/{medical['id']}/edit").status_code == 403
    assert employee.post(f"/t/ben-a/benefits/plans/{medical['id']}/archive",
                         data={"csrf_token": csrf(page)}).status_code in (400, 403)


def test_window_edit_page_refusals_and_closing(app, ben, open_window):
    window, medical, dental = open_window
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    web = browser(app, "hr@ben-a.test", "ben-a")
    url = f"/t/ben-a/benefits/windows/{window['id']}/edit"
    page = web.get(url).get_data(as_text=True)
    assert 'name="kind"' not in page and f'value="{window["ends_on"]}"' in page
    form = {"csrf_token": csrf(page), "name": "OE", "starts_on": window["starts_on"], "ends_on": window["ends_on"],
            "coverage_starts_on": window["coverage_starts_on"], "plan_ids": [dental["id"]]}
    r = web.post(url, data=form)  # Gold PPO was elected here
    assert r.status_code == 422 and "Gold PPO cannot be removed" in r.get_data(as_text=True)
    r = web.post(url, data={**form, "plan_ids": [medical["id"], dental["id"]],
                            "ends_on": str(date.today() - timedelta(days=30))})
    assert r.status_code == 422 and "ends_on" in _errors(r.get_data(as_text=True))
    longer = str(date.fromisoformat(window["ends_on"]) + timedelta(days=7))
    r = web.post(url, data={**form, "plan_ids": [medical["id"], dental["id"]], "ends_on": longer})
    assert r.status_code == 303
    assert ben.kit.hr.get(ben.url(f"/windows/{window['id']}")).get_json()["ends_on"] == longer
    progress = web.get(f"/t/ben-a/benefits/windows/{window['id']}").get_data(as_text=True)
    assert "Close early" in progress
    r = web.post(f"/t/ben-a/benefits/windows/{window['id']}/close", data={"csrf_token": csrf(page)})
    assert r.status_code == 303
    assert ben.kit.hr.get(ben.url(f"/windows/{window['id']}")).get_json()["status"] == "closed"
    assert "closed early" in web.get("/t/ben-a/benefits/windows").get_data(as_text=True)


def test_window_create_page_shows_errors(app, ben, open_window):
    _, medical, _ = open_window
    web = browser(app, "hr@ben-a.test", "ben-a")
    page = web.get("/t/ben-a/benefits/windows").get_data(as_text=True)
    r = web.post("/t/ben-a/benefits/windows", data={"csrf_token": csrf(page), "name": "Late", "kind": "open",
                                                    "starts_on": "2027-02-01", "ends_on": "2027-01-01"})
    assert r.status_code == 422
    assert {"ends_on", "coverage_starts_on"} <= set(_errors(r.get_data(as_text=True)))
    r = web.post("/t/ben-a/benefits/windows", data={
        "csrf_token": csrf(page), "name": "2027", "kind": "open", "starts_on": "2027-01-01",
        "ends_on": "2027-01-31", "coverage_starts_on": "2027-02-01", "plan_ids": [medical["id"]]})
    assert r.status_code == 303
    assert ben.kit.hr.get(ben.url("/windows")).get_json()["total"] == 2
    # The open window runs until day 10: another open window starting then is refused beside its start.
    today = date.today()
    r = web.post("/t/ben-a/benefits/windows", data={
        "csrf_token": csrf(page), "name": "Overlap", "kind": "open", "starts_on": str(today + timedelta(days=10)),
        "ends_on": str(today + timedelta(days=12)), "coverage_starts_on": str(today + timedelta(days=40)),
        "plan_ids": [medical["id"]]})
    assert r.status_code == 422
    assert _errors(r.get_data(as_text=True)) == {
        "starts_on": "Another window of this kind is open on some of these days: choose dates outside it."}


def _pdf_text(data: bytes) -> str:
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    return b"".join(zlib.decompress(s) for s in streams).decode("latin-1")


def test_pages_and_pdf_write_dates_and_money_for_the_readers_language(app, ben, open_window, operator):
    window, medical, _ = open_window
    assert operator.patch(f"/api/v1/tenants/{ben.kit.slug}", json={"locale": "nb"}).status_code == 200
    enrolment = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    web = browser(app, "emp@ben-a.test", "ben-a")
    coverage_day = date.fromisoformat(window["coverage_starts_on"])
    iso = window["coverage_starts_on"]
    for path in ("/", f"/enrol/{window['id']}", f"/enrollments/{enrolment.get_json()['id']}"):
        text = web.get("/t/ben-a/benefits" + path).get_data(as_text=True)
        assert iso not in text.replace(f'value="{iso}"', ""), path
        assert f"{coverage_day.day}. " in text, path
    statement = web.get(f"/t/ben-a/benefits/enrollments/{enrolment.get_json()['id']}").get_data(as_text=True)
    assert "100,00\xa0USD" in statement and "1\xa0200,00\xa0USD" in statement  # per paycheck, per year
    pdf = _pdf_text(web.get(f"/t/ben-a/benefits/enrollments/{enrolment.get_json()['id']}/statement.pdf").data)
    assert "1 200,00 USD" in pdf.replace("\xa0", " ") and f"{coverage_day.day}. " in pdf
    hr = browser(app, "hr@ben-a.test", "ben-a")
    for path in ("/plans", "/windows", f"/windows/{window['id']}", "/life-events"):
        text = hr.get("/t/ben-a/benefits" + path).get_data(as_text=True)
        assert iso not in text and "100.00" not in text.split("<main")[1], path


def test_statement_says_who_enrolled_on_the_employees_behalf(app, ben, open_window):
    window, medical, _ = open_window
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}],
                  client=ben.kit.hr)
    assert r.status_code == 201
    page = browser(app, "emp@ben-a.test", "ben-a").get(f"/t/ben-a/benefits/enrollments/{r.get_json()['id']}")
    assert "by hr@ben-a.test on the employee's behalf" in page.get_data(as_text=True)
    pdf = _pdf_text(ben.kit.employee.get(ben.url(f"/enrollments/{r.get_json()['id']}/statement.pdf")).data)
    assert "hr@ben-a.test, on the employee's behalf" in pdf
    mine = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    own = browser(app, "emp@ben-a.test", "ben-a").get(f"/t/ben-a/benefits/enrollments/{mine.get_json()['id']}")
    assert "behalf" not in own.get_data(as_text=True)


def test_settings_page(app, ben):
    web = browser(app, "hr@ben-a.test", "ben-a")
    page = web.get("/t/ben-a/benefits/settings").get_data(as_text=True)
    assert 'value="30"' in page and '<option selected value="monthly">' in page
    r = web.post("/t/ben-a/benefits/settings", data={"csrf_token": csrf(page), "pay_frequency": "biweekly",
                                                     "new_hire_window_days": "0", "reminder_days_before_end": "0"})
    assert r.status_code == 422 and set(_errors(r.get_data(as_text=True))) == {"new_hire_window_days"}
    r = web.post("/t/ben-a/benefits/settings", data={"csrf_token": csrf(page), "pay_frequency": "biweekly",
                                                     "new_hire_window_days": "45", "reminder_days_before_end": "0"})
    assert r.status_code == 303
    assert ben.kit.hr.get(ben.url("/settings")).get_json() == {
        "pay_frequency": "biweekly", "new_hire_window_days": 45, "reminder_days_before_end": 0}
    assert browser(app, "emp@ben-a.test", "ben-a").get("/t/ben-a/benefits/settings").status_code == 403
