"""Failed-login lockout, kept per user in the store (the library's own counter is unusable)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILED_ATTEMPTS = 5
COOLING_OFF = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginState:
    failed_attempts: int
    locked_until: datetime | None


def is_locked(state: LoginState, now: datetime) -> bool:
    return state.locked_until is not None and now < state.locked_until


def after_failure(state: LoginState, now: datetime) -> LoginState:
    if is_locked(state, now):
        return state  # tries during the lock neither count nor prolong it
    # A lock that has run out starts a fresh count rather than locking again at once.
    count = 0 if (state.locked_until is not None and now >= state.locked_until) else state.failed_attempts
    count += 1
    if count >= MAX_FAILED_ATTEMPTS:
        return LoginState(failed_attempts=count, locked_until=now + COOLING_OFF)
    return LoginState(failed_attempts=count, locked_until=None)


def after_success() -> LoginState:
    return LoginState(failed_attempts=0, locked_until=None)
