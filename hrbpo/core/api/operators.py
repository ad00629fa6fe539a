"""Operator API blueprints of plugins: across tenants, BPO operators only."""
from hrbpo.core.auth.permissions import operator_required


def operators_only(blueprint):
    """Check `operator_required` before any view of `blueprint` parses its arguments."""
    if getattr(blueprint, "_hrbpo_operators_only", False):  # a plugin's blueprint mounted by a second app
        return blueprint
    blueprint._hrbpo_operators_only = True
    blueprint.before_request(operator_required(lambda: None))
    return blueprint
