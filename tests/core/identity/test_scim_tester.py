"""scim2-tester against the SCIM service, through a WSGI adapter: clean for
every feature the ServiceProviderConfig declares."""
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server

from tests.core.identity.conftest import new_token


def _isolated(app):
    """Each request in its own app context, as in production (see RequestIsolatedClient)."""
    def wsgi(environ, start_response):
        with app.app_context():
            return list(app.wsgi_app(environ, start_response))

    return wsgi


def test_scim2_tester_is_clean(app, tenant_a):
    token = new_token(tenant_a)["token"]
    client = WSGISCIMClient(_isolated(app), base_url=f"http://localhost/scim/v2/{tenant_a.slug}",
                            headers={"Authorization": f"Bearer {token}"})
    results = check_server(client, raise_exceptions=False)
    failures = [f"{r.title}: {r.reason}" for r in results if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    assert results and not failures, "\n".join(failures)
    titles = {r.title for r in results if r.status == Status.SUCCESS}
    assert {"object_creation", "object_replacement", "object_deletion"} <= titles, titles
