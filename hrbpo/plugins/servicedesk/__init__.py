"""The servicedesk module: HR cases with service levels in each client's business calendar."""
