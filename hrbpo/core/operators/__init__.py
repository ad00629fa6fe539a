"""BPO operators: the roles `bpo_admin` (every client) and `operator` (the
clients of their operator groups), the groups, and the one gate (scope.py)
every cross-tenant read of a scoped operator's request goes through."""
