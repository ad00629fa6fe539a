"""The portal page where a tenant's HR admin connects their identity provider:
the SCIM base URL, making a token (shown once) and revoking one."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.identity.scim import tokens
from hrbpo.core.identity.scim.api import ScimTokenSchema
from hrbpo.core.identity.scim.views import service_url
from hrbpo.core.portal.forms import load, submitted
from hrbpo.core.portal.blueprint import bp


@bp.route("/scim/", methods=["GET", "POST"])
@requires("users.manage")
def scim_page():
    values, errors, made = {}, {}, None
    if request.method == "POST":
        values = submitted(("name",))
        data, errors = load(ScimTokenSchema(), values)
        if not errors:
            raw, token = tokens.create(data["name"], g.user)
            db.session.commit()
            made = {"name": token.name, "token": raw}
    return render_template("scim/portal_scim.html", base_url=service_url(g.tenant.slug), made=made,
                           tokens=db.session.scalars(tokens.live_tokens()).all(), values=values,
                           errors=errors), 422 if errors else (201 if made else 200)


@bp.post("/scim/<uuid:token_id>/revoke")
@requires("users.manage")
def revoke_scim_token_page(token_id):
    tokens.revoke(token_id)  # unknown or revoked: 404
    db.session.commit()
    flash(_("The SCIM token was revoked: it is refused from now on."), "success")
    return redirect(url_for("portal.scim_page"), code=303)
