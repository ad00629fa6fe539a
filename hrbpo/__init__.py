"""hrbpo: one deployment, many client companies, pluggable HR modules."""
from hrbpo.core.app import create_app
from hrbpo.core.plugins.hookspecs import hookimpl

__all__ = ["create_app", "hookimpl"]
