"""Pages for background work: the import progress page, and the console's
mail and jobs pages with their retry buttons."""
import io
import uuid

from page_browser import signed_in

from hrbpo.core.portal import people as portal_people

HEADER = "first_name,last_name,email,hire_date\n"


def _post_import(page, text, **form):
    return page.post("/t/tenant-a/employees/import", {"file": (io.BytesIO(text.encode()), "people.csv"), **form},
                     content_type="multipart/form-data")


def test_a_background_import_shows_its_progress_then_its_result(browser, tenant_a, worker):
    page = signed_in(browser, "hr@tenant-a.test")
    r = _post_import(page, HEADER + "Ann,One,ann@x.test,2024-01-01\n", background="1")
    assert r.status_code == 303 and "/t/tenant-a/employees/import/" in r.headers["Location"]
    progress = r.headers["Location"]
    waiting = page.get(progress).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in waiting and "<progress" in waiting and "Waiting for the worker" in waiting
    worker.run()
    done = page.get(progress).get_data(as_text=True)
    assert "1 employee was imported." in done and 'hx-trigger' not in done  # polling stops
    assert "ann@x.test" in page.get("/t/tenant-a/employees/").get_data(as_text=True)


def test_a_big_file_goes_to_the_worker_and_errors_show_by_line(browser, tenant_a, worker, monkeypatch):
    monkeypatch.setattr(portal_people, "ASYNC_BYTES", 10)
    page = signed_in(browser, "hr@tenant-a.test")
    r = _post_import(page, HEADER + "Ann,One,ann@x.test,2024-01-01\nBob,Bad,not-an-email,2024-01-01\n")
    assert r.status_code == 303
    worker.run()
    html = page.get(r.headers["Location"]).get_data(as_text=True)
    assert "The file could not be imported." in html and "<td>3</td><td>email:" in html


def test_progress_pages_are_the_tenants_own(browser, tenant_a, tenant_b, make_tenant):
    page = signed_in(browser, "hr@tenant-a.test")
    progress = _post_import(page, HEADER + "Ann,One,ann@x.test,2024-01-01\n", background="1").headers["Location"]
    other = signed_in(browser, "hr@tenant-b.test")
    assert other.get(progress.replace("tenant-a", "tenant-b")).status_code == 404
    assert signed_in(browser, "emp@tenant-a.test").get(progress).status_code == 403


def test_console_lists_failed_mail_and_jobs_with_a_retry(ops_browser, app, tenant_a, smtp_server, worker):
    from hrbpo.core import mail, tenancy
    from hrbpo.core.db import db
    from hrbpo.core.jobs import services as jobs

    smtp_server.use()
    smtp_server.mode = "refusing"
    app.config["HRBPO_MAIL_RETRIES"] = 0
    try:
        with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
            mail.write(_message(), "x@tenant-a.test", "Reminder")
            jobs.submit("employees.import", {"file_id": str(uuid.uuid4())})
            db.session.commit()
        worker.run()
    finally:
        app.config["HRBPO_MAIL_RETRIES"] = 8
    html = ops_browser.get("/ops/mail?status=failed").get_data(as_text=True)
    assert "x@tenant-a.test" in html and "550" in html and "Retry" in html and "1 failed message" in html
    assert "No worker has been heard from" in html
    assert "x@tenant-a.test" in ops_browser.get("/ops/mail?tenant=tenant-a").get_data(as_text=True)
    assert "x@tenant-a.test" not in ops_browser.get("/ops/mail?tenant=tenant-b").get_data(as_text=True)
    jobs_html = ops_browser.get("/ops/jobs").get_data(as_text=True)
    assert "employees.import" in jobs_html and "The uploaded file is gone." in jobs_html and "1 failed job" in jobs_html
    smtp_server.mode = "up"
    retry = html.split('action="/ops/mail/')[1].split('"')[0]
    r = ops_browser.post(f"/ops/mail/{retry}", {"next": "/ops/mail?status=failed"})
    assert r.status_code == 303 and r.headers["Location"] == "/ops/mail?status=failed"
    worker.run()
    assert len(smtp_server.received) == 1
    again = ops_browser.post(f"/ops/mail/{retry}", {"next": "https://evil.test/"})
    assert again.headers["Location"] == "/ops/mail"  # not failed any more, and never off-site
    job_retry = jobs_html.split('action="/ops/jobs/')[1].split('"')[0]
    assert ops_browser.post(f"/ops/jobs/{job_retry}", {}).status_code == 303
    assert "Queued" in ops_browser.get("/ops/jobs").get_data(as_text=True)


def test_console_background_pages_are_for_operators(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    assert page.get("/ops/mail").status_code == 403 and page.get("/ops/jobs").status_code == 403


def _message():
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "Reminder", "hrbpo@localhost", "x@tenant-a.test"
    message["Message-ID"] = make_msgid(domain="localhost")
    message.set_content("Hi.\n")
    return message
