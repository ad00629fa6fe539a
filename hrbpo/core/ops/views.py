"""Operator console (`/ops/`): BPO staff across tenants."""
import sqlalchemy as sa
from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from hrbpo.core.db import db
from hrbpo.core.tenants.models import Tenant

bp = Blueprint("ops", __name__, url_prefix="/ops")


@bp.before_request
def _operators_only():
    if g.get("user") is None:
        return redirect(url_for("auth.login", next=request.full_path))
    if not g.user.is_operator:
        abort(403)
    return None


@bp.get("/")
def index():
    tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.slug)).all()
    return render_template("ops/index.html", tenants=tenants)
