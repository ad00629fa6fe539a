"""Property-based runs over the served OpenAPI document, as each kind of
caller: the operator, a tenant's HR admin and one of its employees. Every
schemathesis check applies (no 5xx; statuses, content types, headers and
bodies as documented; invalid data refused; authentication not ignored) but
one: a schema-valid request may still break a rule the document cannot state
(a plausible hire date, dates in order, a CSV file's columns), and 422 is the
right answer to it, so "valid data accepted" is not asked.

Bounded (a few examples per operation and mode), against the WSGI app with a
seeded tenant; a fixed seed for reproducible CI runs, and one run with a seed
of its own (printed on failure, by Hypothesis) so new inputs turn up over
time. On each backend (PostgreSQL refuses what SQLite stores, NUL for one).
New endpoints are fuzzed on arrival."""
import os
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

EXAMPLES = int(os.environ.get("HRBPO_FUZZ_EXAMPLES", "3"))
# Revoking the run's own token would turn every later call into a 401.
SKIP = {("DELETE", "/api/v1/auth/token")}


def _fuzz(app, kit, token, examples, fixed_seed):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Every call carries the caller's token: a generated (or left out) Authorization header is
    # overridden by it, so a "negative" case that only differs there is no negative case at all.
    schema.config.generation.update(with_security_parameters=False)
    known = {"slug": kit.slug, "employee_id": kit.employee_id}
    failures, ran = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in known.items() if k in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)

            @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def run(case):
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                       excluded_checks=[positive_data_acceptance])

            if fixed_seed is not None:
                run = seed(fixed_seed)(run)
            try:
                run()
            except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
                pass
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failure
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}"[:3000])
            ran += 1
    assert ran > 20
    return failures


def _token(role, operator, kit):
    return {"operator": operator, "hr": kit.hr, "employee": kit.employee}[role].token


@pytest.mark.parametrize("role", ["operator", "hr", "employee"])
def test_fuzz_as_each_role_with_a_fixed_seed(app, operator, make_tenant, role):
    kit = make_tenant("fuzz")
    failures = _fuzz(app, kit, _token(role, operator, kit), EXAMPLES, fixed_seed=20261207)
    assert not failures, "\n\n".join(failures)


def test_fuzz_with_a_random_seed(app, operator, make_tenant):
    """New inputs each run, as a caller picked at random (Hypothesis prints
    the seed to reproduce a failure with)."""
    kit = make_tenant("fuzz")
    role = random.choice(["operator", "hr", "employee"])
    failures = _fuzz(app, kit, _token(role, operator, kit), 1, fixed_seed=None)
    assert not failures, f"as {role}:\n\n" + "\n\n".join(failures)
