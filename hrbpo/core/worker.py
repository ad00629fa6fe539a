"""`flask hrbpo worker`: the Huey consumer (threads, its scheduler on).

It starts whatever the database and the queue are doing (neither is needed
to boot; the consumer keeps retrying them), first runs the sweepers once so
work a dead worker left behind starts at once, then serves until SIGTERM
or SIGINT, finishing the tasks in hand (up to `shutdown_timeout` seconds).
"""
import logging

from flask import current_app

from hrbpo.core import queue
from hrbpo.core.jobs.services import sweep as sweep_jobs
from hrbpo.core.mail.delivery import sweep as sweep_mail
from hrbpo.core.webhooks.worker import sweep as sweep_webhooks

log = logging.getLogger("hrbpo.worker")


def run(threads: int = 4, shutdown_timeout: float = 30.0):
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()
    _sweep_once(app)
    consumer = queue.huey().create_consumer(workers=threads, worker_type="thread", periodic=True,
                                            scheduler_interval=1, check_worker_health=True,
                                            graceful_signal="TERM", shutdown_timeout=shutdown_timeout)
    log.info("hrbpo worker: %s threads on %s", threads, type(queue.huey()).__name__)
    consumer.run()


def _sweep_once(app):
    for sweep in (queue.heartbeat, sweep_jobs, sweep_mail, sweep_webhooks):
        try:
            with app.app_context():
                sweep() if sweep is queue.heartbeat else sweep(starting=True)
        except Exception:  # the database or the queue is down: the scheduler sweeps again each minute
            log.warning("could not sweep at start (%s); will again within a minute", sweep.__module__, exc_info=True)
