"""Fixtures come from hrbpo's test kit (hrbpo.testing). These tests need the
module installed through its entry point: `pip install -e ./examples/hrbpo-timeoff`
(the README's test command does it). Each test module skips itself when it is
missing; a skip raised here, in a conftest, would end the whole collection."""
import pytest


@pytest.fixture
def acme(make_tenant):
    return make_tenant("acme", modules=["timeoff"])


@pytest.fixture
def globex(make_tenant):
    return make_tenant("globex", modules=["timeoff"])


@pytest.fixture
def ask(acme):
    """ask(starts_on, ends_on, client=acme.employee) → response of a new request."""
    def post(starts_on="2030-07-01", ends_on="2030-07-05", client=None, **extra):
        return (client or acme.employee).post(acme.url("/timeoff/requests"),
                                              json={"starts_on": starts_on, "ends_on": ends_on, **extra})
    return post
