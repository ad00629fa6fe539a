"""Eligibility follows the employee record (employee_updated): gained opens a
window, lost ends coverage at the end of the month and waits for HR."""
from datetime import date, timedelta

from benefits_helpers import DENTAL
from test_benefits_x12 import validate

from hrbpo.plugins.benefits.eligibility import last_day_of_month


def _patch_employee(ben, **changes):
    r = ben.kit.hr.patch(ben.kit.url(f"/employees/{ben.kit.employee_id}"), json=changes)
    assert r.status_code == 200, r.get_json()


def _covered(ben, hours_rule=30):
    """The employee covered, in force since last month, under a medical plan for 30+ hours and a dental plan."""
    medical, dental = ben.plan(min_hours=hours_rule), ben.plan(DENTAL)
    window = ben.window([medical["id"], dental["id"]], starts=-10, ends=10,
                        coverage_starts_on=str(date.today().replace(day=1) - timedelta(days=1)))
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                                 {"plan_id": dental["id"], "tier": "employee", "dependent_ids": []}])
    assert r.status_code == 201, r.get_json()
    return window, medical, dental


def test_losing_eligibility_ends_that_plan_at_the_end_of_the_month(ben, mailbox):
    window, medical, dental = _covered(ben)
    full = ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}&carrier=Acme Health"))
    assert full.status_code == 200
    mailbox.clear()
    _patch_employee(ben, hours_per_week=20)
    ends = last_day_of_month(date.today())
    coverage = ben.kit.employee.get(ben.url(f"/employees/{ben.kit.employee_id}/coverage")).get_json()["items"]
    assert {i["plan_id"]: i["coverage_ends_on"] for i in coverage} == {medical["id"]: str(ends), dental["id"]: None}
    changes = ben.kit.hr.get(ben.url("/eligibility-changes?change=lost&reviewed=false")).get_json()
    assert changes["total"] == 1
    change = changes["items"][0]
    assert change["plan_id"] == medical["id"] and change["effective_on"] == str(ends)
    assert change["fields"] == ["hours_per_week"] and "30 hours" in change["reason"]
    # The employee hears of it in their language, without sensitive values.
    [message] = mailbox
    body = message.get_content()
    assert message["To"].endswith("<emp@ben-a.test>") and "Gold PPO" in body and format(ends, "%B") in body
    assert "6789" not in message.as_string() and "1990" not in body
    # The carrier hears of it in the next change file.
    change_file = ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}&carrier=Acme Health&kind=change"))
    text = change_file.get_data(as_text=True)
    ok, ack = validate(text)
    assert ok, text + ack
    assert "INS*Y*18*001" in text and "HD*024**HLT*GOLD PPO*EMP" in text and f"DTP*349*D8*{ends:%Y%m%d}" in text
    # HR reviews it once.
    review = ben.url(f"/eligibility-changes/{change['id']}/review")
    assert ben.kit.employee.post(review).status_code == 403
    r = ben.kit.hr.post(review)
    assert r.status_code == 200 and r.get_json()["reviewed_at"]
    assert ben.kit.hr.post(review).status_code == 409
    actions = [a["action"] for a in ben.kit.hr.get(ben.kit.url("/audit?per_page=200")).get_json()["items"]]
    assert {"benefits.eligibility.lost", "benefits.eligibility.review"} <= set(actions)
    # Resubmitting in the open window cannot bring the plan back.
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    assert r.status_code == 422 and "30 hours" in r.get_json()["errors"]["elections.0.plan_id"][0]


def test_coverage_that_had_not_started_is_cancelled(ben):
    medical = ben.plan(employment_types=["full_time"])
    later = last_day_of_month(date.today()) + timedelta(days=32)
    window = ben.window([medical["id"]], coverage_starts_on=str(later.replace(day=1)))
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    _patch_employee(ben, employment_type="contractor")
    coverage = ben.kit.employee.get(ben.url(f"/employees/{ben.kit.employee_id}/coverage")).get_json()
    assert coverage["items"] == []
    [change] = ben.kit.hr.get(ben.url("/eligibility-changes")).get_json()["items"]
    assert change["effective_on"] == str(later.replace(day=1) - timedelta(days=1))
    assert "contractor" in change["reason"]


def test_losing_eligibility_without_coverage_records_nothing(ben, mailbox):
    ben.plan(min_hours=30)
    _patch_employee(ben, hours_per_week=10)
    assert ben.kit.hr.get(ben.url("/eligibility-changes")).get_json()["total"] == 0
    assert mailbox == []


def test_gaining_eligibility_opens_a_window_for_those_plans(ben, mailbox):
    _patch_employee(ben, hours_per_week=20)
    medical, dental = ben.plan(min_hours=30), ben.plan(DENTAL)
    mailbox.clear()
    _patch_employee(ben, hours_per_week=38)
    windows = ben.kit.employee.get(ben.url("/windows")).get_json()["items"]
    assert len(windows) == 1
    window = windows[0]
    assert window["kind"] == "life_event" and window["employee_id"] == ben.kit.employee_id
    assert window["plan_ids"] == [medical["id"]] and window["status"] == "open"
    assert window["coverage_starts_on"] == str(last_day_of_month(date.today()) + timedelta(days=1))
    assert date.fromisoformat(window["ends_on"]) - date.fromisoformat(window["starts_on"]) == timedelta(days=30)
    [change] = ben.kit.hr.get(ben.url("/eligibility-changes?change=gained")).get_json()["items"]
    assert change["window_id"] == window["id"] and change["plan_name"] == "Gold PPO"
    [message] = mailbox
    assert "Gold PPO" in message.get_content() and f"/t/ben-a/benefits/enrol/{window['id']}" in message.get_content()
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    assert r.status_code == 201, r.get_json()
    # Gains are not HR's to review: nothing in the work queue.
    assert ben.kit.hr.get(ben.url("/eligibility-changes?change=lost&reviewed=false")).get_json()["total"] == 0


def test_a_plan_already_offered_in_an_open_window_opens_no_other(ben):
    _patch_employee(ben, hours_per_week=20)
    medical = ben.plan(min_hours=30)
    window = ben.window([medical["id"]])
    _patch_employee(ben, hours_per_week=40)
    assert [w["id"] for w in ben.kit.employee.get(ben.url("/windows")).get_json()["items"]] == [window["id"]]
    [change] = ben.kit.hr.get(ben.url("/eligibility-changes")).get_json()["items"]
    assert change["change"] == "gained" and change["window_id"] == window["id"]


def test_hire_date_change_can_end_a_waiting_period(ben):
    today = date.today()
    _patch_employee(ben, hire_date=str(today))
    plan = ben.plan(waiting_days=90)
    assert ben.kit.hr.get(ben.url("/windows?kind=life_event")).get_json()["total"] == 0
    _patch_employee(ben, hire_date=str(today - timedelta(days=365)))
    [window] = ben.kit.hr.get(ben.url("/windows?kind=life_event")).get_json()["items"]
    assert window["plan_ids"] == [plan["id"]]


def test_rehire_opens_a_new_hire_window(ben):
    plan = ben.plan()
    _patch_employee(ben, status="terminated", termination_date=str(date.today()))
    _patch_employee(ben, status="active")
    [window] = ben.kit.hr.get(ben.url("/windows?kind=new_hire")).get_json()["items"]
    assert window["employee_id"] == ben.kit.employee_id and window["plan_ids"] == [plan["id"]]


def test_other_changes_and_other_tenants_see_nothing(ben, ben_b):
    _covered(ben)
    _patch_employee(ben, department="Sales", job_title="Rep")
    assert ben.kit.hr.get(ben.url("/eligibility-changes")).get_json()["total"] == 0
    _patch_employee(ben, hours_per_week=5)
    change = ben.kit.hr.get(ben.url("/eligibility-changes")).get_json()["items"][0]
    assert ben_b.kit.hr.get(ben_b.url("/eligibility-changes")).get_json()["total"] == 0
    assert ben_b.kit.hr.post(ben_b.url(f"/eligibility-changes/{change['id']}/review")).status_code == 404


def test_lost_eligibility_reaches_the_work_queue_and_dashboard(app, ben):
    from hrbpo.core.ops.queue import work_items

    _covered(ben)
    _patch_employee(ben, hours_per_week=5)
    items = [i for i in work_items() if i.kind == "benefits.eligibility_lost"]
    assert [i.tenant_slug for i in items] == ["ben-a"] and items[0].due_on == last_day_of_month(date.today())
    from test_benefits_pages import browser

    home = browser(app, "hr@ben-a.test", "ben-a").get("/t/ben-a/").get_data(as_text=True)
    assert "1 coverage changes to review" in home
    page = browser(app, "hr@ben-a.test", "ben-a").get("/t/ben-a/benefits/eligibility").get_data(as_text=True)
    assert "Gold PPO" in page and "Mark reviewed" in page


def test_eligibility_lists_have_constant_statement_counts(app, ben, count_queries):
    from test_benefits_pages import browser

    web = browser(app, "hr@ben-a.test", "ben-a")
    counts = []
    for n in range(2):
        ben.plan(name=f"Plan {n}", min_hours=30)
        _patch_employee(ben, hours_per_week=10)
        _patch_employee(ben, hours_per_week=40)  # each round gains every plan again: more rows
        with count_queries() as q:
            assert ben.kit.hr.get(ben.url("/eligibility-changes")).status_code == 200
            assert ben.kit.hr.get(ben.url("/plans?status=all")).status_code == 200
            assert web.get("/t/ben-a/benefits/eligibility").status_code == 200
        counts.append(q.count)
    assert ben.kit.hr.get(ben.url("/eligibility-changes")).get_json()["total"] == 3
    assert counts[0] == counts[1]
