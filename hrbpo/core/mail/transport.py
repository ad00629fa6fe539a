"""Where the worker hands messages over: HRBPO_MAIL_URL.

- `smtp://[user:password@]host:port[?timeout=S]`, `?starttls=1` for STARTTLS,
  `smtps://` for implicit TLS (timeout default 30 s);
- `memory:` keeps messages in a list (tests: the `mailbox` fixture);
- unset: no transport; messages stay `queued` in the outbox, shown in the console.
"""
import email
import smtplib
import ssl
from email import policy
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

EXTENSION = "hrbpo_mail_transports"


class MemoryTransport:
    """Keeps what it is given, parsed back into EmailMessages."""

    timeout = 1.0

    def __init__(self):
        self.messages = []

    def session(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, sender: str, to: str, raw: str):
        self.messages.append(email.message_from_string(raw, policy=policy.default))


class SmtpTransport:
    def __init__(self, url: str):
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.secure = parts.scheme == "smtps"
        self.starttls = query.get("starttls", "0").lower() in ("1", "true", "yes", "on")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.secure else 587 if self.starttls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = float(query.get("timeout", "30"))

    def session(self) -> "_SmtpSession":
        """One connection for several messages: `with transport.session() as s: s.send(...)`."""
        return _SmtpSession(self)


class _SmtpSession:
    def __init__(self, transport: SmtpTransport):
        self.transport, self.smtp = transport, None

    def __enter__(self):
        t = self.transport
        context = ssl.create_default_context()
        if t.secure:
            self.smtp = smtplib.SMTP_SSL(t.host, t.port, timeout=t.timeout, context=context)
        else:
            self.smtp = smtplib.SMTP(t.host, t.port, timeout=t.timeout)
            if t.starttls:
                self.smtp.starttls(context=context)
        if t.user:
            self.smtp.login(t.user, t.password)
        return self

    def send(self, sender: str, to: str, raw: str):
        self.smtp.sendmail(sender, [to], raw.encode("ascii"))

    def __exit__(self, *exc):
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()
        return False


def transport_for(url: str | None):
    scheme = (url or "").split(":", 1)[0].lower()
    if not scheme:
        return None
    if scheme == "memory":
        return MemoryTransport()
    if scheme in ("smtp", "smtps"):
        return SmtpTransport(url)
    raise ValueError(f"HRBPO_MAIL_URL {scheme}:… is not understood: use smtp:// or smtps://")


def transport():
    """The app's transport for its current HRBPO_MAIL_URL (None: keep mail in the outbox)."""
    url = current_app.config.get("HRBPO_MAIL_URL")
    known = current_app.extensions.setdefault(EXTENSION, {})
    if url not in known:
        known[url] = transport_for(url)
    return known[url]
