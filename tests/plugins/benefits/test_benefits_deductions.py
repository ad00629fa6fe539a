"""The payroll deduction feed through the API: the pay schedule, amounts per
paycheck from real enrolments, change flags across a life event and a
termination, CSV, and who may see it."""
import csv
import io
from datetime import date, timedelta

import pytest

from test_benefits_pages import browser, csrf

COVERAGE = date.today() + timedelta(days=20)  # the open window's coverage start (benefits_helpers)


def day(offset=0):
    return str(COVERAGE + timedelta(days=offset))


def put_settings(ben, **body):
    return ben.kit.hr.put(ben.url("/payroll-settings"), json={"pay_frequency": "biweekly", "first_pay_date": day(),
                                                               **body})


def feed(ben, offset, client=None):
    r = (client or ben.kit.hr).get(ben.url(f"/exports/deductions?pay_date={day(offset)}"))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def lines(result):
    return {(i["last_name"], i["plan_name"]): (i["tier"], i["employee_amount"], i["employer_amount"], i["change"])
            for i in result["items"]}


@pytest.fixture
def enrolled(ben, open_window):
    """The kit's employee in medical (employee tier) and dental; Tom in medical, dental waived."""
    window, medical, dental = open_window
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                                 {"plan_id": dental["id"], "tier": "employee", "dependent_ids": []}])
    assert r.status_code == 201, r.get_json()
    tom = ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "Tom", "last_name": "Leaver", "email": "tom@ben-a.test", "hire_date": "2020-01-01"}).get_json()
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                                 {"plan_id": dental["id"], "waive": True}], client=ben.kit.hr, employee_id=tom["id"])
    assert r.status_code == 201, r.get_json()
    return window, medical, dental, tom


def test_settings_default_to_monthly_and_put_replaces_them(ben, open_window):
    _, medical, _ = open_window
    assert ben.kit.hr.get(ben.url("/payroll-settings")).get_json() == {
        "pay_frequency": "monthly", "first_pay_date": None, "deduction_codes": {}}
    r = put_settings(ben, deduction_codes={medical["id"]: "MED1"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"pay_frequency": "biweekly", "first_pay_date": day(), "deduction_codes": {medical["id"]: "MED1"}}
    assert ben.kit.hr.get(ben.url("/payroll-settings")).get_json() == r.get_json()
    assert ben.kit.hr.get(ben.url("/settings")).get_json()["pay_frequency"] == "biweekly"  # one schedule for the module


@pytest.mark.parametrize("body, field", [
    ({"pay_frequency": "fortnightly"}, "pay_frequency"),
    ({"first_pay_date": "2026-02-30"}, "first_pay_date"),
    ({"deduction_codes": {"not-a-uuid": "X"}}, "deduction_codes"),
    ({"deduction_codes": {"01900000-0000-7000-8000-000000000000": "X"}}, "deduction_codes.01900000-0000-7000-8000-000000000000"),
])
def test_bad_settings_are_422_with_errors_and_change_nothing(ben, body, field):
    r = put_settings(ben, **body)
    assert r.status_code == 422 and any(key.startswith(field) for key in r.get_json()["errors"]), r.get_json()
    assert ben.kit.hr.get(ben.url("/payroll-settings")).get_json()["pay_frequency"] == "monthly"


def test_feed_prices_coverage_per_paycheck_and_flags_changes(ben, enrolled):
    window, medical, dental, tom = enrolled
    assert put_settings(ben, deduction_codes={medical["id"]: "MED1"}).status_code == 200

    first = feed(ben, 0)
    assert (first["pay_date"], first["previous_pay_date"], first["pay_frequency"], first["currency"]) == (
        day(), None, "biweekly", "USD")
    me = ben.kit.hr.get(ben.kit.url(f"/employees/{ben.kit.employee_id}")).get_json()["last_name"]
    assert lines(first) == {  # 100.00 a month × 12 / 26 = 46.15; 400 → 184.62; dental is per paycheck
        ("Leaver", "Gold PPO"): ("employee", "46.15", "184.62", "new"),
        (me, "Gold PPO"): ("employee", "46.15", "184.62", "new"),
        (me, "Smile Dental"): ("employee", "10.00", "20.00", "new")}  # Tom's waived dental is no deduction
    assert {i["deduction_code"] for i in first["items"] if i["plan_name"] == "Gold PPO"} == {"MED1"}
    assert {i["deduction_code"] for i in first["items"] if i["plan_name"] == "Smile Dental"} == {None}
    assert first["totals"] == {"employee_amount": "102.30", "employer_amount": "389.24"}

    # A marriage: a life-event window moves the employee to the spouse tier from day 10; Tom leaves on day 20.
    spouse = ben.dependent("spouse")
    life = ben.kit.hr.post(ben.url("/windows"), json={
        "name": "Marriage", "kind": "life_event", "employee_id": ben.kit.employee_id, "plan_ids": [medical["id"]],
        "starts_on": str(date.today() - timedelta(days=1)), "ends_on": str(date.today() + timedelta(days=5)),
        "coverage_starts_on": day(10)}).get_json()
    r = ben.enrol(life["id"], [{"plan_id": medical["id"], "tier": "employee_spouse", "dependent_ids": [spouse["id"]]}])
    assert r.status_code == 201, r.get_json()
    assert ben.kit.hr.patch(ben.kit.url(f"/employees/{tom['id']}"), json={"termination_date": day(20)}).status_code == 200

    second = {(i["last_name"], i["plan_name"], i["change"]) for i in feed(ben, 14)["items"]}
    mine = next(i for i in feed(ben, 14)["items"] if (i["last_name"], i["plan_name"]) == (me, "Gold PPO"))
    assert (mine["tier"], mine["employee_amount"], mine["employer_amount"], mine["change"]) == (
        "employee_spouse", "115.62", "276.92", "changed")  # 250.50 × 12 / 26; 600 × 12 / 26
    assert ("Leaver", "Gold PPO", "unchanged") in second
    third = feed(ben, 28)
    assert third["previous_pay_date"] == day(14)
    gone = next(i for i in third["items"] if i["last_name"] == "Leaver")
    assert (gone["change"], gone["employee_amount"], gone["employer_amount"]) == ("stopped", "0.00", "0.00")
    assert {i["change"] for i in third["items"] if i["last_name"] != "Leaver"} == {"unchanged"}


def test_pay_dates_off_the_schedule_are_422_naming_the_nearest(ben, enrolled):
    put_settings(ben)
    r = ben.kit.hr.get(ben.url(f"/exports/deductions?pay_date={day(3)}"))
    assert r.status_code == 422 and day(0) in r.get_json()["errors"]["pay_date"][0] and day(14) in r.get_json()["errors"]["pay_date"][0]
    assert ben.kit.hr.get(ben.url(f"/exports/deductions?pay_date={day(-14)}")).status_code == 422  # before the first
    assert ben.kit.hr.get(ben.url("/exports/deductions?pay_date=yesterday")).status_code == 422
    assert ben.kit.hr.get(ben.url(f"/exports/deductions?pay_date={day()}&format=xml")).status_code == 422


def test_monthly_default_pays_at_month_end(ben, enrolled):
    month_end = date(COVERAGE.year + 1, 2, 28 if (COVERAGE.year + 1) % 4 else 29)
    r = ben.kit.hr.get(ben.url(f"/exports/deductions?pay_date={month_end}"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["pay_frequency"] == "monthly" and {i["employee_amount"] for i in r.get_json()["items"]} >= {"100.00"}
    assert ben.kit.hr.get(ben.url(f"/exports/deductions?pay_date={month_end - timedelta(days=1)}")).status_code == 422


def test_csv_has_the_same_columns_and_rows(ben, enrolled):
    put_settings(ben)
    r = ben.kit.hr.get(ben.url(f"/exports/deductions?pay_date={day()}&format=csv"))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert f"deductions-{day()}.csv" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert list(rows[0]) == ["employee_id", "first_name", "last_name", "plan_id", "plan_name", "deduction_code", "tier",
                             "employee_amount", "employer_amount", "change"]
    assert sorted((row["plan_name"], row["employee_amount"]) for row in rows) == sorted(
        (i["plan_name"], i["employee_amount"]) for i in feed(ben, 0)["items"])


def test_employees_are_refused_and_other_tenants_see_their_own(ben, ben_b, enrolled, make_tenant):
    put_settings(ben)
    for method, path in (("get", "/payroll-settings"), ("put", "/payroll-settings"),
                         ("get", f"/exports/deductions?pay_date={day()}")):
        assert getattr(ben.kit.employee, method)(ben.url(path), json={}).status_code == 403
    other = ben_b.kit.hr.get(ben_b.url(f"/exports/deductions?pay_date={date(COVERAGE.year + 1, 1, 31)}"))
    assert other.status_code == 200 and other.get_json()["items"] == []  # ben's enrolments are not theirs
    off = make_tenant("ben-off")
    assert off.hr.get(off.url("/benefits/payroll-settings")).status_code == 404


def test_payroll_page_shows_the_feed_saves_settings_and_downloads(app, ben, enrolled):
    _, medical, _, _ = enrolled
    put_settings(ben)
    page = browser(app, "hr@ben-a.test", "ben-a")
    r = page.get(f"/t/{ben.kit.slug}/benefits/payroll?pay_date={day()}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Leaver" in html and "46.15" in html and "Download CSV" in html
    csv_page = page.get(f"/t/{ben.kit.slug}/benefits/payroll/deductions.csv?pay_date={day()}")
    assert csv_page.mimetype == "text/csv" and "Gold PPO" in csv_page.get_data(as_text=True)
    off = page.get(f"/t/{ben.kit.slug}/benefits/payroll?pay_date={day(3)}").get_data(as_text=True)
    assert "is not a pay date" in off

    token = csrf(html)
    bad = page.post(f"/t/{ben.kit.slug}/benefits/payroll", data={
        "csrf_token": token, "pay_frequency": "weekly", "first_pay_date": "not a date", f"code-{medical['id']}": "MED9"})
    assert bad.status_code == 422 and 'value="MED9"' in bad.get_data(as_text=True)  # what was typed stays
    good = page.post(f"/t/{ben.kit.slug}/benefits/payroll", data={
        "csrf_token": token, "pay_frequency": "weekly", "first_pay_date": day(), f"code-{medical['id']}": "MED9"})
    assert good.status_code == 303
    assert ben.kit.hr.get(ben.url("/payroll-settings")).get_json() == {
        "pay_frequency": "weekly", "first_pay_date": day(), "deduction_codes": {medical["id"]: "MED9"}}
    employee = browser(app, "emp@ben-a.test", "ben-a")
    assert employee.get(f"/t/{ben.kit.slug}/benefits/payroll").status_code == 403
