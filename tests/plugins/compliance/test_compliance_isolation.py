"""Tenant B's ids answer 404 everywhere; module off answers 404."""
import pytest

from compliance_helpers import assign, make_template, upload


@pytest.fixture
def foreign(other):
    t = make_template(other)
    checklist = assign(other, t["id"])[0]
    file_id = upload(other.employee, other).get_json()["id"]
    return {"template": t["id"], "checklist": checklist["id"], "item": checklist["items"][2]["id"], "file": file_id}


def test_other_tenants_ids_are_404(acme, foreign):
    c, i = foreign["checklist"], foreign["item"]
    for path in (f"/compliance/templates/{foreign['template']}", f"/compliance/templates/{foreign['template']}/versions",
                 f"/compliance/checklists/{c}", f"/compliance/files/{foreign['file']}",
                 f"/compliance/audit-pack?checklist_ids={c}"):
        assert acme.hr.get(acme.url(path)).status_code == 404, path
    assert acme.hr.patch(acme.url(f"/compliance/templates/{foreign['template']}"), json={"name": "x"}).status_code == 404
    for action, body in (("complete", {}), ("approve", None), ("send-back", {"comment": "x"}),
                         ("waive", {"reason": "x"})):
        r = acme.hr.post(acme.url(f"/compliance/checklists/{c}/items/{i}/{action}"), json=body)
        assert r.status_code == 404, action


def test_lists_never_show_other_tenants_rows(acme, foreign):
    assert acme.hr.get(acme.url("/compliance/checklists")).get_json()["total"] == 0
    assert acme.hr.get(acme.url("/compliance/templates")).get_json()["total"] == 0
    assert acme.hr.get(acme.url("/compliance/report")).get_json()["items"] == []
    assert b"VEVENT" not in acme.hr.get(acme.url("/compliance/calendar.ics")).data


def test_other_tenants_users_get_404(acme, other):
    assert other.hr.get(acme.url("/compliance/checklists")).status_code == 404


def test_module_off_is_404(tenant_a):
    for path in ("/compliance/templates", "/compliance/checklists", "/compliance/calendar.ics", "/compliance/report"):
        assert tenant_a.hr.get(tenant_a.url(path)).status_code == 404, path
    assert tenant_a.hr.post(tenant_a.url("/compliance/templates"), json={}).status_code == 404
    assert tenant_a.hr.get("/t/tenant-a/compliance/").status_code in (302, 404)
