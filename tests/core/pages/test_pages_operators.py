"""The console's operator groups and operators pages (bpo_admins)."""
import re

import sqlalchemy as sa

from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.core.operators.models import OperatorGroup


def test_groups_are_made_edited_and_deleted_in_the_console(ops_browser, make_tenant):
    make_tenant("north-one")
    r = ops_browser.post("/ops/groups", {"name": "North", "tenant_slugs": "north-one, nope"})
    assert r.status_code == 422 and "nope" in r.get_data(as_text=True)
    r = ops_browser.post("/ops/groups", {"name": ""})
    assert r.status_code == 422
    assert ops_browser.post("/ops/groups", {"name": "North", "tenant_slugs": "north-one"}).status_code == 303
    assert ops_browser.post("/ops/groups", {"name": "NORTH"}).status_code == 422  # the name is taken
    group = db.session.scalars(sa.select(OperatorGroup)).one()
    page = ops_browser.get("/ops/groups").get_data(as_text=True)
    assert "North" in page and "north-one" in page
    r = ops_browser.post(f"/ops/groups/{group.id}", {"name": "North East", "tenant_slugs": ""})
    assert r.status_code == 303
    assert "North East" in ops_browser.get("/ops/groups").get_data(as_text=True)
    assert ops_browser.post(f"/ops/groups/{group.id}/delete").status_code == 303
    assert ops_browser.get(f"/ops/groups/{group.id}").status_code == 404


def test_operators_are_invited_changed_and_switched_off(ops_browser, mailbox):
    ops_browser.post("/ops/groups", {"name": "South", "tenant_slugs": ""})
    group = db.session.scalars(sa.select(OperatorGroup)).one()
    r = ops_browser.post("/ops/operators", {"email": "kim@bpo.test", "role": "operator", "group_ids": str(group.id)})
    assert r.status_code == 303
    assert re.search(r"/invite/[A-Za-z0-9_-]+", mailbox[-1].get_content())
    page = ops_browser.get("/ops/users").get_data(as_text=True)
    assert "kim@bpo.test" in page and "South" in page
    kim = db.session.scalars(sa.select(User).where(User.email == "kim@bpo.test")).one()
    assert ops_browser.get(f"/ops/operators/{kim.id}").status_code == 200
    assert ops_browser.post(f"/ops/operators/{kim.id}", {"role": "root"}).status_code == 422
    assert ops_browser.post(f"/ops/operators/{kim.id}", {"role": "bpo_admin"}).status_code == 303
    assert ops_browser.post(f"/ops/operators/{kim.id}/active", {"active": "0"}).status_code == 303
    db.session.expire_all()
    kim = db.session.get(User, kim.id)
    assert kim.operator_role == "bpo_admin" and kim.active is False
    assert ops_browser.post("/ops/operators", {"email": "kim@bpo.test", "role": "operator"}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "kim@bpo.test")) == 1


def test_operator_invitation_page_sets_the_password(browser, operator, mailbox):
    r = operator.post("/api/v1/operators", json={"email": "lee@bpo.test", "role": "operator", "group_ids": []})
    assert r.status_code == 201
    token = re.search(r"/invite/([A-Za-z0-9_-]+)", mailbox[-1].get_content()).group(1)
    page = browser()
    html = page.get(f"/invite/{token}").get_data(as_text=True)
    assert 'name="confirm"' in html
    assert page.post(f"/invite/{token}", {"password": "violet-lantern-harbour", "confirm": "other"}).status_code == 422
    r = page.post(f"/invite/{token}", {"password": "violet-lantern-harbour", "confirm": "violet-lantern-harbour"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/login")
    r = page.login("lee@bpo.test", "violet-lantern-harbour")
    assert r.status_code == 303 and "two-factor" in r.headers["Location"]  # enrol a second factor first
    assert browser().get(f"/invite/{token}").status_code == 404  # used
