"""Single sign-on in a real browser: the login page's button, the round trip
through the (test) OpenID provider, and the portal at the end."""
from playwright.sync_api import expect

from hrbpo.testing_oidc import CLIENT_ID, CLIENT_SECRET, OpenIDProvider


def test_sign_in_with_the_tenants_provider(page, live, monkeypatch):
    from hrbpo.core.identity import sso_provider

    monkeypatch.setitem(live.app.config, "HRBPO_SSO_ALLOW_LOOPBACK_ISSUER", True)
    sso_provider.forget()
    kit = live.tenant("sso-e2e")
    with OpenIDProvider() as provider:
        provider.person = {"sub": "e2e-1", "email": "emp@sso-e2e.test", "email_verified": True}
        r = kit.hr.put(kit.url("/sso"), json={"issuer": provider.issuer, "client_id": CLIENT_ID,
                                              "client_secret": CLIENT_SECRET, "display_name": "Acme ID"})
        assert r.status_code == 200, r.get_json()
        page.goto(live.url("/login?next=/t/sso-e2e/"))
        page.get_by_role("link", name="Sign in with Acme ID").click()
        expect(page).to_have_url(live.url("/t/sso-e2e/"))
        assert provider.count("/token") == 1 and provider.authorizations[0]["code_challenge_method"] == "S256"
        # Someone the tenant does not know (no just-in-time logins): a page in words, with a way back.
        provider.person = {"sub": "e2e-2", "email": "stranger@sso-e2e.test", "email_verified": True}
        page.context.clear_cookies()
        page.goto(live.url("/login?tenant=sso-e2e"))
        page.get_by_role("link", name="Sign in with Acme ID").click()
        expect(page.get_by_role("heading", name="You were not signed in")).to_be_visible()
        expect(page.locator(".sso-reason")).to_contain_text("ask your HR team")
        page.get_by_role("link", name="Start again").click()
        expect(page).to_have_url(live.url("/login?tenant=sso-e2e"))
    sso_provider.forget()
