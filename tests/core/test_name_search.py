"""Employee search ignores case and accents, on first, last and full name,
whether the employee came through the API, a PATCH or a CSV import."""
import io

import pytest

from hrbpo.core.people.names import name_key, search_key


@pytest.mark.parametrize("text, key", [
    ("Ødegård", "odegard"), ("ÅSE", "ase"), ("Straße", "strasse"), ("Ærø  Łódź", "aero lodz"), ("José", "jose"),
])
def test_search_key_drops_case_and_marks(text, key):
    assert search_key(text) == key


def _found(kit, q):
    response = kit.hr.get(kit.url("/employees"), query_string={"q": q})
    assert response.status_code == 200
    return {f"{e['first_name']} {e['last_name']}" for e in response.get_json()["items"]}


def test_non_ascii_first_last_and_full_names_are_found(tenant_a):
    for first, last in (("Åse", "Ødegård"), ("Jörg", "Straße"), ("Ola", "Nordmann")):
        response = tenant_a.hr.post(tenant_a.url("/employees"), json={
            "first_name": first, "last_name": last, "email": f"{first.lower()}@a.test", "hire_date": "2024-02-01"})
        assert response.status_code == 201
    for q in ("Ødegård", "ødegård", "odegard", "Åse", "ase", "Åse Ødegård", "ase odegard", "Odegard Ase"):
        assert _found(tenant_a, q) == {"Åse Ødegård"}, q
    assert _found(tenant_a, "strasse") == {"Jörg Straße"}
    assert _found(tenant_a, "ase nordmann") == set()
    assert _found(tenant_a, "100%") == set()  # a LIKE wildcard is a plain character


def test_the_key_follows_a_rename_and_an_import(tenant_a):
    employee_id = tenant_a.employee_id
    assert tenant_a.hr.patch(tenant_a.url(f"/employees/{employee_id}"), json={"last_name": "Ærlig"}).status_code == 200
    assert _found(tenant_a, "erin aerlig") == {"Erin Ærlig"}
    csv = "first_name,last_name,email,hire_date\nÉlodie,Brønn,elodie@a.test,2024-03-01\n"
    response = tenant_a.hr.post(tenant_a.url("/employees/import"), data={"file": (io.BytesIO(csv.encode()), "p.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert _found(tenant_a, "elodie bronn") == {"Élodie Brønn"}


def test_name_key_is_first_then_last():
    assert name_key("Åse", "Ødegård") == "ase odegard"
