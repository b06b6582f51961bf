"""One delivery round: claim due rows under a lease, send each, mark it sent, retried or dead.
Log lines name outbox ids and channels, never a phone, an address or a text."""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine

from core.notifications.retries import next_try
from db import notification_repository as repository
from db.base import utcnow
from services import notification_channels

log = logging.getLogger("worker.outbox")


@dataclass
class Settings:
    lease: timedelta = timedelta(seconds=60)       # longer than any channel's timeout
    timeout: float = 10.0                          # per HTTP or SMTP call
    batch: int = 50
    backoff_scale: float = 1.0                     # tests shorten the waits between retries


def worker_id() -> str:
    return f"{socket.gethostname()[:24]}:{os.getpid()}"


def deliver_round(engine: Engine, settings: Settings, name: str, connections=None) -> int:
    """Deliver what is due now; returns how many rows were attempted."""
    claimed = repository.claim(engine, name, utcnow(), settings.lease, settings.batch)
    for d in claimed:
        error = notification_channels.send(d, settings.timeout, connections)
        retry_in = None if error is None else next_try(d.attempts, settings.backoff_scale)
        kept = repository.finish(engine, d.id, name, utcnow(), error, retry_in)
        if error is None:
            log.info("sent outbox=%s channel=%s", d.id, d.channel)
        elif retry_in is None:
            log.warning("dead outbox=%s channel=%s after %s attempts: %s", d.id, d.channel, d.attempts, error)
        else:
            log.info("retry outbox=%s channel=%s attempt=%s in %ss: %s", d.id, d.channel, d.attempts,
                     int(retry_in.total_seconds()), error)
        if not kept:
            log.warning("lease lost outbox=%s: another worker took it over", d.id)
    return len(claimed)
