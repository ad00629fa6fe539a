"""Outgoing mail: rendered in the recipient's language, written to the outbox
in the transaction that causes it, delivered by the worker to a real SMTP
server (aiosmtpd) that may be up, down, hung or refusing."""
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from jinja2 import ChoiceLoader, DictLoader

from hrbpo.core import mail, tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.core.mail import delivery
from hrbpo.core.mail.models import OutboxMessage
from hrbpo.core.mail.transport import SmtpTransport, transport_for

TEMPLATE = ('{% block subject %}{{ _("Sign in") }}: {{ what }}{% endblock %}'
            '{% block body %}{{ _("Hello %(name)s,", name=name) }}\n\n{{ format_date(day, "long") }}{% endblock %}')


@contextmanager
def template(app, name="test/mail.txt", text=TEMPLATE):
    env = app.jinja_env
    before = env.loader
    env.loader = ChoiceLoader([DictLoader({name: text}), before])
    env.cache.clear()
    try:
        yield name
    finally:
        env.loader = before
        env.cache.clear()


def _send(template_name, locale="en", address="ada@example.test", **context):
    context = {"what": "x", "name": "Ada", "day": date(2026, 11, 23), **context}
    return mail.send(mail.Recipient(address, locale, "Ada L."), template_name, **context)


def _outbox():
    with tenancy.all_tenants():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.created_at)
                                  .execution_options(populate_existing=True)).all()
        db.session.commit()
    return rows


@pytest.fixture
def message(app):
    """Commit one message to the outbox; returns its id."""
    def write(**context):
        with template(app) as name:
            id_ = _send(name, **context)
        db.session.commit()
        return id_
    return write


@pytest.fixture
def retries(app):
    before = app.config["HRBPO_MAIL_RETRIES"]
    app.config["HRBPO_MAIL_RETRIES"] = 2
    yield 2
    app.config["HRBPO_MAIL_RETRIES"] = before


def test_message_is_written_in_the_recipients_language(app, mailbox):
    with template(app) as name:
        _send(name, "nb")
        _send(name, "en")
        db.session.commit()
    norwegian, english = mailbox
    with force_locale("nb"):
        assert norwegian["Subject"] == f"{gettext('Sign in')}: x" != english["Subject"]
    assert "23. november 2026" in norwegian.get_content() and "November 23, 2026" in english.get_content()
    assert norwegian["Content-Language"] == "nb" and norwegian["To"] == "\"Ada L.\" <ada@example.test>"
    assert norwegian["Auto-Submitted"] == "auto-generated" and norwegian["Message-ID"].endswith("@localhost>")
    assert norwegian["From"] == app.config["HRBPO_MAIL_FROM"]


def test_mail_is_written_with_the_change_and_a_rollback_drops_it(app, mailbox):
    with template(app) as name:
        _send(name)
        assert mailbox == []  # not before the commit
        db.session.rollback()
        db.session.commit()
        assert mailbox == [] and _outbox() == []
        _send(name, what="kept")
        with db.session.begin_nested():  # a savepoint that rolls back keeps the outer transaction's mail
            pass
        try:
            with db.session.begin_nested():
                raise RuntimeError("undo the savepoint")
        except RuntimeError:
            pass
        db.session.commit()
    [row] = _outbox()
    assert (row.status, row.attempts, row.subject) == ("queued", 0, "Sign in: kept")  # nobody has tried SMTP yet
    assert [m["Subject"] for m in mailbox] == ["Sign in: kept"]
    [row] = _outbox()
    assert (row.status, row.attempts) == ("sent", 1) and row.sent_at is not None


def test_a_message_is_encrypted_at_rest_in_the_outbox(app, message, owner_sql):
    message(name="Ada Secretlink")
    [(raw,)] = owner_sql("SELECT raw FROM mail_outbox")
    assert "Secretlink" not in raw and "Sign in" not in raw


def test_smtp_up_delivers_once_with_the_stored_message_id(app, smtp_server, worker, message):
    smtp_server.use()
    message_id = message()
    worker.run()
    [received] = smtp_server.received
    [row] = _outbox()
    assert row.id == message_id and received["Message-ID"] == row.message_id
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    worker.run(later=True)  # nothing is due again
    assert len(smtp_server.received) == 1


@pytest.mark.parametrize("trouble, error", [("down", "connection refused"), ("hung", "timed out"),
                                            ("refusing", "550")])
def test_trouble_then_recovery_delivers_once(app, smtp_server, worker, message, trouble, error):
    smtp_server.use()
    smtp_server.mode = trouble
    message()
    before = utcnow()
    worker.run()
    [row] = _outbox()
    assert (row.status, row.attempts) == ("queued", 1) and error in row.last_error
    delay = app.config["HRBPO_MAIL_RETRY_DELAY"]
    assert row.next_attempt_at >= before + timedelta(seconds=delay)  # backoff: DELAY after the first failure
    worker.run()  # not due yet: nothing is tried
    assert _outbox()[0].attempts == 1
    smtp_server.mode = "up"
    worker.run(later=True)
    [row] = _outbox()
    assert (row.status, row.attempts) == ("sent", 2)
    assert smtp_server.message_ids() == [row.message_id]  # once


def test_backoff_doubles_and_a_message_fails_after_its_retries(app, smtp_server, worker, message, retries, operator):
    smtp_server.use()
    smtp_server.mode = "refusing"
    message()
    waits = []
    for _ in range(retries + 1):
        start = utcnow()
        worker.run(later=True)
        row = _outbox()[0]
        if row.status == "queued":
            waits.append(round((row.next_attempt_at - start).total_seconds() / app.config["HRBPO_MAIL_RETRY_DELAY"]))
    assert waits == [1, 2]
    [row] = _outbox()
    assert (row.status, row.attempts) == ("failed", retries + 1) and "550" in row.last_error
    listed = operator.get("/api/v1/mail?status=failed").get_json()["items"]
    assert [(m["id"], m["attempts"], m["status"]) for m in listed] == [(str(row.id), 3, "failed")]
    assert "550" in listed[0]["last_error"] and listed[0]["to"] == "ada@example.test"
    assert smtp_server.received == []
    # The operator retries once the server takes mail again: delivered once.
    smtp_server.mode = "up"
    r = operator.post(f"/api/v1/mail/{row.id}/retry")
    assert r.status_code == 202 and r.get_json()["status"] == "queued"
    worker.run()
    assert _outbox()[0].status == "sent" and len(smtp_server.received) == 1
    assert operator.post(f"/api/v1/mail/{row.id}/retry").status_code == 409  # only failed mail
    assert operator.post(f"/api/v1/mail/{uuid.uuid4()}/retry").status_code == 404


def test_a_worker_that_died_mid_send_leaves_the_message_to_the_next(app, smtp_server, worker, message):
    smtp_server.use()
    message_id = message()
    with tenancy.all_tenants():
        [claimed] = delivery._claim([message_id])  # a worker claims it, then dies before recording anything
    assert _outbox()[0].status == "sending"
    delivery.sweep()
    assert _outbox()[0].status == "sending"  # its lease still runs
    delivery.sweep(now=utcnow() + delivery.lease() + timedelta(seconds=1))
    worker.run()
    [row] = _outbox()
    assert (row.status, row.attempts) == ("sent", 2) and smtp_server.message_ids() == [row.message_id]


def test_doorbells_are_rung_again_when_lost(app, smtp_server, worker, message):
    smtp_server.use()
    message()
    worker.huey.flush()  # the queue lost its doorbell (say, Redis restarted empty)
    worker.run()
    assert _outbox()[0].status == "queued"
    delivery.sweep(now=utcnow() + timedelta(minutes=2))
    worker.run()
    assert _outbox()[0].status == "sent" and len(smtp_server.received) == 1


def test_without_a_mail_url_mail_stays_in_the_outbox(app, worker, message, operator, caplog):
    app.config["HRBPO_MAIL_URL"] = None
    try:
        with caplog.at_level("INFO", logger="hrbpo.core.mail"):
            message()
        worker.run(later=True)
        delivery.sweep(now=utcnow() + timedelta(hours=1))
        worker.run()
    finally:
        app.config["HRBPO_MAIL_URL"] = "memory:"
    [row] = _outbox()
    assert (row.status, row.attempts) == ("queued", 0)
    assert "nothing is sent" in caplog.text
    assert operator.get("/api/v1/mail?status=queued").get_json()["total"] == 1


def test_queue_storage_sqlite_and_redis(app, queue_storage, smtp_server, worker, message):
    smtp_server.use()
    smtp_server.mode = "down"
    message()
    worker.run()
    assert _outbox()[0].status == "queued"
    assert worker.pending() == 1  # the retry's doorbell waits in this storage's schedule
    smtp_server.mode = "up"
    worker.run(later=True)
    assert _outbox()[0].status == "sent" and len(smtp_server.received) == 1 and worker.pending() == 0


def test_mail_api_is_for_operators(app, client, operator, make_tenant, message):
    kit = make_tenant("mail-api")
    with tenancy.tenant_context(uuid.UUID(kit.id)):
        message(address="someone@mail-api.test")
    message(address="platform@example.test")
    assert client.get("/api/v1/mail").status_code == 401
    assert kit.hr.get("/api/v1/mail").status_code == 403
    items = operator.get("/api/v1/mail").get_json()["items"]
    assert [m["to"] for m in items] == ["platform@example.test", "someone@mail-api.test"]  # newest first
    assert [m["tenant"] for m in items] == [None, "mail-api"]
    assert set(items[0]) >= {"id", "tenant", "to", "subject", "status", "attempts", "last_error", "created_at",
                             "sent_at"}
    assert operator.get("/api/v1/mail?tenant=mail-api").get_json()["total"] == 1
    assert operator.get("/api/v1/mail?to=Someone@mail-api.test").get_json()["total"] == 1
    assert operator.get("/api/v1/mail?status=sent").get_json()["total"] == 0
    assert operator.get("/api/v1/mail?status=lost").status_code == 422


def test_transport_urls():
    assert transport_for(None) is None
    smtp = transport_for("smtp://mailer%40acme:p%40ss@smtp.example.test:2525?starttls=1&timeout=5")
    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.starttls, smtp.user, smtp.password, smtp.timeout) == (
        "smtp.example.test", 2525, True, "mailer@acme", "p@ss", 5.0)
    plain = transport_for("smtp://relay.internal")
    assert (plain.port, plain.starttls, plain.user, plain.timeout) == (25, False, None, 30.0)
    assert (transport_for("smtps://h").port, transport_for("smtp://h?starttls=yes").port) == (465, 587)
    with pytest.raises(ValueError, match="HRBPO_MAIL_URL"):
        transport_for("sendmail:///usr/sbin/sendmail")


def test_recipients_speak_their_own_language(app, make_tenant, operator):
    from hrbpo.core.auth.models import User
    from hrbpo.core.people.models import Employee
    from hrbpo.core.tenants.services import get_tenant

    kit = make_tenant("mail-a")
    operator.post("/api/v1/tenants", json={"slug": "mail-b", "name": "Mail B", "locale": "hi"})
    tenant = get_tenant("mail-a")
    with tenancy.tenant_context(tenant):
        employee = db.session.get(Employee, (tenant.id, uuid.UUID(kit.employee_id)))
        user = db.session.scalars(db.select(User).where(User.email == "emp@mail-a.test")).one()
        user.locale = "ur"
        db.session.commit()
        assert mail.employee_recipients([employee], tenant)[employee.id].locale == "ur"
        user.locale = None
        db.session.commit()
        assert mail.employee_recipients([employee], tenant)[employee.id] == mail.Recipient(
            "emp@mail-a.test", "en", employee.full_name)
        assert [r.address for r in mail.hr_admins(tenant)] == ["hr@mail-a.test"]
    other = get_tenant("mail-b")
    assert mail.locale_for(None, other) == "hi"


def test_links_use_the_base_url(app):
    app.config["HRBPO_BASE_URL"] = "https://hr.example.test/"
    try:
        assert mail.link("/t/acme/benefits/") == "https://hr.example.test/t/acme/benefits/"
    finally:
        app.config["HRBPO_BASE_URL"] = None
    assert mail.link("t/acme/") == "http://127.0.0.1:5000/t/acme/"
