"""Account lifecycle: the password policy, invitations, password reset by
mail, and switching a tenant membership off and on (docs: README, section
"Accounts: invitations, activation and password reset"; contract:
shared/api/accounts.md)."""
