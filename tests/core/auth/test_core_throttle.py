"""The login throttle: growing waits per pair, account and client; a known client answers only
to its own count, so a stranger cannot keep a real user out; an admin hears of a storm once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from core.auth.throttle import (KNOWN_CLIENT_FOR, QUIET_RESET, RULES, Counter, Scope, after_failure,
                                after_success, blocked, key_of, storm, wait_for)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def fail(counter, scope, times, start=T0):
    now = start
    for _ in range(times):
        counter = after_failure(counter, scope, now)
        now = max(now, counter.not_before or now) + timedelta(seconds=1)
    return counter, now


def test_waits_grow_and_stop_at_the_cap():
    rule = RULES[Scope.PAIR]
    waits = [wait_for(n, rule).total_seconds() for n in range(1, 12)]
    assert waits[:2] == [0, 0] and waits[2:6] == [2, 4, 8, 16]
    assert max(waits) <= rule.cap.total_seconds() and waits == sorted(waits)
    assert wait_for(10_000, RULES[Scope.ACCOUNT]) == timedelta(minutes=1)


def test_a_try_inside_a_wait_neither_counts_nor_prolongs():
    counter, _ = fail(Counter(), Scope.PAIR, 4)
    assert after_failure(counter, Scope.PAIR, counter.not_before - timedelta(seconds=1)) == counter


def test_a_quiet_hour_starts_the_count_again():
    counter, now = fail(Counter(), Scope.PAIR, 5)
    again = after_failure(counter, Scope.PAIR, now + QUIET_RESET)
    assert again.failures == 1 and again.not_before is None


def test_a_stranger_cannot_keep_a_known_client_out():
    pair = after_success(Counter(), Scope.PAIR, T0)           # the user's own tablet signed in before
    account, now = fail(Counter(), Scope.ACCOUNT, 40)          # a guesser elsewhere hammers the account
    assert account.not_before > now - timedelta(seconds=2)
    assert not blocked({Scope.PAIR: pair, Scope.ACCOUNT: account, Scope.CLIENT: Counter()}, now - timedelta(seconds=2))
    # A client that never signed in to the account is slowed, at most a minute per try.
    assert blocked({Scope.PAIR: Counter(), Scope.ACCOUNT: account, Scope.CLIENT: Counter()},
                   now - timedelta(seconds=2))
    # A success long ago no longer makes a client known.
    stale = after_success(Counter(), Scope.PAIR, T0 - KNOWN_CLIENT_FOR)
    assert blocked({Scope.PAIR: stale, Scope.ACCOUNT: account}, now - timedelta(seconds=2))


def test_a_success_clears_only_the_pair():
    account, now = fail(Counter(), Scope.ACCOUNT, 8)
    assert after_success(account, Scope.ACCOUNT, now) == account
    assert after_success(account, Scope.PAIR, now).failures == 0


def test_a_storm_is_reported_once_per_run():
    counter, _ = fail(Counter(), Scope.ACCOUNT, RULES[Scope.ACCOUNT].storm_at)
    assert storm(counter, Scope.ACCOUNT)
    reported = Counter(counter.failures, counter.last_failure_at, counter.not_before, None, T0)
    assert not storm(reported, Scope.ACCOUNT)
    assert not storm(fail(Counter(), Scope.PAIR, 50)[0], Scope.PAIR)   # pairs never storm


def test_keys_are_bounded_and_normalised():
    assert key_of(Scope.PAIR, " WangWei ", "10.0.0.1") == "wangwei|10.0.0.1"
    assert key_of(Scope.ACCOUNT, "x" * 500, "c") == "x" * 60
    assert len(key_of(Scope.PAIR, "x" * 500, "y" * 500)) <= 120
