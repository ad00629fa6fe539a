"""Plugin machinery: per-tenant dispatch, load-time checks, module switch at the edge."""
import uuid
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db

from hrbpo.core.plugins import PluginMeta, hookimpl
from hrbpo.core.plugins.manager import PluginLoadError, Plugins, plugins
from hrbpo.core.tenants.models import TenantModule


@dataclass(eq=False)  # pluggy keeps plugins in sets: identity, not value
class Recorder:
    """A throwaway plugin that records the events it receives."""

    name: str = "recorder"
    events: list = field(default_factory=list)

    @hookimpl
    def plugin_meta(self):
        return PluginMeta(name=self.name, title="Recorder", version="0.0.1")

    @hookimpl
    def employee_hired(self, tenant, employee, source):
        self.events.append(("hired", tenant.slug, employee.email, source))

    @hookimpl
    def employee_updated(self, tenant, employee, changes):
        self.events.append(("updated", tenant.slug, employee.email, sorted(changes)))

    @hookimpl
    def module_enabled(self, tenant, name):
        self.events.append(("enabled", tenant.slug, name))

    @hookimpl
    def module_disabled(self, tenant, name):
        self.events.append(("disabled", tenant.slug, name))


@pytest.fixture
def recorder(app):
    plugin = Recorder()
    plugins().register(plugin)
    try:
        yield plugin
    finally:
        plugins().unregister(plugin.name)


def _hire(kit, email):
    r = kit.hr.post(kit.url("/employees"), json={"first_name": "N", "last_name": "H", "email": email,
                                                 "hire_date": "2024-01-01"})
    assert r.status_code == 201
    return r.get_json()["id"]


def test_events_reach_only_tenants_that_enabled_the_plugin(recorder, operator, tenant_a, tenant_b):
    assert operator.put(tenant_a.url("/modules/recorder")).status_code == 200
    assert recorder.events == [("enabled", tenant_a.slug, "recorder")]
    _hire(tenant_a, "x@a.test")
    _hire(tenant_b, "x@b.test")
    assert ("hired", tenant_a.slug, "x@a.test", "manual") in recorder.events
    assert not any(e[1] == tenant_b.slug for e in recorder.events)
    tenant_a.hr.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={"job_title": "Lead"})
    assert recorder.events[-1] == ("updated", tenant_a.slug, f"emp@{tenant_a.slug}.test", ["job_title"])


def test_disabled_plugin_gets_no_more_events_but_hears_its_disable(recorder, operator, tenant_a):
    operator.put(tenant_a.url("/modules/recorder"))
    assert operator.delete(tenant_a.url("/modules/recorder")).status_code == 200
    assert recorder.events[-1] == ("disabled", tenant_a.slug, "recorder")
    _hire(tenant_a, "late@a.test")
    assert not any(e[0] == "hired" for e in recorder.events)


def test_plugin_listed_as_module_and_unregistered_cleanly(app, operator):
    plugin = Recorder(name="temporary")
    plugins().register(plugin)
    try:
        assert "temporary" in {m["name"] for m in operator.get("/api/v1/modules").get_json()}
    finally:
        plugins().unregister("temporary")
    assert "temporary" not in {m["name"] for m in operator.get("/api/v1/modules").get_json()}


def test_unknown_hook_is_refused_with_a_clear_message(app):
    class Misspelt:
        @hookimpl
        def plugin_meta(self):
            return PluginMeta(name="misspelt", title="M", version="1")

        @hookimpl
        def employee_hird(self, tenant, employee):
            pass

    with pytest.raises(PluginLoadError, match="employee_hird.*hookspecs"):
        plugins().register(Misspelt())
    assert "misspelt" not in plugins().loaded


def test_plugin_without_meta_or_duplicate_name_is_refused(app):
    class Nameless:
        @hookimpl
        def module_enabled(self, tenant, name):
            pass

    with pytest.raises(PluginLoadError, match="PluginMeta"):
        plugins().register(Nameless())
    plugin = Recorder(name="twin")
    plugins().register(plugin)
    try:
        with pytest.raises(PluginLoadError, match="twin"):
            plugins().register(Recorder(name="twin"))
    finally:
        plugins().unregister("twin")


def test_incompatible_core_api_is_refused(app):
    class Future:
        @hookimpl
        def plugin_meta(self):
            return PluginMeta(name="future", title="F", version="9", hrbpo_api=">=2")

    with pytest.raises(PluginLoadError, match="upgrade"):
        plugins().register(Future())


def test_failing_entry_point_is_reported_not_fatal(app, monkeypatch):
    from importlib.metadata import EntryPoint

    from hrbpo.core.plugins import manager

    good = sorted(plugins().modules)[:1]
    points = [EntryPoint("broken", "hrbpo_no_such_plugin_module", "hrbpo")]
    points += [EntryPoint(name, plugins().package_of(name), "hrbpo") for name in good]
    monkeypatch.setattr(manager, "entry_points", lambda group: points)
    registry = Plugins()
    registry.load_entry_points()
    assert registry.loaded["broken"].state == "failed"
    assert "hrbpo_no_such_plugin_module" in registry.loaded["broken"].error
    assert list(registry.modules) == good


def test_plugins_command_lists_state(app):
    r = app.test_cli_runner().invoke(args=["hrbpo", "plugins"])
    assert r.exit_code == 0
    for name in plugins().modules:
        assert name in r.output


def _plugin_get_route(app, module):
    prefix = f"/api/v1/tenants/<slug>/{module}/"
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix) and "GET" in rule.methods and rule.arguments == {"slug"}:
            return rule.rule.replace("/api/v1/tenants/<slug>", "")
    return None


def test_module_off_answers_404_on_its_api(app, operator, tenant_a):
    module = next((m for m in plugins().modules if _plugin_get_route(app, m)), None)
    if module is None:
        pytest.skip("no installed plugin has a tenant API route yet")
    path = _plugin_get_route(app, module)
    r = tenant_a.hr.get(tenant_a.url(path))
    assert r.status_code == 404 and r.content_type == "application/problem+json"
    for dependency in plugins().modules[module].depends_on:
        operator.put(tenant_a.url(f"/modules/{dependency}"))
    assert operator.put(tenant_a.url(f"/modules/{module}")).status_code == 200
    assert tenant_a.hr.get(tenant_a.url(path)).status_code == 200
    operator.delete(tenant_a.url(f"/modules/{module}"))
    assert tenant_a.hr.get(tenant_a.url(path)).status_code == 404


def test_disabling_keeps_module_data(app, operator, tenant_a):
    """Switching off is a flag: the module's settings row (and tables) stay."""
    module = sorted(plugins().modules)[0] if plugins().modules else pytest.skip("no plugin installed")
    for dependency in plugins().modules[module].depends_on:
        operator.put(tenant_a.url(f"/modules/{dependency}"))
    operator.put(tenant_a.url(f"/modules/{module}"))
    with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
        row = db.session.scalars(sa.select(TenantModule).where(TenantModule.name == module)).one()
        row.settings = {"kept": True}
        db.session.commit()
    operator.delete(tenant_a.url(f"/modules/{module}"))
    operator.put(tenant_a.url(f"/modules/{module}"))
    db.session.expire_all()
    with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
        rows = db.session.scalars(sa.select(TenantModule).where(TenantModule.name == module)).all()
    assert len(rows) == 1 and rows[0].settings == {"kept": True} and rows[0].enabled
