"""Fixtures and helpers of the compliance tests (a unique module name: test folders are not packages)."""
import io
import uuid
from datetime import date, timedelta

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n" + b"0" * 64
ONBOARDING = {
    "name": "Onboarding",
    "items": [
        {"title": "Sign the handbook", "due_days": 3, "requires_attestation": True,
         "attestation_text": "I have read and accept the employee handbook."},
        {"title": "Right-to-work document", "due_days": 5, "requires_evidence": True},
        {"title": "Set up payroll", "due_days": 1},
    ],
}


@pytest.fixture
def acme(make_tenant):
    return make_tenant("acme", modules=["compliance"])


@pytest.fixture
def other(make_tenant):
    return make_tenant("other", modules=["compliance"])


def make_template(kit, body=None):
    r = kit.hr.post(kit.url("/compliance/templates"), json=body or ONBOARDING)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def assign(kit, template_id, employee_ids=None):
    r = kit.hr.post(kit.url("/compliance/assignments"),
                    json={"template_id": template_id, "employee_ids": employee_ids or [kit.employee_id]})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["items"]


def upload(client, kit, data=PNG, name="proof.png"):
    return client.post(kit.url("/compliance/files"), data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def add_employee(kit, email, **extra):
    r = kit.hr.post(kit.url("/employees"), json={"first_name": "Ola", "last_name": "Nordmann", "email": email,
                                                 "hire_date": "2025-01-06", **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def in_tenant(kit):
    from hrbpo.core import tenancy

    return tenancy.tenant_context(uuid.UUID(kit.id))


def move_due(kit, item_id, days_ago):
    """Pretend an item fell due `days_ago` days ago (tests of overdue handling)."""
    from hrbpo.core.db import db
    from hrbpo.plugins.compliance.models import ChecklistItem

    with in_tenant(kit):
        db.session.get(ChecklistItem, (uuid.UUID(kit.id), uuid.UUID(item_id))).due_on = date.today() - timedelta(days=days_ago)
        db.session.commit()


def web(app, email, slug):
    """A test client signed in through the login form (session cookie + CSRF)."""
    from flask import g

    from hrbpo.testing import PASSWORD

    g.pop("_login_user", None)  # the shared app context would carry Flask-Login's cached user over
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    r = client.post("/login", data={"email": email, "password": PASSWORD, "tenant": slug, "csrf_token": csrf(page)})
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return client


def csrf(page: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
