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
