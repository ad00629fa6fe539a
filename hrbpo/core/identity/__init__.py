"""Enterprise identity per tenant: OpenID Connect sign-in and SCIM 2.0 provisioning."""
