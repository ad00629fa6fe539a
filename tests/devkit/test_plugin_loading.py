"""Loading plugins: incompatible, misspelt or unscoped plugins are refused
with a message saying how to fix it, and the app still starts."""
import os
import subprocess
import sys
import textwrap
import types

import pytest

from hrbpo.core.plugins import PluginMeta, hookimpl
from hrbpo.core.plugins.manager import PluginLoadError, Plugins
from hrbpo.core.plugins.types import CORE_API_VERSION


def plugin(name="gadgets", hrbpo_api=">=1.0,<2", **hooks):
    obj = types.SimpleNamespace(meta=PluginMeta(name=name, title=name.title(), version="0.3.0", hrbpo_api=hrbpo_api))
    obj.plugin_meta = hookimpl(lambda: obj.meta)
    for hook_name, fn in hooks.items():
        setattr(obj, hook_name, hookimpl(fn))
    return obj


def test_compatible_plugin_loads():
    registry = Plugins()
    loaded = registry.register(plugin(hrbpo_api=f"=={CORE_API_VERSION}", nav_items=lambda tenant: []))
    assert loaded.state == "loaded"
    assert registry.hook_names("gadgets") == ["nav_items", "plugin_meta"]


def test_incompatible_api_is_refused_with_the_versions_named():
    with pytest.raises(PluginLoadError, match=rf"targets hrbpo API >=2.0, this core provides {CORE_API_VERSION}: "
                                              "upgrade the plugin or hrbpo") as exc:
        Plugins().register(plugin(hrbpo_api=">=2.0"))
    assert exc.value.meta.version == "0.3.0"


def test_malformed_api_specifier_is_refused():
    with pytest.raises(PluginLoadError, match="not a PEP 440 specifier"):
        Plugins().register(plugin(hrbpo_api="version one"))


def test_unknown_hook_is_refused_and_says_where_to_look():
    registry = Plugins()
    with pytest.raises(PluginLoadError, match=r"unknown hook\(s\) nav_item: check the spelling against "
                                              r"hrbpo/core/plugins/hookspecs.py"):
        registry.register(plugin(nav_item=lambda tenant: []))
    assert not registry.pm.get_plugins()


def test_plugin_without_meta_is_refused():
    with pytest.raises(PluginLoadError, match="implement the plugin_meta hook"):
        Plugins().register(types.SimpleNamespace())


def test_entry_point_failures_are_recorded_with_name_and_version(monkeypatch):
    class EntryPoint:
        def __init__(self, name, obj=None, error=None):
            self.name, self.module, self.obj, self.error = name, f"hrbpo_{name}", obj, error

        def load(self):
            if self.error:
                raise self.error
            return self.obj

    eps = [EntryPoint("old", plugin("old", hrbpo_api="<1")), EntryPoint("broken", error=ImportError("no module x")),
           EntryPoint("fine", plugin("fine"))]
    monkeypatch.setattr("hrbpo.core.plugins.manager.entry_points", lambda group: eps)
    registry = Plugins()
    registry.load_entry_points()
    assert {n: p.state for n, p in registry.loaded.items()} == {"old": "failed", "broken": "failed", "fine": "loaded"}
    assert registry.loaded["old"].meta.version == "0.3.0" and "targets hrbpo API <1" in registry.loaded["old"].error
    assert registry.loaded["broken"].error == "ImportError: no module x"
    assert list(registry.modules) == ["fine"]


def test_start_up_hook_that_raises_fails_only_its_plugin():
    registry = Plugins()
    registry.register(plugin("flaky", api_blueprints=lambda: 1 / 0))
    registry.register(plugin("steady", api_blueprints=lambda: ["blp"]))
    assert list(registry.results_by_plugin("api_blueprints")) == [("steady", ["blp"])]
    assert registry.loaded["flaky"].state == "failed"
    assert "api_blueprints hook raised ZeroDivisionError" in registry.loaded["flaky"].error


BAD_PLUGINS = {
    # A model without tenant_id: refused, its table stays out of the schema.
    "hrbpo_gadgets": '''
        import sqlalchemy as sa
        from sqlalchemy.orm import Mapped, mapped_column
        from hrbpo.core.db import db
        from hrbpo.core.plugins import PluginMeta, hookimpl

        class Gadget(db.Model):
            __tablename__ = "gadgets"
            id: Mapped[int] = mapped_column(primary_key=True)

        @hookimpl
        def plugin_meta():
            return PluginMeta(name="gadgets", title="Gadgets", version="0.2.0")
    ''',
    # A global table that says so explicitly: accepted.
    "hrbpo_holidays": '''
        import sqlalchemy as sa
        from sqlalchemy.orm import Mapped, mapped_column
        from hrbpo.core.db import db
        from hrbpo.core.plugins import PluginMeta, hookimpl

        class PublicHoliday(db.Model):
            __tablename__ = "holidays_public"
            __hrbpo_global__ = True  # the same national calendar for every tenant
            id: Mapped[int] = mapped_column(primary_key=True)

        @hookimpl
        def plugin_meta():
            return PluginMeta(name="holidays", title="Holidays", version="1.0.0")
    ''',
    "hrbpo_future": '''
        from hrbpo.core.plugins import PluginMeta, hookimpl

        @hookimpl
        def plugin_meta():
            return PluginMeta(name="future", title="Future", version="9.0", hrbpo_api=">=7")
    ''',
}


def _fake_install(root):
    """Packages plus a dist-info with `hrbpo` entry points, found on PYTHONPATH."""
    for package, source in BAD_PLUGINS.items():
        (root / package).mkdir()
        (root / package / "__init__.py").write_text(textwrap.dedent(source))
    info = root / "hrbpo_devkit_fakes-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hrbpo-devkit-fakes\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[hrbpo]\n" + "".join(f"{p[6:]} = {p}\n" for p in BAD_PLUGINS))


def test_flask_hrbpo_plugins_reports_refused_plugins_and_the_app_still_starts(tmp_path):
    _fake_install(tmp_path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
               HRBPO_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", HRBPO_INSTANCE_PATH=str(tmp_path / "instance"))
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "hrbpo:create_app", "hrbpo", "plugins"],
                         env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = {line.split()[0]: line for line in run.stdout.splitlines()}
    assert "0.2.0" in lines["gadgets"] and " failed " in lines["gadgets"]
    assert "Gadget (table gadgets) have no tenant_id column" in lines["gadgets"]
    assert "__hrbpo_global__ = True" in lines["gadgets"] and "TenantScoped" in lines["gadgets"]
    assert " loaded " in lines["holidays"]
    assert "targets hrbpo API >=7" in lines["future"] and " failed " in lines["future"]

    check = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        from hrbpo import create_app
        from hrbpo.core.db import db
        app = create_app({"HRBPO_CHECK_MIGRATIONS": False})
        print(sorted(app.extensions["hrbpo_plugins"].modules))
        print("gadgets" in db.metadata.tables, "holidays_public" in db.metadata.tables)
    """)], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    modules, tables = check.stdout.splitlines()[-2:]
    assert "'holidays'" in modules and "'gadgets'" not in modules and "'future'" not in modules
    assert tables == "False True"
