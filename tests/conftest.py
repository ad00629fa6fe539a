"""Fixtures come from the hrbpo.testing pytest plugin (shipped with the package)."""
