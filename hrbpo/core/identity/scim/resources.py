"""The SCIM side of a login: what the service publishes (its schemas, resource
type and configuration) and how a ScimUser reads and writes as a SCIM User."""
from scim2_models import (AuthenticationScheme, Bulk, ChangePassword, Context, Email, EnterpriseUser, ETag, Filter,
                          InvalidValueException, Meta, Patch, ResourceType, ServiceProviderConfig, Sort, User)



class AnyEmail(Email):
    """scim2-models checks emails with email-validator, which refuses
    special-use domains: a client's directory on `corp.local` is still real
    (sign_in_email checks the one address that matters)."""

    value: str | None = None


class Account(User):
    emails: list[AnyEmail] | None = None


UserResource = Account[EnterpriseUser]
USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200

# What the service keeps, attribute → sub-attributes (None: a simple attribute).
# Everything else a provider sends is ignored.
KEPT = {
    USER_URN: {"userName": None, "externalId": None, "displayName": None, "active": None,
               "name": {"givenName", "familyName", "formatted"}, "emails": {"value", "type", "primary"}},
    ENTERPRISE_URN: {"employeeNumber": None, "department": None, "manager": {"value", "$ref", "displayName"}},
}
_LOWER = {urn: {name.lower(): name for name in attrs} for urn, attrs in KEPT.items()}


def service_provider_config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="OAuth Bearer Token", primary=True,
            description="A SCIM token of the tenant (POST /api/v1/tenants/<slug>/scim-tokens), "
                        "sent as Authorization: Bearer <token>.")],
    )


def resource_type(base: str) -> ResourceType:
    found = ResourceType.from_resource(UserResource)
    found.meta = Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/User")
    return found


def schemas(base: str) -> list:
    """The two schemas, listing exactly the attributes the service keeps."""
    out = []
    for model, urn in ((User, USER_URN), (EnterpriseUser, ENTERPRISE_URN)):
        schema = model.to_schema()
        kept = KEPT[urn]
        schema.attributes = [a for a in schema.attributes if a.name in kept]
        for attribute in schema.attributes:
            if kept[attribute.name]:
                attribute.sub_attributes = [s for s in attribute.sub_attributes if s.name in kept[attribute.name]]
            if attribute.name == "manager":  # providers send only the id
                for sub in attribute.sub_attributes:
                    sub.required = False
        schema.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{urn}")
        out.append(schema)
    return out


def keep(payload: dict, location_of) -> dict:
    """The part of a written User the service keeps, named as its schema names
    it (providers vary the case); a manager given by id alone gets its `$ref`."""
    out = {}
    for key, value in payload.items():
        if key.lower() == ENTERPRISE_URN.lower() and isinstance(value, dict):
            extension = _kept_attrs(value, ENTERPRISE_URN)
            manager = extension.get("manager")
            if isinstance(manager, dict) and isinstance(manager.get("value"), str) and not manager.get("$ref"):
                manager["$ref"] = location_of(manager["value"])
            if extension:
                out[ENTERPRISE_URN] = extension
        elif key == "schemas":
            out[key] = value
        else:
            out.update(_kept_attrs({key: value}, USER_URN))
    return out


def _kept_attrs(values: dict, urn: str) -> dict:
    out = {}
    for key, value in values.items():
        name = _LOWER[urn].get(key.lower()) if isinstance(key, str) else None
        if name is None:
            continue
        subs = KEPT[urn][name]
        if subs and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in subs}
        elif subs and isinstance(value, list):
            value = [{k: v for k, v in item.items() if k in subs} if isinstance(item, dict) else item
                     for item in value]
        out[name] = value
    return out


def stored(resource: UserResource) -> dict:
    """What the database keeps of a User: its kept attributes, as written."""
    payload = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    for key in ("id", "meta", "schemas"):
        payload.pop(key, None)
    payload = keep(payload, lambda value: None)
    manager = payload.get(ENTERPRISE_URN, {}).get("manager")
    if manager:
        manager.pop("displayName", None)
    return payload


def sign_in_email(resource: UserResource) -> str | None:
    """The primary email, else the first, else userName when it is an email."""
    emails = [e for e in resource.emails or [] if e.value]
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    if primary is not None:
        email = str(primary.value).strip().lower()
        if not _looks_like_email(email) or len(email) > 254:
            raise InvalidValueException(detail=f"{primary.value!r} is not an email address.")
        return email
    name = (resource.user_name or "").strip()
    return name.lower() if _looks_like_email(name) else None


def _looks_like_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain.strip(".") and not any(c.isspace() for c in value))


def as_resource(scim_user, active: bool | None, employee, base: str) -> UserResource:
    """The User a ScimUser reads as. One that SCIM never wrote (a login made
    by hand, invitation or SSO) reads from its account and employee record."""
    if scim_user.attributes is not None:
        payload = dict(scim_user.attributes)
    else:
        payload = {"userName": scim_user.user_name,
                   "emails": [{"value": scim_user.email, "type": "work", "primary": True}] if scim_user.email else []}
        if employee is not None:
            payload["name"] = {"givenName": employee.first_name, "familyName": employee.last_name,
                               "formatted": employee.full_name}
            extension = {k: v for k, v in (("employeeNumber", employee.employee_number),
                                           ("department", employee.department)) if v}
            if extension:
                payload[ENTERPRISE_URN] = extension
    active = scim_user.active if active is None else active
    if "active" in payload or scim_user.attributes is None or not active:
        payload["active"] = active  # removed by the provider: read as left out (and true)
    payload["schemas"] = [USER_URN] + ([ENTERPRISE_URN] if ENTERPRISE_URN in payload else [])
    resource = UserResource.model_validate(payload)
    resource.id = str(scim_user.id)
    resource.meta = Meta(resource_type="User", created=scim_user.created_at, last_modified=scim_user.updated_at,
                         location=f"{base}/Users/{scim_user.id}")
    return resource
