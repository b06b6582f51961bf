"""Session rules (lifetime from the record's own issue time, idle timeout, configuration) and the
login token (issue time its own claim)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest

from core.auth import tokens
from core.auth.sessions import (DEFAULT_IDLE, DEFAULT_LIFETIME, BadSessionSetting, SessionPolicy, SessionRecord,
                                needs_touch, policy_from, why_over)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
KEY = "k" * 48


def record(issued=T0, seen=T0, ended=None, reason=None):
    return SessionRecord("sid", "wangwei", issued, seen, ended, reason)


def test_a_session_lives_until_its_lifetime_or_idle_time_runs_out():
    policy = SessionPolicy(timedelta(hours=12), timedelta(hours=2))
    assert why_over(record(), T0 + timedelta(hours=1), policy) is None
    assert why_over(record(), T0 + timedelta(hours=2), policy) == "idle"
    busy = record(seen=T0 + timedelta(hours=11, minutes=59))
    assert why_over(busy, T0 + timedelta(hours=12), policy) == "expired"   # clicking does not extend it
    assert why_over(record(ended=T0, reason="password_reset"), T0, policy) == "password_reset"


def test_last_seen_is_written_at_most_once_a_minute():
    policy = SessionPolicy()
    assert not needs_touch(record(), T0 + timedelta(seconds=59), policy)
    assert needs_touch(record(), T0 + timedelta(seconds=60), policy)


def test_configuration_with_defaults_and_refusals():
    assert policy_from({}) == SessionPolicy(DEFAULT_LIFETIME, DEFAULT_IDLE)
    env = {"SESSION_LIFETIME_HOURS": "8"}
    secrets = {"SESSION_LIFETIME_HOURS": 24, "SESSION_IDLE_MINUTES": 30}
    assert policy_from(env, secrets) == SessionPolicy(timedelta(hours=8), timedelta(minutes=30))   # env first
    assert policy_from({"SESSION_LIFETIME_HOURS": "1", "SESSION_IDLE_MINUTES": "600"}).idle == timedelta(hours=1)
    for bad in ({"SESSION_LIFETIME_HOURS": "forever"}, {"SESSION_LIFETIME_HOURS": "87600"},
                {"SESSION_IDLE_MINUTES": "0"}, {"SESSION_LIFETIME_HOURS": "nan"}):
        with pytest.raises(BadSessionSetting):
            policy_from(bad)


def test_a_token_round_trips_with_its_own_issue_time():
    token = tokens.encode("sid-1", "wangwei", T0, T0 + timedelta(days=3650), KEY)
    claims = tokens.decode(token, KEY, now=T0 + timedelta(minutes=1))
    assert claims == tokens.TokenClaims("sid-1", "wangwei", T0)


@pytest.mark.parametrize("case", ["wrong key", "no iat", "no sid", "expired", "issued in the future", "garbage",
                                  "old format", "none algorithm"])
def test_anything_else_is_no_token(case):
    now = datetime.now(timezone.utc)
    later = now + timedelta(hours=1)
    token = {
        "wrong key": lambda: tokens.encode("s", "u", now, later, "x" * 48),
        "no iat": lambda: jwt.encode({"sid": "s", "sub": "u", "exp": int(later.timestamp())}, KEY, algorithm="HS256"),
        "no sid": lambda: jwt.encode({"sub": "u", "iat": int(now.timestamp()), "exp": int(later.timestamp())}, KEY,
                                     algorithm="HS256"),
        "expired": lambda: tokens.encode("s", "u", now - timedelta(hours=2), now - timedelta(hours=1), KEY),
        "issued in the future": lambda: tokens.encode("s", "u", later, later + timedelta(hours=1), KEY),
        "garbage": lambda: "not.a.jwt",
        "old format": lambda: jwt.encode({"username": "u", "exp_date": later.timestamp()}, KEY, algorithm="HS256"),
        "none algorithm": lambda: jwt.encode({"sid": "s", "sub": "u", "iat": int(now.timestamp()),
                                              "exp": int(later.timestamp())}, None, algorithm="none"),
    }[case]()
    assert tokens.decode(token, KEY, now=now) is None
