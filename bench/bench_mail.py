"""Mail benchmarks, on a throw-away database (SQLite, or HRBPO_DATABASE_URL):

    python -m bench.bench_mail [--requests 300] [--messages 10000] [--postgresql]

With --postgresql: a throw-away PostgreSQL database (HRBPO_BENCH_PG_URL's
server) and the queue on Redis (HRBPO_BENCH_REDIS_URL, default
redis://127.0.0.1:6379/0, its own key prefix), as in production.

S9: a request that causes a mail (hiring an employee opens a new-hire
benefits window and mails them) vs the same request with mail switched off,
while the SMTP server is hung: alternating rounds in process, median ratio.
S10: N reminder mails written in one transaction, delivered by a worker
process to a local SMTP sink (aiosmtpd): messages/s, and the worker's memory
at a tenth and at the end of the run (flat: no growth with the backlog).
Prints one JSON line per scenario.
"""
import argparse
import asyncio
import json
import os
import socket
import statistics
import time
from contextlib import contextmanager, nullcontext

from bench.database import scratch_app
from bench.worker import RssSampler, worker

PLAN = {"name": "Gold PPO", "kind": "medical", "currency": "USD", "tiers": [
    {"tier": "employee", "employee_cost": "100.00", "employer_cost": "400.00", "period": "month"}]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """An aiosmtpd handler that counts what it accepts, or hangs (`hung`)."""

    def __init__(self):
        self.count, self.first, self.last, self.hung = 0, None, None, False

    async def handle_DATA(self, server, session, envelope):
        if self.hung:
            await asyncio.sleep(3600)
        self.count += 1
        self.last = time.monotonic()
        self.first = self.first or self.last
        return "250 OK"


@contextmanager
def smtp(sink):
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}?timeout=30"
    finally:
        controller.stop()


def s9(app, requests: int) -> dict:
    """Hiring with and without its mail, SMTP hung; alternating rounds."""
    import hrbpo.core.mail as mail
    from hrbpo.core.auth.services import create_operator

    client = app.test_client()
    create_operator("ops@bench-mail.test", "bench-password-1234")
    token = client.post("/api/v1/auth/token", json={"email": "ops@bench-mail.test",
                                                     "password": "bench-password-1234"}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/tenants", json={"slug": "bench-mail", "name": "Bench Mail"}, headers=auth)
    client.put("/api/v1/tenants/bench-mail/modules/benefits", headers=auth)
    assert client.post("/api/v1/tenants/bench-mail/benefits/plans", json=PLAN, headers=auth).status_code == 201
    real_send, counter = mail.send, iter(range(10 ** 9))

    def hire():
        n = next(counter)
        r = client.post("/api/v1/tenants/bench-mail/employees", headers=auth, json={
            "first_name": "New", "last_name": f"Hire{n}", "email": f"hire{n}@bench-mail.test",
            "hire_date": time.strftime("%Y-%m-%d")})
        assert r.status_code == 201, r.get_json()

    def timed(with_mail: bool, n: int) -> float:
        mail.send = real_send if with_mail else (lambda *a, **k: None)
        try:
            start = time.perf_counter()
            for _ in range(n):
                hire()
            return (time.perf_counter() - start) / n
        finally:
            mail.send = real_send

    timed(True, 20), timed(False, 20)  # warm both paths
    rounds, ratios, per = 6, [], max(1, requests // 12)
    for i in range(rounds):
        order = (True, False) if i % 2 == 0 else (False, True)
        seconds = {w: timed(w, per) for w in order}
        ratios.append(seconds[True] / seconds[False])
    with app.app_context():
        from hrbpo.core import tenancy
        from hrbpo.core.db import db
        from hrbpo.core.mail.models import OutboxMessage

        with tenancy.all_tenants():
            queued = db.session.query(OutboxMessage).filter(OutboxMessage.status == "queued").count()
    return {"id": "S9", "ratio": round(statistics.median(ratios), 3), "rounds": [round(r, 3) for r in ratios],
            "requests_per_round": per, "queued_mail": queued}


def s10(app, messages: int) -> dict:
    """N messages to a local SMTP sink through a worker process."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    from hrbpo.core import mail, tenancy
    from hrbpo.core.db import db
    from hrbpo.core.tenants.services import create_tenant

    tenant = create_tenant("bench-reminders", "Bench Reminders")
    with tenancy.tenant_context(tenant):
        for i in range(messages):
            message = EmailMessage()
            message["Subject"], message["From"] = f"Reminder {i}", "hrbpo@localhost"
            message["To"], message["Message-ID"] = f"e{i}@bench.test", make_msgid(domain="localhost")
            message.set_content("Please complete your checklist: https://hr.example.test/t/bench/compliance/\n",
                                cte="quoted-printable")
            mail.write(message, f"e{i}@bench.test", f"Reminder {i}")
        db.session.commit()
    sink = Sink()
    env = {k: v for k, v in os.environ.items() if k.startswith("HRBPO_")}
    with smtp(sink) as url, worker({**env, "HRBPO_MAIL_URL": url}, threads=4) as process:
        with RssSampler(process.pid, every=0.5) as sampler:
            deadline = time.monotonic() + 1800
            tenth = None
            while sink.count < messages and time.monotonic() < deadline:
                if tenth is None and sink.count >= messages // 10:
                    tenth = sampler.samples[-1][1] if sampler.samples else None
                time.sleep(0.2)
            end_rss = sampler.samples[-1][1] if sampler.samples else None
    elapsed = (sink.last - sink.first) if sink.count > 1 else None
    return {"id": "S10", "messages": sink.count, "messages_per_s": round(sink.count / elapsed, 1) if elapsed else None,
            "rss_at_tenth_mb": round(tenth or 0, 1), "rss_at_end_mb": round(end_rss or 0, 1),
            "rss_peak_mb": round(sampler.peak, 1)}


@contextmanager
def production_like():
    """A fresh PostgreSQL database and a Redis queue name of this run's own, dropped after."""
    import psycopg
    import sqlalchemy as sa

    from bench.database import ADMIN_URL

    name = f"hrbpo_bench_mail_{os.getpid()}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    os.environ.update({"HRBPO_DATABASE_URL": url, "HRBPO_QUEUE_NAME": f"hrbpo-bench-mail-{os.getpid()}",
                       "HRBPO_QUEUE_URL": os.environ.get("HRBPO_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")})
    try:
        yield
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.bench_mail")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL and Redis instead of SQLite files")
    args = parser.parse_args()
    with production_like() if args.postgresql else nullcontext():
        run(args)


def run(args):
    with scratch_app("mail") as app:
        sink = Sink()
        sink.hung = True
        with smtp(sink) as hung_url:
            app.config["HRBPO_MAIL_URL"] = hung_url
            print(json.dumps(s9(app, args.requests)), flush=True)
        print(json.dumps(s10(app, args.messages)), flush=True)
        from hrbpo.core import queue

        queue.huey().storage.flush_all()  # this run's keys only


if __name__ == "__main__":
    main()
