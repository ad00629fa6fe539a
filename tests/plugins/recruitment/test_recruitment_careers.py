"""The public careers page: open jobs of one tenant, JSON-LD, applying."""
import json
import re

import pytest


def _ld(html):
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


@pytest.fixture
def jobs(rec, other, open_job):
    return {
        "open": open_job(rec, "Welder <b>", location="Bergen", country="NO", salary_min="500000",
                         salary_max="600000", currency="NOK"),
        "draft": open_job(rec, "Draft job", publish=False),
        "closed": rec.hr.post(rec.url(f"/recruitment/jobs/{open_job(rec, 'Closed job')['id']}/close")).get_json(),
        "foreign": open_job(other, "Globex job"),
    }


def test_careers_lists_open_jobs_with_json_ld(client, rec, jobs):
    r = client.get(f"/careers/{rec.slug}/jobs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "Welder &lt;b&gt;" in html
    assert "Draft job" not in html and "Closed job" not in html and "Globex job" not in html
    postings = _ld(html)
    assert len(postings) == 1
    posting = postings[0]
    assert posting["@type"] == "JobPosting" and posting["title"] == "Welder <b>"
    assert posting["hiringOrganization"]["name"] == "Acme"
    assert posting["jobLocation"]["address"] == {"@type": "PostalAddress", "addressLocality": "Bergen",
                                                 "addressCountry": "NO"}
    assert posting["baseSalary"]["currency"] == "NOK" and posting["baseSalary"]["value"]["minValue"] == 500000
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", posting["datePosted"])
    assert posting["employmentType"] == "FULL_TIME"
    assert "<b>" not in re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)


def test_careers_json(client, rec, jobs):
    body = client.get(f"/careers/{rec.slug}/jobs?format=json").get_json()
    assert [j["id"] for j in body["items"]] == [jobs["open"]["id"]]
    assert body["items"][0]["apply_url"].endswith(f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply")


def test_job_page_has_form_and_json_ld(client, rec, other, jobs):
    r = client.get(f"/careers/{rec.slug}/jobs/{jobs['open']['id']}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'name="consent"' in html and 'name="website"' in html and len(_ld(html)) == 1
    for job in ("draft", "closed", "foreign"):
        assert client.get(f"/careers/{rec.slug}/jobs/{jobs[job]['id']}").status_code == 404
    assert client.get(f"/careers/{other.slug}/jobs/{jobs['open']['id']}").status_code == 404


def test_unknown_tenant_or_module_off(client, tenant_a):
    assert client.get("/careers/nobody/jobs").status_code == 404
    assert client.get(f"/careers/{tenant_a.slug}/jobs").status_code == 404
    assert client.get(f"/careers/{tenant_a.slug}/jobs?format=json").status_code == 404


def test_apply_json(client, rec, jobs):
    url = f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply"
    person = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
    r = client.post(url, json=person)
    assert r.status_code == 422 and "consent" in r.get_json()["errors"]
    assert client.post(url, json={**person, "consent": False}).status_code == 422
    assert client.post(url, json={"consent": True}).status_code == 422
    assert client.post(url, data="{", content_type="application/json").status_code == 400
    r = client.post(url, json={**person, "consent": True})
    assert r.status_code == 201
    listing = rec.hr.get(rec.url(f"/recruitment/applications?job_id={jobs['open']['id']}")).get_json()
    assert listing["total"] == 1 and listing["items"][0]["source"] == "careers"
    assert listing["items"][0]["candidate"]["email"] == "grace@example.com"
    # A repeat says nothing about who applied and stores nothing new.
    assert client.post(url, json={**person, "consent": True}).status_code == 201
    assert rec.hr.get(rec.url("/recruitment/applications")).get_json()["total"] == 1


def test_apply_only_to_open_jobs_of_that_tenant(client, rec, other, jobs):
    person = {"first_name": "G", "last_name": "H", "email": "g@example.com", "consent": True}
    for job in ("draft", "closed", "foreign"):
        assert client.post(f"/careers/{rec.slug}/jobs/{jobs[job]['id']}/apply", json=person).status_code == 404
    assert client.post(f"/careers/{other.slug}/jobs/{jobs['open']['id']}/apply", json=person).status_code == 404
    assert rec.hr.get(rec.url("/recruitment/applications")).get_json()["total"] == 0


def test_apply_form_honeypot_and_consent(client, rec, jobs):
    url = f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply"
    form = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
    r = client.post(url, data=form)
    assert r.status_code == 422 and "aria-invalid" in r.get_data(as_text=True)
    r = client.post(url, data={**form, "consent": "true", "website": "http://spam.test"})
    assert r.status_code == 303
    assert rec.hr.get(rec.url("/recruitment/applications")).get_json()["total"] == 0
    r = client.post(url, data={**form, "consent": "true"})
    assert r.status_code == 303 and "applied=1" in r.headers["Location"]
    assert rec.hr.get(rec.url("/recruitment/applications")).get_json()["total"] == 1
    assert "Thank you" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_apply_form_with_resume(client, rec, jobs):
    import io

    url = f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply"
    form = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "consent": "true"}
    r = client.post(url, data={**form, "resume": (io.BytesIO(b"%PDF-1.4 resume"), "cv.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 303
    item = rec.hr.get(rec.url("/recruitment/applications")).get_json()["items"][0]
    assert item["candidate"]["resume_file_id"]
    r = rec.hr.get(rec.url(f"/recruitment/candidates/{item['candidate_id']}/resume"))
    assert r.status_code == 200 and r.data.startswith(b"%PDF")


def test_apply_is_rate_limited(app, client, rec, jobs):
    app.config["HRBPO_CAREERS_APPLY_LIMIT"] = "2 per minute"
    try:
        url = f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply"
        codes = [client.post(url, json={"first_name": "A", "last_name": "B", "email": f"a{i}@x.test",
                                        "consent": True}).status_code for i in range(3)]
    finally:
        app.config.pop("HRBPO_CAREERS_APPLY_LIMIT")
    assert codes == [201, 201, 429]


def test_apply_form_with_wrong_resume_type(client, rec, jobs):
    import io

    url = f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply"
    form = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "consent": "true"}
    r = client.post(url, data={**form, "resume": (io.BytesIO(b"GIF89a..."), "cv.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "PDF" in r.get_data(as_text=True)
    assert rec.hr.get(rec.url("/recruitment/applications")).get_json()["total"] == 0


def _publish_at(app, job_id, when):
    import uuid

    import sqlalchemy as sa

    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.plugins.recruitment.models import Job

    with app.app_context(), tenancy.all_tenants():
        db.session.execute(sa.update(Job).where(Job.id == uuid.UUID(job_id)).values(published_at=when))
        db.session.commit()


def test_careers_pages_speak_the_tenants_language_with_dates_in_its_time_zone(app, client, operator, rec, jobs):
    from datetime import datetime, timezone

    assert operator.patch(f"/api/v1/tenants/{rec.slug}", json={"locale": "nb", "timezone": "Pacific/Auckland"}
                          ).status_code == 200
    # Late evening in UTC is the next morning in Auckland.
    _publish_at(app, jobs["open"]["id"], datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc))
    for path in ("/jobs", f"/jobs/{jobs['open']['id']}"):
        html = client.get(f"/careers/{rec.slug}{path}", headers={"Accept-Language": "hi, en;q=0.5"}).get_data(as_text=True)
        assert '<html lang="nb" dir="ltr">' in html, path
        assert "2. mars 2026" in html and "1. mars" not in html, path
    html = client.get(f"/careers/{rec.slug}/jobs/{jobs['open']['id']}").get_data(as_text=True)
    assert "Send søknad" in html  # the form, too


def test_careers_page_in_urdu_reads_right_to_left(client, operator, rec, jobs):
    assert operator.patch(f"/api/v1/tenants/{rec.slug}", json={"locale": "ur"}).status_code == 200
    html = client.get(f"/careers/{rec.slug}/jobs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html


def test_careers_page_shows_the_tenants_logo_to_anyone(client, rec, jobs, signed_in):
    import io

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    anonymous = client.get(f"/careers/{rec.slug}/jobs").get_data(as_text=True)
    assert f'src="/careers/{rec.slug}/logo"' not in anonymous
    assert client.get(f"/careers/{rec.slug}/logo").status_code == 404  # none yet
    hr = signed_in(f"hr@{rec.slug}.test")
    r = hr.post(f"/t/{rec.slug}/settings", {"timezone": "UTC", "locale": "en", "currency": "USD",
                                            "logo": (io.BytesIO(png), "logo.png")}, content_type="multipart/form-data")
    assert r.status_code == 303
    html = client.get(f"/careers/{rec.slug}/jobs").get_data(as_text=True)
    assert f'src="/careers/{rec.slug}/logo"' in html and "/t/" not in html  # not the members-only URL
    logo = client.get(f"/careers/{rec.slug}/logo")
    assert logo.status_code == 200 and logo.data == png and logo.headers["Content-Disposition"].startswith("inline;")
    assert client.get(f"/t/{rec.slug}/logo").status_code == 302  # the portal's stays for members


def test_apply_refuses_json_nested_too_deep(client, rec, jobs):
    url = f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply"
    r = client.post(url, data=b'{"first_name": ' + b"[" * 100_000, content_type="application/json")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert rec.hr.get(rec.url("/recruitment/applications")).get_json()["total"] == 0


HOSTILE_NAMES = ['cv".pdf', 'cv.pdf"; filename="evil.html', "履歴書 résumé.exe", "..\\..\\cv.html", "cv.pdf\x00.sh"]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["quote", "parameter", "unicode", "path", "nul"])
def test_a_resume_downloads_under_its_judged_type_whatever_its_uploaded_name(client, rec, jobs, name):
    import io

    url = f"/careers/{rec.slug}/jobs/{jobs['open']['id']}/apply"
    form = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "consent": "true"}
    r = client.post(url, data={**form, "resume": (io.BytesIO(b"%PDF-1.4 resume"), name)},
                    content_type="multipart/form-data")
    assert r.status_code == 303
    item = rec.hr.get(rec.url("/recruitment/applications")).get_json()["items"][0]
    r = rec.hr.get(rec.url(f"/recruitment/candidates/{item['candidate_id']}/resume"))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    expected = f"resume-{item['candidate']['resume_file_id']}.pdf"
    assert r.headers["Content-Disposition"] == f"attachment; filename=\"{expected}\"; filename*=UTF-8''{expected}"
    assert "Set-Cookie" not in r.headers
