"""Encrypted columns: ciphertext at rest, rotatable keys."""
import uuid

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.people.models import Employee


def _raw(owner_sql, kit):
    return owner_sql("SELECT national_id FROM employees WHERE email = :e", {"e": f"emp@{kit.slug}.test"})[0][0]


def _national_id(kit):
    db.session.expire_all()
    with tenancy.tenant_context(uuid.UUID(kit.id)):
        return db.session.scalars(sa.select(Employee.national_id)).one()


def test_rotate_keys_reencrypts_with_the_new_first_key(app, tenant_a, owner_sql):
    old_crypto = app.extensions["hrbpo_crypto"]
    old_keys = app.config["HRBPO_ENCRYPTION_KEYS"]
    before = _raw(owner_sql, tenant_a)
    new_key = Fernet.generate_key()
    with pytest.raises(InvalidToken):
        Fernet(new_key).decrypt(before.encode())
    app.extensions["hrbpo_crypto"] = MultiFernet([Fernet(new_key)] + [Fernet(k) for k in old_keys.split(",")])
    try:
        # The old key still decrypts before rotation.
        assert _national_id(tenant_a) == "123-45-6789"
        r = app.test_cli_runner().invoke(args=["hrbpo", "rotate-keys"])
        assert r.exit_code == 0, r.output
        assert "Re-encrypted" in r.output
        after = _raw(owner_sql, tenant_a)
        assert after != before and "6789" not in after
        assert Fernet(new_key).decrypt(after.encode()) == b"123-45-6789"
        assert _national_id(tenant_a) == "123-45-6789"
    finally:
        app.extensions["hrbpo_crypto"] = old_crypto
    # With only the old key, the rotated value is unreadable: the rotation really happened.
    with pytest.raises(InvalidToken):
        old_crypto.decrypt(after.encode())


def test_ciphertext_differs_for_equal_values(tenant_a, tenant_b, owner_sql):
    assert _raw(owner_sql, tenant_a) != _raw(owner_sql, tenant_b)
