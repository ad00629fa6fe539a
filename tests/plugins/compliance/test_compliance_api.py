"""The compliance API contract (API.md "Compliance")."""
from datetime import date, timedelta

from compliance_helpers import ONBOARDING, PDF, PNG, add_employee, assign, make_template, move_due, upload


def test_create_and_read_template(acme):
    t = make_template(acme, {**ONBOARDING, "recurrence": "FREQ=YEARLY", "assign_on": "manual"})
    assert t["version"] == 1 and t["recurrence"] == "FREQ=YEARLY" and len(t["items"]) == 3
    assert t["items"][0]["owner"] == "employee"
    r = acme.hr.get(acme.url(f"/compliance/templates/{t['id']}"))
    assert r.status_code == 200 and r.get_json()["name"] == "Onboarding"
    listing = acme.hr.get(acme.url("/compliance/templates")).get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == t["id"]


def test_template_validation(acme):
    url = acme.url("/compliance/templates")
    r = acme.hr.post(url, json={**ONBOARDING, "recurrence": "FREQ=SOMETIMES"})
    assert r.status_code == 422 and "recurrence" in r.get_json()["errors"]
    r = acme.hr.post(url, json={**ONBOARDING, "recurrence": "FREQ=MINUTELY"})
    assert r.status_code == 422
    r = acme.hr.post(url, json={"name": "x", "items": [{"title": "t", "due_days": -1, "owner": "boss"}]})
    errors = r.get_json()["errors"]
    assert r.status_code == 422 and "items.0.due_days" in errors and "items.0.owner" in errors
    r = acme.hr.post(url, json={"name": "x", "items": []})
    assert r.status_code == 422
    r = acme.hr.post(url, data="{not json", content_type="application/json")
    assert r.status_code == 400


def test_employees_cannot_manage_templates(acme):
    assert acme.employee.post(acme.url("/compliance/templates"), json=ONBOARDING).status_code == 403
    assert acme.employee.get(acme.url("/compliance/templates")).status_code == 403


def test_editing_makes_a_new_version_and_running_checklists_keep_theirs(acme):
    t = make_template(acme)
    checklist = assign(acme, t["id"])[0]
    r = acme.hr.patch(acme.url(f"/compliance/templates/{t['id']}"),
                      json={"items": [{"title": "Only item", "due_days": 10}]})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    r = acme.hr.put(acme.url(f"/compliance/templates/{t['id']}"), json={**ONBOARDING, "name": "Onboarding v3"})
    assert r.get_json()["version"] == 3
    versions = acme.hr.get(acme.url(f"/compliance/templates/{t['id']}/versions")).get_json()
    assert [v["number"] for v in versions] == [1, 2, 3] and versions[1]["items"][0]["title"] == "Only item"
    old = acme.hr.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()
    assert old["template_version"] == 1 and len(old["items"]) == 3
    new = assign(acme, t["id"])[0]
    assert new["template_version"] == 3 and new["name"] == "Onboarding v3"


def test_assignment_makes_one_checklist_per_employee_with_due_dates(acme):
    t = make_template(acme)
    second = add_employee(acme, "ola@acme.test")
    made = assign(acme, t["id"], [acme.employee_id, second])
    assert sorted(c["employee_id"] for c in made) == sorted([acme.employee_id, second])
    today = date.today()  # tenant time zone is UTC
    items = made[0]["items"]
    assert [i["due_on"] for i in items] == [str(today + timedelta(days=d)) for d in (3, 5, 1)]
    assert all(i["status"] == "open" for i in items)
    assert made[0]["progress"] == 0 and made[0]["total"] == 3


def test_assignment_with_unknown_ids_is_422(acme, other):
    t = make_template(acme)
    foreign = make_template(other)
    r = acme.hr.post(acme.url("/compliance/assignments"), json={"template_id": foreign["id"],
                                                                "employee_ids": [acme.employee_id]})
    assert r.status_code == 422 and "template_id" in r.get_json()["errors"]
    r = acme.hr.post(acme.url("/compliance/assignments"), json={"template_id": t["id"],
                                                                "employee_ids": [other.employee_id]})
    assert r.status_code == 422 and "employee_ids" in r.get_json()["errors"]
    assert acme.hr.get(acme.url("/compliance/checklists")).get_json()["total"] == 0


def test_complete_requires_attestation_and_evidence(acme):
    t = make_template(acme)
    checklist = assign(acme, t["id"])[0]
    attest, evidence, plain = (i["id"] for i in checklist["items"])
    base = acme.url(f"/compliance/checklists/{checklist['id']}/items")
    r = acme.employee.post(f"{base}/{attest}/complete", json={})
    assert r.status_code == 422 and "attestation" in r.get_json()["errors"]
    r = acme.employee.post(f"{base}/{evidence}/complete", json={})
    assert r.status_code == 422 and "evidence_file_id" in r.get_json()["errors"]
    r = acme.employee.post(f"{base}/{attest}/complete", json={"attestation": True},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert r.status_code == 200, r.get_json()
    item = r.get_json()
    assert item["status"] == "done" and item["review"] == "pending"
    [signed] = item["attestations"]
    assert signed["statement"] == "I have read and accept the employee handbook."
    assert signed["client_address"] == "203.0.113.9" and signed["user_email"] == "emp@acme.test"
    assert acme.employee.post(f"{base}/{attest}/complete", json={"attestation": True}).status_code == 409
    file_id = upload(acme.employee, acme, PDF, "passport.pdf").get_json()["id"]
    r = acme.employee.post(f"{base}/{evidence}/complete", json={"evidence_file_id": file_id})
    assert r.status_code == 200 and r.get_json()["evidence_file_id"] == file_id
    acme.employee.post(f"{base}/{plain}/complete", json={})
    done = acme.employee.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()
    assert done["status"] == "done" and done["progress"] == 100 and done["done"] == 3


def test_evidence_must_be_the_callers_own_upload(acme):
    t = make_template(acme)
    checklist = assign(acme, t["id"])[0]
    evidence = checklist["items"][1]["id"]
    hr_file = upload(acme.hr, acme).get_json()["id"]
    r = acme.employee.post(acme.url(f"/compliance/checklists/{checklist['id']}/items/{evidence}/complete"),
                           json={"evidence_file_id": hr_file})
    assert r.status_code == 422 and "evidence_file_id" in r.get_json()["errors"]


def test_attestation_is_only_the_employees(acme):
    t = make_template(acme)
    checklist = assign(acme, t["id"])[0]
    url = acme.url(f"/compliance/checklists/{checklist['id']}/items/{checklist['items'][0]['id']}/complete")
    assert acme.hr.post(url, json={"attestation": True}).status_code == 403


def test_employee_sees_and_completes_only_own(acme):
    t = make_template(acme)
    second = add_employee(acme, "ola@acme.test")
    theirs = assign(acme, t["id"], [second])[0]
    mine = assign(acme, t["id"])[0]
    listing = acme.employee.get(acme.url("/compliance/checklists")).get_json()
    assert [c["id"] for c in listing["items"]] == [mine["id"]]
    assert acme.employee.get(acme.url(f"/compliance/checklists?employee_id={second}")).get_json()["total"] == 0
    assert acme.employee.get(acme.url(f"/compliance/checklists/{theirs['id']}")).status_code == 404
    r = acme.employee.post(acme.url(f"/compliance/checklists/{theirs['id']}/items/{theirs['items'][2]['id']}/complete"),
                           json={})
    assert r.status_code == 404
    assert acme.hr.get(acme.url("/compliance/checklists")).get_json()["total"] == 2


def test_item_owned_by_hr_is_not_the_employees(acme):
    t = make_template(acme, {"name": "Checks", "items": [{"title": "Verify ID", "due_days": 2, "owner": "hr_admin"},
                                                        {"title": "BPO audit", "due_days": 2, "owner": "operator"}]})
    checklist = assign(acme, t["id"])[0]
    base = acme.url(f"/compliance/checklists/{checklist['id']}/items")
    hr_item, ops_item = (i["id"] for i in checklist["items"])
    assert acme.employee.post(f"{base}/{hr_item}/complete", json={}).status_code == 403
    assert acme.hr.post(f"{base}/{ops_item}/complete", json={}).status_code == 403
    r = acme.hr.post(f"{base}/{hr_item}/complete", json={})
    assert r.status_code == 200 and r.get_json()["review"] == "approved"
    assert acme.operator.post(f"{base}/{ops_item}/complete", json={}).status_code == 200


def test_status_filter_and_overdue(acme):
    t = make_template(acme, {"name": "Late", "items": [{"title": "Late item", "due_days": 0}]})
    late = assign(acme, t["id"])[0]
    fresh = assign(acme, make_template(acme)["id"])[0]
    move_due(acme, late["items"][0]["id"], 1)
    overdue = acme.hr.get(acme.url("/compliance/checklists?status=overdue")).get_json()
    assert [c["id"] for c in overdue["items"]] == [late["id"]]
    open_ = acme.hr.get(acme.url("/compliance/checklists?status=open")).get_json()
    assert [c["id"] for c in open_["items"]] == [fresh["id"]]
    detail = acme.hr.get(acme.url(f"/compliance/checklists/{late['id']}")).get_json()
    assert detail["items"][0]["status"] == "overdue" and detail["status"] == "overdue"
    assert acme.hr.get(acme.url("/compliance/checklists?status=nope")).status_code == 422


def test_review_approve_send_back_waive(acme):
    t = make_template(acme)
    checklist = assign(acme, t["id"])[0]
    base = acme.url(f"/compliance/checklists/{checklist['id']}/items")
    attest, evidence, plain = (i["id"] for i in checklist["items"])
    acme.employee.post(f"{base}/{plain}/complete", json={})
    assert acme.employee.post(f"{base}/{plain}/approve").status_code == 403
    r = acme.hr.post(f"{base}/{plain}/send-back", json={"comment": "Wrong bank account"})
    assert r.status_code == 200 and r.get_json()["status"] == "open" and r.get_json()["review"] == "returned"
    assert r.get_json()["review_comment"] == "Wrong bank account"
    assert acme.hr.post(f"{base}/{plain}/approve").status_code == 409
    acme.employee.post(f"{base}/{plain}/complete", json={})
    r = acme.hr.post(f"{base}/{plain}/approve")
    assert r.status_code == 200 and r.get_json()["review"] == "approved"
    assert acme.hr.post(f"{base}/{evidence}/waive", json={}).status_code == 422
    r = acme.hr.post(f"{base}/{evidence}/waive", json={"reason": "Citizen"})
    assert r.status_code == 200 and r.get_json()["status"] == "waived"
    assert acme.hr.post(f"{base}/{evidence}/waive", json={"reason": "again"}).status_code == 409
    detail = acme.hr.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()
    assert (detail["done"], detail["waived"], detail["total"], detail["progress"]) == (1, 1, 3, 67)


def test_list_issues_constant_statements(acme, count_queries):
    t = make_template(acme)
    assign(acme, t["id"])
    with count_queries() as one:
        assert acme.hr.get(acme.url("/compliance/checklists")).status_code == 200
    ids = [add_employee(acme, f"e{n}@acme.test") for n in range(5)]
    assign(acme, t["id"], ids)
    with count_queries() as many:
        r = acme.hr.get(acme.url("/compliance/checklists"))
    assert r.get_json()["total"] == 6
    assert many.count == one.count


def test_files_judged_by_content(acme, app, monkeypatch):
    r = upload(acme.employee, acme, PNG, "looks-like.pdf")
    assert r.status_code == 201
    file_id = r.get_json()["id"]
    got = acme.employee.get(acme.url(f"/compliance/files/{file_id}"))
    assert got.status_code == 200 and got.mimetype == "image/png" and got.data == PNG
    # Named by the judged type, not by the uploader: "looks-like.pdf" leaves as a PNG.
    assert got.headers["Content-Disposition"] == (f'attachment; filename="compliance-evidence-{file_id}.png"; '
                                                  f"filename*=UTF-8''compliance-evidence-{file_id}.png")
    assert upload(acme.employee, acme, b"just some text", "notes.pdf").status_code == 415
    monkeypatch.setitem(app.config, "HRBPO_MAX_UPLOAD_BYTES", 32)
    assert upload(acme.employee, acme, PDF, "big.pdf").status_code == 413
    r = acme.employee.post(acme.url("/compliance/files"), data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and "file" in r.get_json()["errors"]


def test_file_download_only_for_allowed_people(acme):
    second = add_employee(acme, "ola@acme.test")
    acme.hr.post(acme.url("/users"), json={"email": "ola@acme.test", "password": "correct-horse-battery",
                                            "role": "employee", "employee_id": second})
    from hrbpo.testing import login

    ola = login(acme.employee.client, "ola@acme.test")
    file_id = upload(acme.employee, acme).get_json()["id"]
    assert ola.get(acme.url(f"/compliance/files/{file_id}")).status_code == 404
    assert acme.hr.get(acme.url(f"/compliance/files/{file_id}")).status_code == 200
