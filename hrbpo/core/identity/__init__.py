"""Enterprise identity per tenant: OpenID Connect sign-in (sso_*) and SCIM provisioning."""
