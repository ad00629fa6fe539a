"""The shortcuts the benchmarks led to (docs/benchmarks.md) change speed,
never results or isolation."""
import datetime
import decimal
import uuid

import marshmallow as ma
import pytest
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.api.schemas import Schema, money
from hrbpo.core.db import db


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def shouts(self):
        return self.name.upper()


def _fields():
    return {
        "id": ma.fields.UUID(dump_only=True),
        "name": ma.fields.String(data_key="full_name"),
        "loud": ma.fields.String(attribute="shouts"),
        "hired": ma.fields.Date(),
        "at": ma.fields.DateTime(),
        "hours": ma.fields.Integer(dump_default=40),
        "cost": money(),
        "secret": ma.fields.String(load_only=True),
        "tags": ma.fields.List(ma.fields.String()),
        "child": ma.fields.Nested(lambda: Child(), allow_none=True),
        "missing": ma.fields.String(),
    }


class Child(Schema):
    label = ma.fields.String(attribute="inner")
    size = ma.fields.Method("measure")

    def measure(self, obj):
        return len(obj.inner)


Fast = Schema.from_dict(_fields(), name="Fast")
Generic = ma.Schema.from_dict(_fields(), name="Generic")
ROW = Row(id=uuid.uuid4(), name="Ada", hired=datetime.date(2024, 1, 15), secret="x", tags=["a", "b"],
          at=datetime.datetime(2024, 1, 15, 9, 30, tzinfo=datetime.timezone.utc), cost=decimal.Decimal("12.5"),
          child=Row(inner="deep"))


def test_fast_dump_matches_marshmallow():
    assert Fast().dump(ROW) == Generic().dump(ROW)
    assert Fast().dump(ROW)["full_name"] == "Ada" and Fast().dump(ROW)["hours"] == 40
    assert "secret" not in Fast().dump(ROW) and "missing" not in Fast().dump(ROW)
    assert Fast(many=True).dump([ROW, ROW]) == Generic(many=True).dump([ROW, ROW])
    assert Fast().dump({"name": "Bo", "hours": 3}) == Generic().dump({"name": "Bo", "hours": 3})
    assert Fast().dump(ROW)["child"] == {"label": "deep", "size": 4}


def test_fast_dump_keeps_validation_errors_on_bad_values():
    with pytest.raises((ValueError, TypeError, AttributeError)):
        Fast().dump(Row(hired="not a date"))


@pytest.mark.postgresql_only
def test_rls_reads_tenant_setting_once_per_statement(tenant_a):
    """The policy's settings are InitPlans, not per-row function calls, and
    still confine the app role to the current tenant."""
    from hrbpo.core.tenants.models import Tenant

    tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == tenant_a.slug)).one()
    with tenancy.tenant_context(tenant):
        plan = "\n".join(db.session.execute(sa.text("EXPLAIN SELECT count(*) FROM employees")).scalars())
        assert "InitPlan" in plan
        assert "current_setting" not in "\n".join(line for line in plan.splitlines() if "Filter" in line)
        assert db.session.execute(sa.text("SELECT count(*) FROM employees")).scalar() == 1
    with tenancy.tenant_context(uuid.uuid4()):
        assert db.session.execute(sa.text("SELECT count(*) FROM employees")).scalar() == 0


def test_bulk_ids_are_unique_increasing_uuid7():
    from hrbpo.core.db import new_id, new_ids

    ids = new_ids(10_000)
    assert len(set(ids)) == 10_000 and ids == sorted(ids)
    assert {i.version for i in ids} == {7} and {i.variant for i in ids} == {uuid.RFC_4122}
    assert new_ids(0) == [] and new_id().version == 7
