"""Compliance module."""
from hrbpo.core.plugins import PluginMeta, hookimpl

meta = PluginMeta(name="compliance", title="Compliance", version="0.1.0", description="Compliance for client tenants")


@hookimpl
def plugin_meta():
    return meta
