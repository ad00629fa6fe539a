"""CSV import of employees: all or nothing, every bad line reported."""
import io

HEADER = "first_name,last_name,email,hire_date,national_id\n"


def _upload(kit, text, client=None):
    return (client or kit.hr).post(kit.url("/employees/import"),
                                   data={"file": (io.BytesIO(text.encode()), "people.csv")},
                                   content_type="multipart/form-data")


def test_import_good_file(tenant_a):
    r = _upload(tenant_a, HEADER + "Ann,One,ann@a.test,2024-01-01,111-22-3333\nBob,Two,bob@a.test,2023-05-05,\n")
    assert r.status_code == 201 and r.get_json() == {"imported": 2}
    items = tenant_a.hr.get(tenant_a.url("/employees")).get_json()["items"]
    assert {"ann@a.test", "bob@a.test"} <= {e["email"] for e in items}
    ann = next(e for e in items if e["email"] == "ann@a.test")
    assert ann["national_id_last4"] == "3333"


def test_bad_rows_reported_by_line_and_nothing_imported(tenant_a):
    text = (HEADER
            + "Ann,One,ann@a.test,2024-01-01,\n"       # line 2 ok
            + ",Two,bad-email,2024-01-01,\n"           # line 3 bad
            + "Cy,Three,cy@a.test,not-a-date,\n"       # line 4 bad
            + "Di,Four,ann@a.test,2024-01-01,\n"       # line 5 duplicate of line 2
            + f"Ed,Five,emp@{tenant_a.slug}.test,2024-01-01,\n")  # line 6 exists already
    r = _upload(tenant_a, text)
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert set(errors) == {"3", "4", "5", "6"}
    assert any("email" in m for m in errors["3"]) and any("first_name" in m for m in errors["3"])
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 1


def test_control_characters_in_a_cell_are_reported_by_line(tenant_a):
    r = _upload(tenant_a, HEADER + "Ann,One,ann@a.test,2024-01-01,\nB\x00b,Two,bob@a.test,2024-01-01,\n")
    assert r.status_code == 422 and set(r.get_json()["errors"]) == {"3"}
    assert "first_name" in r.get_json()["errors"]["3"][0]
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 1


def test_bad_header_is_line_1(tenant_a):
    r = _upload(tenant_a, "first_name,surname\nA,B\n")
    assert r.status_code == 422 and "1" in r.get_json()["errors"]


def test_not_utf8_and_missing_file(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees/import"), data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.csv")},
                         content_type="multipart/form-data")
    assert r.status_code == 422
    r = tenant_a.hr.post(tenant_a.url("/employees/import"), data={}, content_type="multipart/form-data")
    assert r.status_code == 422


def test_employee_may_not_import(tenant_a):
    assert _upload(tenant_a, HEADER + "A,B,ab@a.test,2024-01-01,\n", client=tenant_a.employee).status_code == 403


def test_import_is_audited(tenant_a):
    _upload(tenant_a, HEADER + "Ann,One,ann@a.test,2024-01-01,\n")
    events = tenant_a.hr.get(tenant_a.url("/audit?action=employee.import")).get_json()["items"]
    assert len(events) == 1 and events[0]["changes"] == {"imported": 1}


FULL = ("first_name,last_name,email,hire_date,date_of_birth,national_id,employment_type,hours_per_week,"
        "department,job_title,phone\n")


def test_every_column_lands_as_typed_and_the_id_encrypted(tenant_a, tenant_b, owner_sql):
    rows = ("Ann,One,ANN@a.test,2024-01-01,1990-02-03,111-22-3333,part_time,20,Sales,Rep,+47 1\n"
            "Bob,Two,bob@a.test,2023-05-05,,,,,Sales,,\n")
    assert _upload(tenant_a, FULL + rows).get_json() == {"imported": 2}
    items = {e["email"]: e for e in tenant_a.hr.get(tenant_a.url("/employees")).get_json()["items"]}
    ann, bob = items["ann@a.test"], items["bob@a.test"]
    assert (ann["date_of_birth"], ann["employment_type"], ann["hours_per_week"], ann["phone"]) == (
        "1990-02-03", "part_time", 20, "+47 1")
    assert (bob["employment_type"], bob["hours_per_week"], bob["date_of_birth"], bob["job_title"]) == (
        "full_time", 40, None, None)
    assert ann["national_id_last4"] == "3333" and ann["status"] == "active"
    stored = owner_sql("SELECT tenant_id, national_id FROM employees WHERE email = 'ann@a.test'")
    assert [str(r[0]).replace("-", "") for r in stored] == [tenant_a.id.replace("-", "")]
    assert stored[0][1] and "111-22-3333" not in stored[0][1]
    assert tenant_b.hr.get(tenant_b.url("/employees")).get_json()["total"] == 1


def test_fast_row_loading_agrees_with_the_schema(app):
    """The importer loads rows field by field (with repeated values checked
    once); for good and bad rows alike it must say what EmployeeSchema says."""
    import marshmallow as ma

    from hrbpo.core.people import importer
    from hrbpo.core.people.schemas import EmployeeSchema

    rows = [
        {"first_name": "Ann", "last_name": "One", "email": "a@x.test", "hire_date": "2024-01-01",
         "hours_per_week": "20", "employment_type": "intern", "date_of_birth": "1990-02-03"},
        {"first_name": "Ann", "last_name": "One", "email": "b@x.test", "hire_date": "2024-01-01"},
        {"first_name": " ", "last_name": "One", "email": "c@x.test", "hire_date": "2024-01-01"},
        {"last_name": "One", "email": "d@x.test", "hire_date": "2024-01-01"},
        {"first_name": "Ann", "last_name": "One", "email": "nope", "hire_date": "1800-01-01"},
        {"first_name": "Ann", "last_name": "One", "email": "e@x.test", "hire_date": "2024-01-01",
         "hours_per_week": "200", "employment_type": "boss", "national_id": "12"},
        {"first_name": "Ann", "last_name": "One", "email": "f@x.test", "hire_date": "2024-01-01",
         "date_of_birth": "2999-01-01"},
        {"first_name": "A\x00nn", "last_name": "One", "email": "g@x.test", "hire_date": "2024-01-01"},
        {"first_name": "Ann", "last_name": "One", "email": "h@x.test", "hire_date": "2024-01-01",
         "department": "\x1b[31m"},
    ]
    load, schema = importer._row_loader(), EmployeeSchema()
    assert getattr(load, "__self__", None) is None  # the fast path, not schema.load

    def outcome(fn, row):
        try:
            return fn(dict(row))
        except ma.ValidationError as exc:
            return exc.messages

    for _ in range(2):  # the second pass answers from the memo
        assert [outcome(load, r) for r in rows] == [outcome(schema.load, r) for r in rows]


def test_a_bad_row_after_written_batches_rolls_every_batch_back(tenant_a, monkeypatch):
    """Batches are written as validation goes (on PostgreSQL in pipeline
    mode): a bad row late in the file still leaves nothing imported, and the
    rows after it are still checked so every problem is reported."""
    from hrbpo.core.people import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    good = "".join(f"P{i},Q,p{i}@a.test,2024-01-01,\n" for i in range(5))  # lines 2-6: three batches
    r = _upload(tenant_a, HEADER + good + "Bad,Row,not-an-email,2024-01-01,\n" + "Late,Row,p0@a.test,2024-01-01,\n")
    assert r.status_code == 422
    assert set(r.get_json()["errors"]) == {"7", "8"}
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 1
    assert _upload(tenant_a, HEADER + good).get_json() == {"imported": 5}
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 6


def test_a_clash_found_only_by_the_database_is_a_409_and_imports_nothing(tenant_a, monkeypatch):
    """A row that passes every check but breaks a constraint (say, an
    employee with that email added in between) fails the whole import like
    any database error: as SQLAlchemy's IntegrityError (409), pipeline or not."""
    from hrbpo.core.people import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(importer, "_existing_emails", lambda emails: set())
    rows = "A,B,x1@a.test,2024-01-01,\nC,D,x2@a.test,2024-01-01,\n" + f"E,F,emp@{tenant_a.slug}.test,2024-01-01,\n"
    r = _upload(tenant_a, HEADER + rows)
    assert r.status_code == 409
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 1
