"""Recruitment module."""
from hrbpo.core.plugins import PluginMeta, hookimpl

meta = PluginMeta(name="recruitment", title="Recruitment", version="0.1.0", description="Recruitment for client tenants")


@hookimpl
def plugin_meta():
    return meta
