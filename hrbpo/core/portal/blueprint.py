"""The `portal` blueprint, `/t/<slug>/…`: core's portal pages add their routes to it."""
from flask import Blueprint

from hrbpo.core.portal import labels, portal_scoped

bp = portal_scoped(Blueprint("portal", __name__, url_prefix="/t/<slug>"))
bp.record_once(lambda state: labels.register(state.app))
