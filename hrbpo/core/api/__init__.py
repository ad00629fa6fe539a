"""The /api/v1 base shared by core and modules."""
from hrbpo.core.api.base import Blueprint

__all__ = ["Blueprint"]
