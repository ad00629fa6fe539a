"""SCIM 2.0 provisioning (RFC 7643/7644, shared/api/identity.md): a tenant's
identity provider creates, updates and deactivates its logins and their
employee records at /scim/v2/<slug>/…, authenticated by the tenant's SCIM tokens."""
