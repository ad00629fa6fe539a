"""What the sign-in settings API reads and writes."""
import re

import marshmallow as ma

from hrbpo.core.api.schemas import Schema
from hrbpo.core.i18n import N_

DOMAIN = re.compile(r"(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
ISSUER_HELP = ("Absolute https:// URL without query or fragment (http:// on a loopback host only when the deployment "
               "sets HRBPO_SSO_ALLOW_LOOPBACK_ISSUER=1). Its discovery document is fetched on PUT (10 s timeout); "
               "unreachable or not matching → 422 on issuer.")


def _domain(value):
    if not DOMAIN.match(value):
        raise ma.ValidationError(N_("A lower-case domain name such as acme.com (no @, no spaces, at least one dot)."))


class SsoSettingsSchema(Schema):
    issuer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2048),
                              metadata={"description": ISSUER_HELP})
    client_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))
    client_secret = ma.fields.String(load_only=True, validate=ma.validate.Length(min=1, max=1000), metadata={
        "description": "Write-only: required on the first PUT, left out later keeps the stored one."})
    display_name = ma.fields.String(validate=ma.validate.Length(min=1, max=60), metadata={
        "description": "The login page says \"Sign in with <display_name>\"; default: the issuer's host name."})
    allowed_domains = ma.fields.List(ma.fields.String(validate=[ma.validate.Length(max=253), _domain]),
                                     load_default=list, validate=ma.validate.Length(max=100), metadata={
                                         "description": "Email domains that may sign in; empty: any."})
    enforce = ma.fields.Boolean(load_default=False, metadata={
        "description": "Refuse password sign-in for the tenant's members (operators keep it)."})
    jit = ma.fields.Boolean(load_default=False, metadata={
        "description": "Make a login at first sign-in for a person the tenant does not know yet."})
    default_role = ma.fields.String(load_default="employee", validate=ma.validate.OneOf(["employee"]))
    client_secret_set = ma.fields.Boolean(dump_only=True)
    redirect_uri = ma.fields.String(dump_only=True, metadata={"description": "Register this at the provider."})
    login_url = ma.fields.String(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)
