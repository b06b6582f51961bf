"""Sign-in and the server-side session each sign-in opens.

Sign-in runs before anybody is signed in, so it takes the typed username, not an Actor. Whatever
went wrong (wrong password, no such user, a deactivated account, a throttled try) it answers the
same refusal after the same work: exactly one bcrypt check (against a dummy hash when there is no
usable account) and the same counter writes, so neither the message nor the time tells a guesser
whether a name exists."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Mapping

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth import sessions as rules
from core.auth import throttle
from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.auth.passwords import check_password, hash_password
from core.auth.sessions import EndReason, SessionPolicy
from core.auth.users import StaffAccount
from core.errors import DomainError
from db import user_queries, user_repository, user_session_queries, user_session_repository
from db.models import utcnow
from db.uow import UnitOfWork

DUMMY_ROUNDS = 12          # the cost real accounts are hashed at (core.auth.passwords)
STORM_WINDOW = timedelta(hours=24)


class LoginRefused(DomainError):
    def __init__(self):
        super().__init__("login.failed")


@dataclass(frozen=True)
class SignedIn:
    session_id: str
    account: StaffAccount
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LiveSession:
    session_id: str
    username: str
    role: str
    all_projects: bool
    version: int


def policy(secrets_: Mapping | None = None) -> SessionPolicy:
    """Lifetime and idle timeout: environment first, then st.secrets (given by ui), else defaults."""
    return rules.policy_from(os.environ, secrets_ or {})


@lru_cache(maxsize=None)
def _dummy_hash(rounds: int = DUMMY_ROUNDS) -> str:
    return hash_password(secrets.token_urlsafe(24), rounds)


def _password_matches(account, password: str) -> bool:
    """One bcrypt check whatever the account: the dummy hash stands in for a missing one."""
    usable = account is not None and account.active
    matched = check_password(password, account.password_hash if usable else _dummy_hash())
    return usable and matched


def sign_in(engine: Engine, username: str, password: str, client: str | None, user_agent: str | None = None,
            *, now: datetime | None = None, session_policy: SessionPolicy | None = None) -> SignedIn:
    now = now or utcnow()
    session_policy = session_policy or policy()
    name = (username or "").strip().lower()
    client = (client or "?")[:60]
    # The hash is read and checked before the write transaction: bcrypt must not hold the lock.
    account = user_queries.login_row(engine, name) if 0 < len(name) <= 32 else None
    matched = _password_matches(account, password)
    keys = {scope: throttle.key_of(scope, name, client) for scope in throttle.Scope}
    with UnitOfWork(engine, name[:32] or "?") as uow:
        rows = user_session_repository.counters(uow.session, keys)
        counters = {scope: user_session_repository.counter_of(row) for scope, row in rows.items()}
        if throttle.blocked(counters, now):
            uow.audit("login_throttled", "staff_user", account.id if account else None, after={"client": client})
            uow.commit()
            raise LoginRefused()
        if not matched:
            _count_failure(uow, rows, counters, account, name, client, now)
            uow.commit()
            raise LoginRefused()
        pair = throttle.after_success(counters[throttle.Scope.PAIR], throttle.Scope.PAIR, now)
        user_session_repository.store(rows[throttle.Scope.PAIR], pair)
        user = user_repository.get(uow.session, name)
        user.failed_attempts, user.locked_until = 0, None
        session_id = secrets.token_urlsafe(32)
        user_session_repository.add(uow.session, session_id, user.id, now, client, user_agent)
        uow.audit("login", "staff_user", user.id, after={"client": client})
        uow.commit()
        signed = user_repository.account(uow.session, user)
    return SignedIn(session_id, signed, now, rules.expires_at(now, session_policy))


def _count_failure(uow, rows, counters, account, name, client, now) -> None:
    for scope, row in rows.items():
        counter = throttle.after_failure(counters[scope], scope, now)
        if throttle.storm(counter, scope):
            counter = replace(counter, storm_reported_at=now)
            # Who is being guessed at, or from where: the admin page shows these rows.
            uow.audit("login_storm", "staff_user", account.id if account else None,
                      after={"scope": scope.value, "target": name[:32] if scope is throttle.Scope.ACCOUNT else client,
                             "failures": counter.failures})
        user_session_repository.store(row, counter)
        counters[scope] = counter
    if account is not None:
        user = user_repository.get(uow.session, name)
        acct = counters[throttle.Scope.ACCOUNT]
        user.failed_attempts, user.locked_until = acct.failures, acct.not_before
    uow.audit("login_failed", "staff_user", account.id if account else None,
              after={"failures": counters[throttle.Scope.PAIR].failures})


def check(engine: Engine, session_id: str | None, *, now: datetime | None = None,
          session_policy: SessionPolicy | None = None) -> LiveSession | None:
    """The check on every rerun: one primary-key read; None once the session is over for any
    reason (ended, expired, idle, account deactivated). 'Last seen' is written at most once a
    minute, best effort."""
    if not session_id or len(session_id) > 64:
        return None
    now = now or utcnow()
    session_policy = session_policy or policy()
    found = user_session_queries.check(engine, session_id)
    if found is None or not found.active or rules.why_over(found.record, now, session_policy) is not None:
        return None
    if rules.needs_touch(found.record, now, session_policy):
        user_session_queries.touch(engine, session_id, now)
    return LiveSession(session_id, found.record.username, found.role, found.all_projects, found.version)


def end(engine: Engine, actor: Actor, session_id: str, reason: EndReason = EndReason.LOGOUT) -> bool:
    """This browser's sign-out. Only one's own session; False when it was over already."""
    with UnitOfWork(engine, actor.username) as uow:
        row = user_session_repository.get(uow.session, session_id) if session_id else None
        user = user_repository.get(uow.session, actor.username)
        if row is None or row.user_id != user.id or row.ended_at is not None:
            return False
        row.ended_at, row.end_reason = utcnow(), reason.value
        uow.audit("logout", "staff_user", user.id)
        uow.commit()
        return True


def end_everywhere(engine: Engine, actor: Actor) -> int:
    """'Sign out everywhere': every open session of this user, on every device, this one too."""
    with UnitOfWork(engine, actor.username) as uow:
        user = user_repository.get(uow.session, actor.username)
        ended = user_session_repository.end_all(uow.session, user.id, utcnow(), EndReason.EVERYWHERE.value)
        uow.audit("logout_everywhere", "staff_user", user.id, after={"sessions": ended})
        return uow.commit(ended)


def my_sessions(engine: Engine, actor: Actor, *, now: datetime | None = None,
                session_policy: SessionPolicy | None = None) -> pd.DataFrame:
    """The user's own sessions still alive (for the 'signed in on' list)."""
    now = now or utcnow()
    session_policy = session_policy or policy()
    rows = user_session_queries.open_sessions(engine, actor.username)
    if rows.empty:
        return rows
    alive = (rows["issued_at"] + session_policy.lifetime > now) & (rows["last_seen_at"] + session_policy.idle > now)
    return rows[alive].reset_index(drop=True)


def recent_storms(engine: Engine, actor: Actor, *, now: datetime | None = None) -> list[dict]:
    """Runs of failed sign-ins big enough that an admin should know (last 24 hours)."""
    actor.require(Capability.MANAGE_USERS)
    return user_session_queries.storms_since(engine, (now or utcnow()) - STORM_WINDOW)
