"""How often a failed delivery is tried again, and when it is given up (a dead letter the admin
sees and may resend)."""
from __future__ import annotations

from datetime import timedelta

MAX_ATTEMPTS = 5
# After the n-th failed attempt: wait BACKOFF[n-1] (doubling, capped), so a robot that is down
# for a few minutes still gets the message, and a dead one is named within half an hour.
BACKOFF = (timedelta(seconds=10), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=8),
           timedelta(minutes=20))


def next_try(attempts: int, scale: float = 1.0) -> timedelta | None:
    """The wait after `attempts` failed tries, or None: give up. `scale` shortens it in tests."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return BACKOFF[min(attempts, len(BACKOFF)) - 1] * scale
