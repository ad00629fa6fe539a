"""Hostile input on pages: `?next=` only ever leads to a path on this site,
and form fields with control characters are errors beside the field."""
import pytest

from hrbpo.core.redirects import safe_next
from hrbpo.testing import PASSWORD

from page_browser import act_as

OFF_SITE = ["/%09/evil.example/", "/%0a/evil.example/", "/%0d%0a/evil.example/", "//evil.example/",
            "/%5cevil.example/", "%5c%5cevil.example", "https://evil.example/", "javascript:alert(1)",
            "/%20/evil.example", "%2f%2fevil.example", "/%e2%80%8b/evil"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_follows_next_off_site(browser, tenant_a, target):
    page = browser()
    r = page.post(f"/login?next={target}", {"email": "hr@tenant-a.test", "password": PASSWORD})
    assert r.status_code == 303
    assert r.headers["Location"] == "/t/tenant-a/"


def test_login_follows_a_local_next_normalised(browser, tenant_a):
    r = browser().post("/login?next=/t/tenant-a/./employees//x%3Fy%3D1", {"email": "hr@tenant-a.test",
                                                                          "password": PASSWORD})
    assert r.status_code == 303 and r.headers["Location"] == "/t/tenant-a/employees/x?y=1"


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\\evil", "//x", "https://x/", "/a\r\nSet-Cookie: x=1",
                                    "/\x00", "evil.example", "/\u2215evil", ""])
def test_safe_next_refuses(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target, expected", [("/t/a/", "/t/a/"), ("///x", "/x"), ("/a/../../b", "/b"),
                                              ("/ops/jobs?next=//x#top", "/ops/jobs?next=//x#top")])
def test_safe_next_keeps_local_paths(target, expected):
    assert safe_next(target) == expected


def test_act_as_never_follows_next_off_site(ops_browser, tenant_a):
    for target in ("/\t/evil.example/", "//evil.example/", "/\\evil.example"):
        r = ops_browser.post("/ops/act-as", {"tenant": "tenant-a", "reason": "Ticket 7", "next": target})
        assert r.status_code == 303 and r.headers["Location"] == "/t/tenant-a/", r.headers.get("Location")
    r = act_as(ops_browser, "tenant-a")
    assert r.headers["Location"] == "/t/tenant-a/"


@pytest.mark.parametrize("field", ["email", "password", "tenant"])
def test_login_form_refuses_control_characters_beside_the_field(browser, tenant_a, field):
    values = {"email": "hr@tenant-a.test", "password": PASSWORD, "tenant": ""}
    values[field] = values[field] + "\x00" if values[field] else "a\x01b"
    r = browser().post("/login", values)
    assert r.status_code == 400
    assert "Contains characters that are not allowed" in r.get_data(as_text=True)


def test_act_as_refuses_a_reason_with_control_characters(ops_browser, tenant_a):
    r = ops_browser.post("/ops/act-as", {"tenant": "tenant-a", "reason": "Ticket\x00 7", "next": "/t/tenant-a/"})
    assert r.status_code == 422 and "Contains characters that are not allowed" in r.get_data(as_text=True)
    r = ops_browser.get("/t/tenant-a/")  # not acting: asked for a reason again
    assert r.status_code == 302 and r.headers["Location"].startswith("/ops/act-as?")
