"""Every core model, imported once so the metadata (and Alembic) sees them all."""
from hrbpo.core.accounts.models import Invitation, PasswordReset
from hrbpo.core.api.idempotency import IdempotencyRecord
from hrbpo.core.audit import AuditEvent, AuditHead
from hrbpo.core.auth.models import ApiToken, Membership, User
from hrbpo.core.files import StoredFile
from hrbpo.core.identity.scim.models import ScimToken, ScimUser
from hrbpo.core.identity.sso_models import SsoAttempt, SsoSettings
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.mail.models import OutboxMessage
from hrbpo.core.operators.models import OperatorGroup
from hrbpo.core.people.models import Employee
from hrbpo.core.tenants.models import Tenant, TenantModule
from hrbpo.core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = ["ApiToken", "AuditEvent", "AuditHead", "Employee", "IdempotencyRecord", "Invitation", "BackgroundJob", "ScimToken", "ScimUser",
           "Membership", "OperatorGroup", "PasswordReset", "OutboxMessage", "SsoAttempt", "SsoSettings", "StoredFile", "Tenant", "TenantModule", "User",
           "WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]
