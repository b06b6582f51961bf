"""Server-side login sessions: how long one lives, when it has gone idle, and why one ended.

A login cookie only names a session; the store's record decides. So the lifetime is counted from
the record's own issue time, never from a claim the cookie carries: a cookie signed to expire in
ten years still dies when its session does."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Mapping


class EndReason(str, Enum):
    LOGOUT = "logout"                    # this browser's sign-out
    EVERYWHERE = "everywhere"            # "sign out everywhere"
    PASSWORD_RESET = "password_reset"
    DEACTIVATED = "deactivated"
    ROLE_CHANGED = "role_changed"
    EXPIRED = "expired"
    IDLE = "idle"


# Ends decided by somebody, as opposed to the clock; they end every session of the user.
ACCOUNT_CHANGES = (EndReason.PASSWORD_RESET, EndReason.DEACTIVATED, EndReason.ROLE_CHANGED)

DEFAULT_LIFETIME = timedelta(hours=12)     # one working day and some
DEFAULT_IDLE = timedelta(hours=2)
MIN_LIFETIME, MAX_LIFETIME = timedelta(minutes=5), timedelta(days=30)
MIN_IDLE = timedelta(minutes=1)
# last_seen is written at most this often: a click costs a read, not a write.
MAX_TOUCH_EVERY = timedelta(seconds=60)

LIFETIME_SETTING = "SESSION_LIFETIME_HOURS"
IDLE_SETTING = "SESSION_IDLE_MINUTES"


class BadSessionSetting(ValueError):
    pass


@dataclass(frozen=True)
class SessionPolicy:
    lifetime: timedelta = DEFAULT_LIFETIME
    idle: timedelta = DEFAULT_IDLE

    @property
    def touch_every(self) -> timedelta:
        return min(MAX_TOUCH_EVERY, self.idle / 10)


@dataclass(frozen=True)
class SessionRecord:
    id: str
    username: str
    issued_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    end_reason: str | None


def _number(raw: object, name: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BadSessionSetting(f"{name} must be a number, got {raw!r}") from None
    if value != value or value <= 0:   # NaN or not positive
        raise BadSessionSetting(f"{name} must be positive, got {raw!r}")
    return value


def policy_from(*sources: Mapping) -> SessionPolicy:
    """The first source that names a setting wins (environment, then st.secrets). Nonsense is
    refused at start rather than silently turned into a session that never ends."""
    def pick(name):
        for source in sources:
            if source and source.get(name) not in (None, ""):
                return source.get(name)
        return None

    lifetime, idle = DEFAULT_LIFETIME, DEFAULT_IDLE
    if (raw := pick(LIFETIME_SETTING)) is not None:
        lifetime = timedelta(hours=_number(raw, LIFETIME_SETTING))
    if (raw := pick(IDLE_SETTING)) is not None:
        idle = timedelta(minutes=_number(raw, IDLE_SETTING))
    if not MIN_LIFETIME <= lifetime <= MAX_LIFETIME:
        raise BadSessionSetting(f"{LIFETIME_SETTING} must lie between 5 minutes and 30 days")
    if idle < MIN_IDLE:
        raise BadSessionSetting(f"{IDLE_SETTING} must be at least 1 minute")
    return SessionPolicy(lifetime, min(idle, lifetime))


def expires_at(issued_at: datetime, policy: SessionPolicy) -> datetime:
    return issued_at + policy.lifetime


def why_over(record: SessionRecord, now: datetime, policy: SessionPolicy) -> str | None:
    """None while the session is good; else the reason it is over."""
    if record.ended_at is not None:
        return record.end_reason or EndReason.LOGOUT.value
    if now >= expires_at(record.issued_at, policy):
        return EndReason.EXPIRED.value
    if now >= record.last_seen_at + policy.idle:
        return EndReason.IDLE.value
    return None


def needs_touch(record: SessionRecord, now: datetime, policy: SessionPolicy) -> bool:
    return now - record.last_seen_at >= policy.touch_every
