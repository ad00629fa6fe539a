"""Calendar feeds, completion report and audit pack."""
import csv
import io
import json
import zipfile

import icalendar

from compliance_helpers import PDF, add_employee, assign, make_template, upload


def _events(body):
    cal = icalendar.Calendar.from_ical(body)
    return [e for e in cal.walk("VEVENT")]


def test_calendar_has_one_all_day_event_per_open_item(acme):
    t = make_template(acme)
    checklist = assign(acme, t["id"])[0]
    plain = checklist["items"][2]["id"]
    acme.employee.post(acme.url(f"/compliance/checklists/{checklist['id']}/items/{plain}/complete"), json={})
    assign(acme, t["id"], [add_employee(acme, "ola@acme.test")])
    r = acme.hr.get(acme.url("/compliance/calendar.ics"))
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    events = _events(r.data)
    assert len(events) == 5
    assert b"DTSTART;VALUE=DATE:" in r.data
    assert {str(e["SUMMARY"]).split(" — ")[1] for e in events} == {"Erin Acme", "Ola Nordmann"}
    mine = _events(acme.employee.get(acme.url("/compliance/calendar.ics")).data)
    assert len(mine) == 2


def test_private_feed_url_needs_no_login_and_can_be_revoked(acme, client):
    t = make_template(acme)
    assign(acme, t["id"])
    r = acme.employee.post(acme.url("/compliance/calendar-feeds"), json={})
    assert r.status_code == 201
    url = r.get_json()["url"]
    path = url[url.index("/compliance-feeds/"):]
    feed = client.get(path)
    assert feed.status_code == 200 and len(_events(feed.data)) == 3
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    acme.employee.post(acme.url("/compliance/calendar-feeds"), json={})
    assert client.get(path).status_code == 404
    other = add_employee(acme, "ola@acme.test")
    assert acme.employee.post(acme.url("/compliance/calendar-feeds"), json={"employee_id": other}).status_code == 404
    assert acme.hr.post(acme.url("/compliance/calendar-feeds"), json={"employee_id": other}).status_code == 201


def test_feed_is_404_when_module_is_switched_off(acme, client):
    url = acme.employee.post(acme.url("/compliance/calendar-feeds"), json={}).get_json()["url"]
    path = url[url.index("/compliance-feeds/"):]
    acme.operator.delete(f"/api/v1/tenants/{acme.slug}/modules/compliance")
    assert client.get(path).status_code == 404


def test_report_json_and_csv(acme):
    t = make_template(acme)
    second = add_employee(acme, "ola@acme.test")
    checklist = assign(acme, t["id"])[0]
    assign(acme, t["id"], [second])
    plain = checklist["items"][2]["id"]
    acme.employee.post(acme.url(f"/compliance/checklists/{checklist['id']}/items/{plain}/complete"), json={})
    rows = acme.hr.get(acme.url("/compliance/report?format=json")).get_json()["items"]
    by_employee = {r["employee_name"]: r for r in rows}
    assert by_employee["Erin Acme"]["items_done"] == 1 and by_employee["Erin Acme"]["progress"] == 33
    assert by_employee["Ola Nordmann"]["items_total"] == 3 and by_employee["Ola Nordmann"]["progress"] == 0
    r = acme.hr.get(acme.url("/compliance/report?format=csv"))
    assert r.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(r.data.decode())))
    assert len(table) == 2 and {row["template_name"] for row in table} == {"Onboarding"}
    assert acme.hr.get(acme.url("/compliance/report?format=csv&from=2999-01-01")).data.count(b"\n") == 1
    assert acme.hr.get(acme.url("/compliance/report?format=xml")).status_code == 422
    assert acme.employee.get(acme.url("/compliance/report")).status_code == 403


def test_audit_pack_holds_report_evidence_and_trail(acme):
    t = make_template(acme)
    checklist = assign(acme, t["id"])[0]
    attest, evidence, _ = (i["id"] for i in checklist["items"])
    base = acme.url(f"/compliance/checklists/{checklist['id']}/items")
    acme.employee.post(f"{base}/{attest}/complete", json={"attestation": True})
    file_id = upload(acme.employee, acme, PDF, "passport.exe").get_json()["id"]  # named by its judged type
    acme.employee.post(f"{base}/{evidence}/complete", json={"evidence_file_id": file_id})
    r = acme.hr.get(acme.url(f"/compliance/audit-pack?checklist_ids={checklist['id']}"))
    assert r.status_code == 200 and r.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    names = set(archive.namelist())
    assert {"README.txt", "report.csv", "report.json", "items.csv", "audit.csv", "SHA256SUMS",
            f"checklists/{checklist['id']}.json", f"evidence/{checklist['id']}/{evidence}.pdf"} <= names
    assert archive.read(f"evidence/{checklist['id']}/{evidence}.pdf") == PDF
    record = json.loads(archive.read(f"checklists/{checklist['id']}.json"))
    assert record["items"][0]["attestations"][0]["statement"] == "I have read and accept the employee handbook."
    trail = archive.read("audit.csv").decode()
    assert "compliance.item.complete" in trail and "compliance.checklist.assign" in trail
    assert acme.hr.get(acme.url("/compliance/audit-pack?checklist_ids=nope")).status_code == 422
