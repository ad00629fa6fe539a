"""One password policy wherever a password is set: API, pages, console, CLI."""
import pytest
import sqlalchemy as sa

from hrbpo.core.accounts import policy
from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.testing import PASSWORD


@pytest.mark.parametrize("password, reason", [
    ("short-pw-11", policy.TOO_SHORT),
    ("x" * 1025, policy.TOO_LONG),
    ("New@Acme.test", None),  # another address is fine
    ("password1234", policy.TOO_COMMON),
    ("QWERTY123456", policy.TOO_COMMON),
    ("123456789012", policy.TOO_COMMON),
    ("1q2w3e4r5t6y", policy.TOO_COMMON),
    ("iloveyou1234", policy.TOO_COMMON),
    ("correct-horse-battery", None),
])
def test_rules(password, reason):
    assert policy.problem(password, "someone@a.test") == reason


def test_email_refused_in_any_case():
    assert policy.problem("Someone.Long@A.test", "someone.long@a.test") == policy.IS_EMAIL


def test_list_is_shipped_and_large():
    words = policy.common_passwords()
    assert len(words) >= 10_000 and "123456" in words and "password1234" in words


def test_api_new_user_weak_password_422_names_the_rule(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/users"), json={"email": "new@a.test", "password": "password1234",
                                                       "role": "hr_admin"})
    assert r.status_code == 422
    assert r.get_json()["errors"]["password"] == [policy.TOO_COMMON]
    r = tenant_a.hr.post(tenant_a.url("/users"), json={"email": "new@a.test", "password": "new@a.test",
                                                       "role": "hr_admin"})
    assert r.status_code == 422 and "short" not in str(r.get_json()["errors"])
    assert db.session.scalars(sa.select(User).where(User.email == "new@a.test")).first() is None


def test_cli_refuses_common_password(app):
    r = app.test_cli_runner().invoke(args=["hrbpo", "create-operator", "--email", "op@x.test",
                                           "--password", "qwerty123456"])
    assert r.exit_code != 0 and "common" in r.output
    assert db.session.scalars(sa.select(User).where(User.email == "op@x.test")).first() is None
