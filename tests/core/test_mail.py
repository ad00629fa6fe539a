"""Outgoing mail: rendered in the recipient's language, delivered after commit,
kept in the outbox by default, sent over SMTP when configured."""
import smtplib
import stat
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from jinja2 import ChoiceLoader, DictLoader

from hrbpo.core import mail, tenancy
from hrbpo.core.db import db

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


def _send(name, locale="en", address="ada@example.test", **context):
    context = {"what": "x", "name": "Ada", "day": date(2026, 11, 23), **context}
    return mail.send(mail.Recipient(address, locale, "Ada L."), name, **context)


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


def test_mail_waits_for_the_commit_and_a_rollback_drops_it(app, mailbox):
    with template(app) as name:
        _send(name)
        assert mailbox == []
        db.session.rollback()
        db.session.commit()
        assert mailbox == []
        _send(name, what="kept")
        with db.session.begin_nested():  # a savepoint that rolls back keeps the outer transaction's mail
            pass
        try:
            with db.session.begin_nested():
                raise RuntimeError("undo the savepoint")
        except RuntimeError:
            pass
        db.session.commit()
    assert [m["Subject"] for m in mailbox] == ["Sign in: kept"]


def test_outbox_backend_logs_and_keeps_every_message(app, tmp_path, caplog):
    backend = mail.OutboxBackend(tmp_path / "outbox")
    previous, app.extensions[mail.EXTENSION] = app.extensions[mail.EXTENSION], backend
    try:
        with template(app) as name, caplog.at_level("INFO", logger="hrbpo.core.mail"):
            _send(name)
            db.session.commit()
    finally:
        app.extensions[mail.EXTENSION] = previous
    [kept] = (tmp_path / "outbox").glob("*.eml")
    assert b"Subject: Sign in: x" in kept.read_bytes()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert "ada@example.test" in caplog.text and "nothing was sent" in caplog.text


class FakeSMTP:
    """Stands in for smtplib.SMTP / SMTP_SSL and records what was asked of it."""

    calls: list = []
    refuse: set = set()

    def __init__(self, host, port, timeout=None, context=None):
        self.calls.append(("connect", host, port, context is not None))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append(("quit",))

    def starttls(self, context=None):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        if message["To"] in self.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        self.calls.append(("send", message["To"]))


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.calls, FakeSMTP.refuse = [], set()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSMTP)
    return FakeSMTP


def test_smtp_with_starttls_and_login(app, fake_smtp, tmp_path):
    backend = mail.backend_for("smtp://mailer%40acme:p%40ss@smtp.example.test:2525?starttls=1", tmp_path)
    previous, app.extensions[mail.EXTENSION] = app.extensions[mail.EXTENSION], backend
    fake_smtp.refuse = {"\"Ada L.\" <bad@example.test>"}
    failed = Path(app.instance_path) / "outbox" / "failed"
    before = set(failed.glob("*.eml"))
    try:
        with template(app) as name:
            _send(name)
            _send(name, address="bad@example.test")
            db.session.commit()
    finally:
        app.extensions[mail.EXTENSION] = previous
    assert fake_smtp.calls[:3] == [("connect", "smtp.example.test", 2525, False), ("starttls",),
                                   ("login", "mailer@acme", "p@ss")]
    assert ("send", "\"Ada L.\" <ada@example.test>") in fake_smtp.calls and fake_smtp.calls[-1] == ("quit",)
    # The refused message is kept, not lost.
    [kept] = set(failed.glob("*.eml")) - before
    assert b"bad@example.test" in kept.read_bytes()
    kept.unlink()


def test_unreachable_server_keeps_the_messages(app, monkeypatch, tmp_path):
    def down(*args, **kw):
        raise ConnectionRefusedError("nobody listens")

    monkeypatch.setattr(smtplib, "SMTP_SSL", down)
    backend = mail.backend_for("smtps://smtp.example.test", tmp_path)
    assert (backend.secure, backend.port) == (True, 465)
    message = mail.EmailMessage()
    message["To"] = "x@example.test"
    assert backend.deliver([message]) == [message]


def test_backend_urls():
    assert isinstance(mail.backend_for(None, Path("/tmp/o")), mail.OutboxBackend)
    assert isinstance(mail.backend_for("memory:", Path("/tmp/o")), mail.MemoryBackend)
    plain = mail.backend_for("smtp://relay.internal", Path("/tmp/o"))
    assert (plain.host, plain.port, plain.starttls, plain.user) == ("relay.internal", 25, False, None)
    assert mail.backend_for("smtp://h?starttls=yes&timeout=5", Path("/tmp/o")).port == 587
    with pytest.raises(ValueError, match="HRBPO_MAIL_URL"):
        mail.backend_for("sendmail:///usr/sbin/sendmail", Path("/tmp/o"))


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
