"""Outgoing webhooks: the framework-free parts.

`signing` makes secrets and Standard Webhooks signatures, `addresses` decides
which URLs and IP addresses may be called (the SSRF policy), `delivery` makes
one signed POST to an already checked address, and `schedule` says when to
try again and when to give up on an endpoint. None of them touches Flask,
the database or the rest of hrbpo: the API, the outbox and the worker call
them with plain values.
"""
