"""Compliance test fixtures (defined in compliance_helpers)."""
from compliance_helpers import acme, other  # noqa: F401
