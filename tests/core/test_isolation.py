"""The isolation matrix: every route under /api/v1/tenants/<slug>/ (plugins'
included, with every module on) walked with another tenant's tokens and ids."""
import sqlalchemy as sa

from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.core.plugins.manager import plugins
from hrbpo.testing import tenant_routes


def _ids(kit):
    user_id = db.session.scalars(sa.select(User.id).where(User.email == f"hr@{kit.slug}.test")).one()
    return {"employee_id": kit.employee_id, "user_id": str(user_id)}


def _all_modules():
    modules = plugins().modules
    # Dependencies first, so each switch-on succeeds.
    return sorted(modules, key=lambda name: len(modules[name].depends_on))


def test_isolation_matrix(app, make_tenant, isolation):
    a = make_tenant("iso-a", modules=_all_modules())
    b = make_tenant("iso-b", modules=_all_modules())
    checked = isolation(a, b, ids_b=_ids(b), ids_a=_ids(a))
    assert len({url.split("?")[0] for _, url, _ in checked}) >= len({r.rule for r, _ in tenant_routes(app)})
    # And the other way round.
    isolation(b, a, ids_b=_ids(a), ids_a=_ids(b))


def test_matrix_catches_a_leak(app, make_tenant):
    """The walker itself fails when a route answers another tenant."""
    import pytest

    from hrbpo.testing import check_isolation

    a, b = make_tenant("leak-a"), make_tenant("leak-b")
    a.hr = b.hr  # as if A's token could see B
    with pytest.raises(AssertionError, match="tenant isolation broken"):
        check_isolation(app, a, b, ids_b=_ids(b))
