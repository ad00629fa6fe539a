"""Portal pages: employee task list and item page, HR dashboard and template editor."""
import io

from compliance_helpers import PNG, assign, csrf, make_template, web


def test_employee_completes_an_item_with_upload_and_attestation(app, acme):
    t = make_template(acme, {"name": "Policies", "items": [
        {"title": "Code of conduct", "due_days": 3, "requires_attestation": True, "requires_evidence": True,
         "attestation_text": "I will behave."}]})
    checklist = assign(acme, t["id"])[0]
    item = checklist["items"][0]["id"]
    browser = web(app, "emp@acme.test", "acme")
    home = browser.get("/t/acme/compliance/").get_data(as_text=True)
    assert "Policies" in home and "<progress" in home and "style=" not in home
    url = f"/t/acme/compliance/checklists/{checklist['id']}/items/{item}"
    page = browser.get(url).get_data(as_text=True)
    assert "I will behave." in page and 'type="file"' in page and "style=" not in page
    r = browser.post(f"{url}/complete", data={"csrf_token": csrf(page), "attestation": "yes"},
                     content_type="multipart/form-data")
    assert r.status_code == 303  # missing evidence: back to the item with a message
    assert acme.hr.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()["done"] == 0
    r = browser.post(f"{url}/complete", data={"csrf_token": csrf(page), "attestation": "yes",
                                              "file": (io.BytesIO(PNG), "scan.png")},
                     content_type="multipart/form-data")
    assert r.status_code == 303
    done = acme.hr.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()
    assert done["progress"] == 100 and done["items"][0]["attestations"][0]["statement"] == "I will behave."
    assert browser.post(f"{url}/approve", data={"csrf_token": csrf(page)}).status_code == 403


def test_hr_dashboard_and_template_editor(app, acme):
    t = make_template(acme)
    assign(acme, t["id"])
    browser = web(app, "hr@acme.test", "acme")
    dashboard = browser.get("/t/acme/compliance/").get_data(as_text=True)
    assert "Completion by template" in dashboard and "Onboarding" in dashboard and "style=" not in dashboard
    form = browser.get("/t/acme/compliance/templates/new").get_data(as_text=True)
    assert 'for="items-0-title"' in form
    r = browser.post("/t/acme/compliance/templates/new", data={
        "csrf_token": csrf(form), "rows": "1", "name": "Yearly training", "repeat": "yearly", "interval": "1",
        "month": "3", "monthday": "15", "assign_on": "manual", "items-0-title": "Harassment course",
        "items-0-due_days": "30", "items-0-owner": "employee"})
    assert r.status_code == 303
    created = [x for x in acme.hr.get(acme.url("/compliance/templates")).get_json()["items"]
               if x["name"] == "Yearly training"][0]
    assert created["recurrence"] == "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15" and created["items"][0]["due_days"] == 30
    r = browser.post(f"/t/acme/compliance/templates/{created['id']}/assign",
                     data={"csrf_token": csrf(form), "audience": "pick", "employee_ids": [acme.employee_id]})
    assert r.status_code == 303
    assert acme.hr.get(acme.url(f"/compliance/checklists?template_id={created['id']}")).get_json()["total"] == 1


def test_template_editor_keeps_the_form_on_error_and_takes_any_number_of_items(app, acme):
    browser = web(app, "hr@acme.test", "acme")
    form = browser.get("/t/acme/compliance/templates/new").get_data(as_text=True)
    assert 'name="recurrence"' not in form and 'name="repeat"' in form  # a picker, no raw RRULE box
    body = {"csrf_token": csrf(form), "name": "Quarterly", "repeat": "monthly", "interval": "3", "monthday": "-1",
            "weekday": "MO", "month": "1", "rows": "5", "items-3-remove": "yes",
            **{f"items-{n}-title": f"Step {n}" for n in range(5)}, **{f"items-{n}-due_days": "2" for n in range(5)}}
    # "Add item" without JavaScript: the form again, a blank row more, nothing saved.
    r = browser.post("/t/acme/compliance/templates/new", data={**body, "add_item": "1"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and page.count('class="compliance-item-row"') == 4 + 1 + 1  # kept, blank, template
    assert 'value="Step 4"' in page and 'value="Step 3"' not in page
    assert acme.hr.get(acme.url("/compliance/templates")).get_json()["total"] == 0
    # An error: every field kept, the message beside the field, in words.
    r = browser.post("/t/acme/compliance/templates/new", data={**body, "items-1-due_days": "9999"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'value="Quarterly"' in page and 'value="Step 4"' in page
    assert 'id="items-1-due_days-error">Must be from 0 to 3650.</span>' in page
    assert '<option value="-1" selected>' in page and "Traceback" not in page and "RRULE:" not in page
    r = browser.post("/t/acme/compliance/templates/new", data=body)
    assert r.status_code == 303
    saved = acme.hr.get(acme.url("/compliance/templates")).get_json()["items"][0]
    assert saved["recurrence"] == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"
    assert [i["title"] for i in saved["items"]] == ["Step 0", "Step 1", "Step 2", "Step 4"]
    assert "<td>Every 3 months on the last day</td>" in browser.get("/t/acme/compliance/templates").get_data(as_text=True)
    # A rule the picker cannot show (set through the API) is kept as it is.
    rule = "DTSTART:20250101T000000\nRRULE:FREQ=MONTHLY"
    assert acme.hr.patch(acme.url(f"/compliance/templates/{saved['id']}"), json={"recurrence": rule}).status_code == 200
    page = browser.get(f"/t/acme/compliance/templates/{saved['id']}").get_data(as_text=True)
    r = browser.post(f"/t/acme/compliance/templates/{saved['id']}", data={
        "csrf_token": csrf(page), "name": "Quarterly", "repeat": "custom", "recurrence_custom": rule,
        "rows": "1", "items-0-title": "Renamed", "items-0-due_days": "1"})
    assert r.status_code == 303
    assert acme.hr.get(acme.url(f"/compliance/templates/{saved['id']}")).get_json()["recurrence"] == rule


def test_employee_cannot_open_template_editor(app, acme):
    browser = web(app, "emp@acme.test", "acme")
    assert browser.get("/t/acme/compliance/templates").status_code == 403


def test_checklists_page_lists_filters_and_pages_in_constant_statements(app, acme, other, count_queries):
    from compliance_helpers import add_employee, move_due

    onboarding, policies = make_template(acme), make_template(acme, {"name": "Policies", "items": [
        {"title": "Read the policy", "due_days": 10}]})
    assign(acme, onboarding["id"])
    late = assign(acme, policies["id"], [acme.employee_id, add_employee(acme, "ola@acme.test")])
    move_due(acme, late[0]["items"][0]["id"], 2)
    assign(other, make_template(other, {"name": "Other's list", "items": [{"title": "x", "due_days": 1}]})["id"])
    hr = web(app, "hr@acme.test", "acme")
    html = hr.get("/t/acme/compliance/").get_data(as_text=True)
    assert 'href="/t/acme/compliance/checklists"' in html
    assert f'href="/t/acme/compliance/checklists?template_id={policies["id"]}"' in html
    html = hr.get("/t/acme/compliance/checklists").get_data(as_text=True)
    assert html.count("/t/acme/compliance/checklists/") == 3 and "Other's list" not in html
    assert "Nordmann" in html and "Erin" in html
    overdue = hr.get("/t/acme/compliance/checklists?status=overdue").get_data(as_text=True)
    assert overdue.count("/t/acme/compliance/checklists/") == 1 and late[0]["id"] in overdue
    by_template = hr.get(f"/t/acme/compliance/checklists?template_id={onboarding['id']}").get_data(as_text=True)
    assert by_template.count("/t/acme/compliance/checklists/") == 1
    assert hr.get("/t/acme/compliance/checklists?template_id=nonsense&status=bogus").status_code == 200
    # The employee sees their own only.
    mine = web(app, "emp@acme.test", "acme").get("/t/acme/compliance/checklists").get_data(as_text=True)
    assert mine.count("/t/acme/compliance/checklists/") == 2 and "Nordmann" not in mine
    # No statement per row: more checklists, same count.
    with count_queries() as few:
        assert hr.get("/t/acme/compliance/checklists").status_code == 200
    for _ in range(3):
        assign(acme, policies["id"])
    with count_queries() as many:
        assert hr.get("/t/acme/compliance/checklists").status_code == 200
    assert many.count == few.count
