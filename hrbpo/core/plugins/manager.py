"""Loading plugins from the `hrbpo` entry-point group and calling their hooks
only for the tenants that switched them on."""
import types
from dataclasses import dataclass
from importlib.metadata import entry_points

import pluggy
from flask import current_app
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from hrbpo.core.db import db
from hrbpo.core.plugins import hookspecs
from hrbpo.core.plugins.types import CORE_API_VERSION, PluginMeta

ENTRY_POINT_GROUP = "hrbpo"
# Hooks every plugin gets whatever the tenant's switches say.
ALWAYS_CALLED = {"module_disabled"}


class PluginLoadError(Exception):
    def __init__(self, message, meta=None):
        super().__init__(message)
        self.meta = meta


@dataclass
class LoadedPlugin:
    name: str
    meta: PluginMeta | None
    obj: object = None
    state: str = "loaded"  # loaded | failed
    error: str = ""


class Plugins:
    """The app's plugin registry (`app.extensions["hrbpo_plugins"]`)."""

    def __init__(self, enabled_modules=lambda tenant: set()):
        # The modules a tenant switched on: the app factory passes the tenants service's answer.
        self.enabled_modules = enabled_modules
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.loaded: dict[str, LoadedPlugin] = {}
        self._memo = {}

    @property
    def hook(self):
        return self.pm.hook

    def load_entry_points(self, only=None):
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if only is not None and ep.name not in only:
                continue
            try:
                self.register(ep.load())
            except Exception as exc:  # a broken plugin is reported, never fatal
                meta = getattr(exc, "meta", None)
                error = str(exc) if isinstance(exc, PluginLoadError) else f"{type(exc).__name__}: {exc}"
                self.loaded[meta.name if meta else ep.name] = LoadedPlugin(
                    meta.name if meta else ep.name, meta, state="failed", error=error)
                _forget_tables(ep.module)

    def memo(self, key, make):
        """Memoise what start-up hooks answer (they do not change while the
        plugin set stays the same); forgotten whenever a plugin comes or goes."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def register(self, obj) -> LoadedPlugin:
        self._memo.clear()
        meta_hook = getattr(obj, "plugin_meta", None)
        meta = meta_hook() if callable(meta_hook) else getattr(obj, "meta", None)
        if not isinstance(meta, PluginMeta):
            raise PluginLoadError(f"{obj!r} declares no PluginMeta (implement the plugin_meta hook)")
        if meta.name in self.loaded and self.loaded[meta.name].state == "loaded":
            raise PluginLoadError(f"two plugins are named {meta.name!r}", meta)
        try:
            compatible = CORE_API_VERSION in SpecifierSet(meta.hrbpo_api)
        except InvalidSpecifier:
            raise PluginLoadError(
                f"plugin {meta.name} declares hrbpo_api={meta.hrbpo_api!r}, which is not a PEP 440 specifier "
                "(write e.g. \">=1.0,<2\")", meta) from None
        if not compatible:
            raise PluginLoadError(
                f"plugin {meta.name} targets hrbpo API {meta.hrbpo_api}, this core provides {CORE_API_VERSION}: "
                "upgrade the plugin or hrbpo", meta
            )
        unscoped = unscoped_models(_package(obj))
        if unscoped:
            raise PluginLoadError(
                f"plugin {meta.name}: model(s) {', '.join(unscoped)} have no tenant_id column, so one tenant could "
                "see another's rows. Derive them from TenantScoped (`class Item(TenantScoped, Timestamped, "
                "db.Model)`, from hrbpo.core.db), or, for data shared by every tenant, set "
                "`__hrbpo_global__ = True` on the class with a comment saying why", meta
            )
        self.pm.register(obj, name=meta.name)
        unknown = [c.name for c in self.pm.get_hookcallers(obj) or [] if c.spec is None]
        if unknown:
            self.pm.unregister(obj)
            raise PluginLoadError(
                f"plugin {meta.name} implements unknown hook(s) {', '.join(unknown)}: "
                "check the spelling against hrbpo/core/plugins/hookspecs.py (or docs/plugins.md)", meta
            )
        loaded = LoadedPlugin(meta.name, meta, obj)
        self.loaded[meta.name] = loaded
        return loaded

    def unregister(self, name):
        self._memo.clear()
        plugin = self.loaded.pop(name, None)
        if plugin and plugin.obj is not None:
            self.pm.unregister(plugin.obj)

    def fail(self, name, error):
        """Take a loaded plugin out (hooks, tables) and report it as failed."""
        self._memo.clear()
        plugin = self.loaded[name]
        if plugin.obj is not None and self.pm.is_registered(plugin.obj):
            self.pm.unregister(plugin.obj)
            _forget_tables(_package(plugin.obj))
        self.loaded[name] = LoadedPlugin(name, plugin.meta, state="failed", error=error)

    @property
    def modules(self) -> dict[str, PluginMeta]:
        """Installed, working modules by name."""
        return {n: p.meta for n, p in sorted(self.loaded.items()) if p.state == "loaded"}

    def call(self, hook_name, **kwargs):
        """Every loaded plugin's answers to a start-up hook, flattened."""
        return _flatten(getattr(self.pm.hook, hook_name)(**kwargs))

    def results_by_plugin(self, hook_name, **kwargs):
        """(plugin name, answer) for each plugin implementing a start-up hook.
        A plugin whose hook raises is reported as failed and skipped."""
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            try:
                answer = impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as exc:
                self.fail(impl.plugin_name, f"{hook_name} hook raised {type(exc).__name__}: {exc}")
                continue
            yield impl.plugin_name, answer

    def package_of(self, name) -> str:
        """The Python package a plugin's code (and models) live in."""
        return _package(self.loaded[name].obj)

    def hook_names(self, name) -> list[str]:
        obj = self.loaded[name].obj
        return sorted(c.name for c in self.pm.get_hookcallers(obj) or []) if obj is not None else []

    def tenant_hook(self, tenant, hook_name):
        """The hook caller for the plugins `tenant` switched on."""
        enabled = self.enabled_modules(tenant)
        off = [p.obj for n, p in self.loaded.items() if p.obj is not None and n not in enabled]
        if hook_name in ALWAYS_CALLED:
            off = []
        caller = self.pm.subset_hook_caller(hook_name, remove_plugins=off)
        return lambda **kw: _flatten(caller(tenant=tenant, **kw))


def _package(obj) -> str:
    return obj.__name__ if isinstance(obj, types.ModuleType) else type(obj).__module__.rsplit(".", 1)[0]


def _models_under(package: str):
    for mapper in list(db.Model.registry.mappers):
        module = mapper.class_.__module__
        if module == package or module.startswith(package + "."):
            yield mapper


def unscoped_models(package: str) -> list[str]:
    """Mapped classes of `package` whose table has no tenant_id and that do not
    declare themselves global (`__hrbpo_global__ = True`)."""
    return sorted(
        f"{m.class_.__name__} (table {m.local_table.name})" for m in _models_under(package)
        if "tenant_id" not in m.local_table.c and not getattr(m.class_, "__hrbpo_global__", False)
    )


def _forget_tables(package: str):
    """A refused plugin's tables leave the metadata: no migration creates them,
    so nothing (RLS, grants, test wipes) may expect them."""
    if package in ("hrbpo", "hrbpo.core") or package.startswith("hrbpo.core."):
        return
    for mapper in _models_under(package):
        if mapper.local_table.key in db.metadata.tables:
            db.metadata.remove(mapper.local_table)


def _flatten(results):
    out = []
    for result in results:
        if result is None:
            continue
        if isinstance(result, (list, tuple)):
            out.extend(result)
        else:
            out.append(result)
    return out


def plugins() -> Plugins:
    return current_app.extensions["hrbpo_plugins"]


def emit(tenant, event, **kwargs):
    """Fire a domain event to the plugins switched on for `tenant`."""
    return plugins().tenant_hook(tenant, event)(**kwargs)

