"""Bad input never answers 500 on the benefits API."""
import itertools

NASTY = [None, "", "x" * 5000, -1, 10 ** 30, 1.5, True, [], {}, ["x"], {"a": 1}, "1e999", "NaN",
         "00000000-0000-0000-0000-000000000000", "2024-02-30", "9999-99-99"]
FIELDS = {
    "/plans": ["name", "kind", "carrier", "currency", "tiers", "child_age_limit", "employment_types", "min_hours"],
    "/windows": ["name", "kind", "starts_on", "ends_on", "coverage_starts_on", "plan_ids", "employee_id"],
    "/enrollments": ["window_id", "employee_id", "elections"],
}


def test_no_500_on_bad_bodies(ben, open_window):
    window, medical, _ = open_window
    good = {
        "/plans": {"name": "P", "kind": "dental", "currency": "USD", "tiers": [
            {"tier": "employee", "employee_cost": "1", "employer_cost": "1", "period": "month"}]},
        "/windows": {"name": "W", "kind": "open", "starts_on": "2026-01-01", "ends_on": "2026-02-01",
                     "coverage_starts_on": "2026-03-01", "plan_ids": [medical["id"]]},
        "/enrollments": {"window_id": window["id"], "employee_id": ben.kit.employee_id, "elections": [
            {"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}]},
    }
    for path, fields in FIELDS.items():
        for field, value in itertools.product(fields, NASTY):
            r = ben.kit.hr.post(ben.url(path), json={**good[path], field: value})
            assert r.status_code < 500, (path, field, value, r.get_json())
        for nested in ({"elections": [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": [v]}]}
                       for v in NASTY):
            assert ben.kit.hr.post(ben.url("/enrollments"), json={**good["/enrollments"], **nested}).status_code < 500
    for body in (b"{", b"[]", b"null", b'"x"'):
        r = ben.kit.hr.post(ben.url("/plans"), data=body, content_type="application/json")
        assert r.status_code in (400, 422)
    for query in ("window_id=nope", "window_id=00000000-0000-0000-0000-000000000000", "kind=other&window_id=1",
                  f"window_id={window['id']}&kind=bogus"):
        assert ben.kit.hr.get(ben.url(f"/exports/834?{query}")).status_code < 500
    assert ben.kit.hr.get(ben.url("/enrollments?window_id=bad&status=x")).status_code == 422
    assert ben.kit.hr.get(ben.url("/plans/not-a-uuid")).status_code == 404
    assert ben.kit.hr.patch(ben.url("/settings"), json={"new_hire_window_days": "x"}).status_code == 422
    r = ben.kit.employee.post(ben.url("/life-events"), data={"kind": "birth", "event_date": "nope"},
                              content_type="multipart/form-data")
    assert r.status_code == 422
