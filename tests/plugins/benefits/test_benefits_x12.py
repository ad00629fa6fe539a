"""The carrier feed: X12 834 files that pyx12 accepts."""
import io
import re
from datetime import date

import pyx12.error_handler
import pyx12.params
import pyx12.x12n_document


def validate(text: str) -> tuple[bool, str]:
    """pyx12's verdict on an X12 document, with its 999 acknowledgement for the failure message."""
    ack = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), ack, None)
    return ok, ack.getvalue()


def test_full_file_validates_with_dependants(ben, open_window):
    window, medical, dental = open_window
    spouse = ben.dependent("spouse", national_id="987-65-4321")
    child = ben.dependent("child", born="2015-06-07", first_name="Kid")
    r = ben.enrol(window["id"], [
        {"plan_id": medical["id"], "tier": "family", "dependent_ids": [spouse["id"], child["id"]]},
        {"plan_id": dental["id"], "tier": "employee", "dependent_ids": []}])
    assert r.status_code == 201, r.get_json()
    r = ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}"))
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/edi-x12" and "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    ok, ack = validate(text)
    assert ok, text + "\n" + ack
    assert text.count("ISA*") == 2  # one interchange per carrier
    assert "INS*N*01*030" in text and "INS*N*19*030" in text and "HD*030**HLT*GOLD PPO*FAM" in text


def control_numbers(text):
    return [int(n) for n in re.findall(r"\*00501\*(\d{9})\*", text)]


def test_change_file_reports_adds_changes_and_terminations(ben, open_window):
    window, medical, dental = open_window
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    other = ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "Tom", "last_name": "Leaver", "email": "tom@ben-a.test", "hire_date": "2020-01-01"}).get_json()
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}],
              client=ben.kit.hr, employee_id=other["id"])
    url = ben.url(f"/exports/834?window_id={window['id']}&carrier=Acme Health")
    full = ben.kit.hr.get(url).get_data(as_text=True)
    assert validate(full)[0] and full.count("INS*Y*18*030") == 2
    assert ben.kit.hr.get(url + "&kind=change").status_code == 409  # nothing changed since

    # The employee switches tier; Tom leaves; a new subscriber joins.
    spouse = ben.dependent("spouse")
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee_spouse", "dependent_ids": [spouse["id"]]}])
    ben.kit.hr.patch(ben.kit.url(f"/employees/{other['id']}"), json={"termination_date": str(date.today())})
    joiner = ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "Jo", "last_name": "Iner", "email": "jo@ben-a.test", "hire_date": "2020-01-01"}).get_json()
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}],
              client=ben.kit.hr, employee_id=joiner["id"])
    change = ben.kit.hr.get(url + "&kind=change").get_data(as_text=True)
    ok, ack = validate(change)
    assert ok, change + ack
    assert "BGN*00*" in change and "INS*Y*18*001" in change and "INS*N*01*001" in change
    # Tom left before his coverage began: it ends the day it would have started.
    starts = window["coverage_starts_on"].replace("-", "")
    assert "INS*Y*18*024*07*A***TE" in change and f"DTP*349*D8*{starts}" in change
    assert "INS*Y*18*021*28" in change
    assert control_numbers(change)[0] > control_numbers(full)[0]


def test_control_numbers_increase_per_tenant(ben, ben_b, open_window):
    window, medical, dental = open_window
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                             {"plan_id": dental["id"], "tier": "employee", "dependent_ids": []}])
    first = control_numbers(ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}")).get_data(as_text=True))
    second = control_numbers(ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}")).get_data(as_text=True))
    assert first == [1, 2] and second == [3, 4]
    plan_b = ben_b.plan()
    window_b = ben_b.window([plan_b["id"]])
    ben_b.enrol(window_b["id"], [{"plan_id": plan_b["id"], "tier": "employee", "dependent_ids": []}])
    text_b = ben_b.kit.hr.get(ben_b.url(f"/exports/834?window_id={window_b['id']}")).get_data(as_text=True)
    assert control_numbers(text_b) == [1]


def test_834_needs_hr_and_a_window(ben, open_window):
    window, _, _ = open_window
    assert ben.kit.employee.get(ben.url(f"/exports/834?window_id={window['id']}")).status_code == 403
    assert ben.kit.hr.get(ben.url("/exports/834")).status_code == 422
    assert ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}")).status_code == 409  # nobody covered


def test_names_in_other_scripts_still_validate(ben, open_window):
    window, medical, _ = open_window
    for first, last, email in (("Bjørn", "Ærøskøbing", "bjorn@ben-a.test"), ("عائشہ", "خان", "aisha@ben-a.test")):
        employee = ben.kit.hr.post(ben.kit.url("/employees"), json={
            "first_name": first, "last_name": last, "email": email, "hire_date": "2020-01-01"}).get_json()
        r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}],
                      client=ben.kit.hr, employee_id=employee["id"])
        assert r.status_code == 201
    text = ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}")).get_data(as_text=True)
    ok, ack = validate(text)
    assert ok, text + ack
    assert "NM1*IL*1*AEROSKOBING*BJORN" in text and "NM1*IL*1*UNKNOWN*UNKNOWN" in text


def test_concurrent_exports_get_distinct_control_numbers(ben, open_window, app):
    import threading

    import pytest

    if app.config["HRBPO_BACKEND"] != "postgresql":
        pytest.skip("SQLite serialises writers")
    window, medical, _ = open_window
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    barrier, numbers = threading.Barrier(3), []

    def export():
        client = app.test_client()
        barrier.wait()
        r = client.get(ben.url(f"/exports/834?window_id={window['id']}"),
                       headers={"Authorization": f"Bearer {ben.kit.hr.token}"})
        assert r.status_code == 200
        numbers.extend(control_numbers(r.get_data(as_text=True)))

    threads = [threading.Thread(target=export) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == [1, 2, 3]


def test_834_as_a_background_job(ben, ben_b, open_window, worker):
    window, medical, _dental = open_window
    assert ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}]).status_code == 201
    r = ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}"), headers={"Prefer": "respond-async"})
    assert r.status_code == 202 and r.headers["Preference-Applied"] == "respond-async"
    job_url = r.headers["Location"]
    worker.run()
    job = ben.kit.hr.get(job_url).get_json()
    assert (job["status"], job["kind"]) == ("succeeded", "benefits.834"), job
    download = ben.kit.hr.get(job["result"]["download"])
    assert download.status_code == 200 and validate(download.get_data(as_text=True))[0]
    assert ben_b.kit.hr.get(job_url).status_code == 404  # another tenant's job
    assert ben_b.kit.hr.get(job["result"]["download"]).status_code == 404
    assert ben.kit.employee.get(job["result"]["download"]).status_code in (403, 404)
