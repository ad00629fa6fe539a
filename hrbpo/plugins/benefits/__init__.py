"""Benefits module."""
from hrbpo.core.plugins import PluginMeta, hookimpl

meta = PluginMeta(name="benefits", title="Benefits", version="0.1.0", description="Benefits for client tenants")


@hookimpl
def plugin_meta():
    return meta
