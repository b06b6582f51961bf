"""Load and save of login sessions and throttle counters inside a unit of work."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.auth.throttle import Counter, Scope
from db.user_session_models import LoginSessionRow, LoginThrottleRow


def add(session: Session, session_id: str, user_id: int, now: datetime, client: str | None,
        user_agent: str | None) -> None:
    session.add(LoginSessionRow(id=session_id, user_id=user_id, issued_at=now, last_seen_at=now,
                                client=(client or None) and client[:60],
                                user_agent=(user_agent or None) and user_agent[:200]))


def get(session: Session, session_id: str) -> LoginSessionRow | None:
    return session.get(LoginSessionRow, session_id)


def end_all(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """Every open session of the user; returns how many were open."""
    result = session.execute(update(LoginSessionRow)
                             .where(LoginSessionRow.user_id == user_id, LoginSessionRow.ended_at.is_(None))
                             .values(ended_at=now, end_reason=reason)
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def counters(session: Session, keys: dict[Scope, str]) -> dict[Scope, LoginThrottleRow]:
    """The rows of these counters, made (unsaved values zero) where none exists yet."""
    out = {}
    for scope, key in keys.items():
        row = session.get(LoginThrottleRow, (scope.value, key))
        if row is None:
            row = LoginThrottleRow(scope=scope.value, key=key, failures=0)
            session.add(row)
        out[scope] = row
    return out


def counter_of(row: LoginThrottleRow) -> Counter:
    return Counter(row.failures or 0, row.last_failure_at, row.not_before, row.last_success_at,
                   row.storm_reported_at)


def store(row: LoginThrottleRow, c: Counter) -> None:
    row.failures, row.last_failure_at, row.not_before = c.failures, c.last_failure_at, c.not_before
    row.last_success_at, row.storm_reported_at = c.last_success_at, c.storm_reported_at


def clear_account(session: Session, username: str) -> None:
    """An admin's unlock: the account's own count and every pair count on it."""
    for row in session.scalars(select(LoginThrottleRow).where(
            ((LoginThrottleRow.scope == Scope.ACCOUNT.value) & (LoginThrottleRow.key == username))
            | ((LoginThrottleRow.scope == Scope.PAIR.value) & LoginThrottleRow.key.like(f"{username}|%")))):
        row.failures, row.not_before, row.last_failure_at, row.storm_reported_at = 0, None, None, None
