"""Login throttling: growing waits after failures, counted per account, per client and per
(account, client) pair, so that guessing gets slow without a stranger being able to keep a real
user out.

- pair: this client on this account. The only count that applies to a client which has signed
  in to the account before (a "known" client): a stranger's failures elsewhere never slow it.
- account: every client on this account; slows a guesser who changes address. Its wait is capped
  at a minute, so even a new device of the real user is only slowed, never locked out.
- client: every account from this client; slows a guesser who sprays many usernames.
A refused try (inside a wait) neither counts nor prolongs the wait. After a quiet hour a count
starts again from zero."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum


class Scope(str, Enum):
    PAIR = "pair"
    ACCOUNT = "account"
    CLIENT = "client"


@dataclass(frozen=True)
class Rule:
    free_tries: int          # failures before any wait
    base: timedelta          # first wait; each further failure doubles it
    cap: timedelta
    storm_at: int | None     # failures in one run that an admin is told about


RULES = {
    Scope.PAIR: Rule(3, timedelta(seconds=2), timedelta(minutes=15), None),
    Scope.ACCOUNT: Rule(5, timedelta(seconds=2), timedelta(minutes=1), 20),
    Scope.CLIENT: Rule(10, timedelta(seconds=2), timedelta(minutes=15), 30),
}
QUIET_RESET = timedelta(hours=1)
KNOWN_CLIENT_FOR = timedelta(days=90)
KEY_MAX = 120


@dataclass(frozen=True)
class Counter:
    failures: int = 0
    last_failure_at: datetime | None = None
    not_before: datetime | None = None
    last_success_at: datetime | None = None
    storm_reported_at: datetime | None = None


def key_of(scope: Scope, username: str, client: str) -> str:
    name, where = (username or "").strip().lower()[:60], (client or "?")[:58]
    return {Scope.PAIR: f"{name}|{where}", Scope.ACCOUNT: name, Scope.CLIENT: where}[scope][:KEY_MAX]


def wait_for(failures: int, rule: Rule) -> timedelta:
    if failures < rule.free_tries:
        return timedelta(0)
    doublings = min(failures - rule.free_tries, 30)   # 2**30 s is far past any cap
    return min(rule.cap, rule.base * (2 ** doublings))


def is_waiting(counter: Counter, now: datetime) -> bool:
    return counter.not_before is not None and now < counter.not_before


def is_known(pair: Counter, now: datetime) -> bool:
    return pair.last_success_at is not None and now - pair.last_success_at < KNOWN_CLIENT_FOR


def applies(scope: Scope, pair: Counter, now: datetime) -> bool:
    """A known client answers only to its own pair count."""
    return scope is Scope.PAIR or not is_known(pair, now)


def blocked(counters: dict[Scope, Counter], now: datetime) -> bool:
    pair = counters.get(Scope.PAIR, Counter())
    return any(applies(scope, pair, now) and is_waiting(c, now) for scope, c in counters.items())


def after_failure(counter: Counter, scope: Scope, now: datetime) -> Counter:
    if is_waiting(counter, now):
        return counter
    quiet = counter.last_failure_at is None or now - counter.last_failure_at >= QUIET_RESET
    failures = 1 if quiet else counter.failures + 1
    wait = wait_for(failures, RULES[scope])
    return Counter(failures, now, now + wait if wait else None, counter.last_success_at,
                   None if quiet else counter.storm_reported_at)


def after_success(counter: Counter, scope: Scope, now: datetime) -> Counter:
    """Only the pair is cleared and remembered: a real user's success must not wipe the count a
    guesser built up against the account from elsewhere."""
    if scope is Scope.PAIR:
        return Counter(0, None, None, now, None)
    return counter


def storm(counter: Counter, scope: Scope) -> bool:
    """True once per run of failures, when it reaches the rule's storm size."""
    rule = RULES[scope]
    return rule.storm_at is not None and counter.failures >= rule.storm_at and counter.storm_reported_at is None
