"""S3 statements per request: enforced by tests (tests/core); here the
employee list is counted in process so the report shows the number."""
import sqlalchemy as sa

from bench.context import BIG, SMALL


def statements(bench, slug) -> list[str]:
    from hrbpo.core.db import db

    seen = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if "set_config" not in statement:
            seen.append(" ".join(statement.split())[:120])

    app, token = bench.app, bench.tenant(slug).token
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    sa.event.listen(engine, "before_cursor_execute", on_execute)
    try:
        response = client.get(f"/api/v1/tenants/{slug}/employees?per_page=50",
                              headers={"Authorization": f"Bearer {token}"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
    assert response.status_code == 200, response.get_json()
    return seen


def run(bench):
    small, big = statements(bench, SMALL), statements(bench, BIG)
    bench.add("S3", "SQL statements per employee-list request (test: tests/core/test_query_counts.py)", len(small),
              "constant in rows", len(small) == len(big), small_tenant=len(small), big_tenant=len(big),
              statements=small)
