"""`python -m worker`: deliver the outbox and run the schedule until told to stop (SIGTERM/SIGINT).

Options through the environment (tests shorten them): WORKER_POLL_S (1), WORKER_LEASE_S (60),
WORKER_TIMEOUT_S (10), WORKER_BACKOFF_SCALE (1), WORKER_BATCH (50), WORKER_SCHEDULE (1; 0 turns the schedule off)."""
from __future__ import annotations

import logging
import os
import signal
import time
from datetime import timedelta

from db.base import utcnow
from services import notification_channels, notification_schedule
from db.engine import make_engine
from worker.outbox import Settings, deliver_round, worker_id

log = logging.getLogger("worker")


def main() -> None:
    logging.basicConfig(level=os.environ.get("WORKER_LOG", "INFO"), format="%(asctime)s %(name)s %(message)s")
    engine = make_engine()   # `make run` migrated before starting us
    settings = Settings(lease=timedelta(seconds=float(os.environ.get("WORKER_LEASE_S", 60))),
                        timeout=float(os.environ.get("WORKER_TIMEOUT_S", 10)),
                        backoff_scale=float(os.environ.get("WORKER_BACKOFF_SCALE", 1)),
                        batch=int(os.environ.get("WORKER_BATCH", 50)))
    poll = float(os.environ.get("WORKER_POLL_S", 1))
    schedule = os.environ.get("WORKER_SCHEDULE", "1") != "0"
    name = os.environ.get("WORKER_NAME") or worker_id()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    connections = notification_channels.Connections(settings.timeout)
    log.info("worker %s started", name)
    while not stopping:
        try:
            if schedule:
                notification_schedule.run_due(engine, utcnow())
            busy = deliver_round(engine, settings, name, connections)
        except Exception:   # a database blip must not end the worker: log it and try again
            log.exception("worker round failed")
            busy = 0
        if not busy:
            time.sleep(poll)
    connections.close()
    log.info("worker %s stopped", name)


if __name__ == "__main__":
    main()
