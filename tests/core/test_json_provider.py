"""JSON out through orjson (hrbpo.core.json_provider): the same JSON Flask's
own provider gives, key order kept, non-ASCII as UTF-8."""
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup


@dataclass
class Point:
    x: int
    y: int


def test_same_json_as_flasks_provider(app):
    value = {"z": 1, "a": [date(2024, 1, 2), datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)],
             7: Decimal("1.50"), "id": uuid.UUID(int=5), "p": Point(1, 2), "m": Markup("<b>x</b>"),
             "nested": {"n": None, "t": True, "f": 1.5}}
    ours = app.json.dumps(value)
    flasks = DefaultJSONProvider(app)
    flasks.sort_keys = False
    assert json.loads(ours) == json.loads(flasks.dumps(value))
    assert list(json.loads(ours)) == ["z", "a", "7", "id", "p", "m", "nested"]


def test_sort_keys_and_indent_are_honoured(app):
    assert app.json.dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a":2,"b":1}'
    assert app.json.dumps({"a": [1]}, indent=2) == '{\n  "a": [\n    1\n  ]\n}'


def test_unknown_types_still_fail_loudly(app):
    with pytest.raises(TypeError, match="not JSON serializable"):
        app.json.dumps({"x": object()})


def test_response_is_utf8_json_with_newline(app):
    with app.test_request_context():
        response = app.json.response({"name": "प्रिया", "city": "کراچی"})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"name":"प्रिया","city":"کراچی"}\n'.encode()


def test_api_round_trips_non_ascii_names(tenant_a):
    created = tenant_a.hr.post(tenant_a.url("/employees"), json={
        "first_name": "Åse", "last_name": "ملک", "email": "ase@a.test", "hire_date": "2024-02-01"})
    assert created.status_code == 201
    listed = tenant_a.hr.get(tenant_a.url("/employees?q=ase")).get_json()
    assert [(e["first_name"], e["last_name"]) for e in listed["items"]] == [("Åse", "ملک")]
    assert "ملک".encode() in tenant_a.hr.get(tenant_a.url(f"/employees/{created.get_json()['id']}")).get_data()


def test_what_orjson_refuses_goes_through_flask(app):
    huge = 10 ** 30
    assert json.loads(app.json.dumps({"n": huge})) == {"n": huge}
    with app.test_request_context():
        assert app.json.response({"n": huge}).get_json() == {"n": huge}
