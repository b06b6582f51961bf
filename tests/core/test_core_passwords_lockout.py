"""Password rules (bcrypt's 72-byte limit) and the failed-login lockout."""
from datetime import datetime, timedelta, timezone

import pytest

from core.auth import lockout, passwords
from core.auth.lockout import COOLING_OFF, MAX_FAILED_ATTEMPTS, LoginState
from core.auth.passwords import check_password, hash_password, validate_password
from core.errors import ValidationError
from core.i18n import translate


def refused_key(password: str) -> str:
    with pytest.raises(ValidationError) as info:
        validate_password(password)
    return info.value.key


# --- passwords ----------------------------------------------------------------------------

def test_25_chinese_characters_are_refused_before_bcrypt_sees_them(monkeypatch):
    password = "密" * 25  # 75 bytes in UTF-8
    assert len(password) == 25 and len(password.encode()) == 75

    def no_bcrypt(*_a, **_k):
        raise AssertionError("bcrypt must not be called with an over-long password")

    monkeypatch.setattr(passwords.bcrypt, "hashpw", no_bcrypt)
    monkeypatch.setattr(passwords.bcrypt, "gensalt", no_bcrypt)
    with pytest.raises(ValidationError) as info:
        hash_password(password, rounds=4)
    assert info.value.key == "err.password_long"
    assert "72" in translate(info.value.key, "zh", **info.value.params)


def test_72_bytes_is_the_limit():
    assert validate_password("a" * 72)
    assert refused_key("a" * 73) == "err.password_long"
    assert validate_password("密" * 24)           # 72 bytes
    assert refused_key("密" * 24 + "a") == "err.password_long"


@pytest.mark.parametrize("password", ["", "short", "1234567", "密码太短了"])
def test_short_passwords_are_refused(password):
    assert refused_key(password) == "err.password_short"


def test_none_password_is_refused():
    assert refused_key(None) == "err.password_short"


def test_eight_characters_are_enough():
    assert validate_password("12345678") == "12345678"


@pytest.mark.parametrize("password", [" Demo-2026!", "Demo-2026! ", "\tDemo-2026!"])
def test_passwords_with_outer_spaces_are_refused(password):
    assert refused_key(password) == "err.password_spaces"


@pytest.mark.parametrize("password", ["Demo-2026!", "物业客服密码2026", "密" * 24, "a" * 72])
def test_hash_and_check_roundtrip(password):
    hashed = hash_password(password, rounds=4)
    assert hashed.startswith("$2")
    assert password not in hashed
    assert check_password(password, hashed)
    assert not check_password(password + "x", hashed)
    assert not check_password("wrong-password", hashed)


def test_hashes_are_salted():
    assert hash_password("Demo-2026!", rounds=4) != hash_password("Demo-2026!", rounds=4)


def test_check_password_never_raises():
    hashed = hash_password("Demo-2026!", rounds=4)
    assert check_password("密" * 40, hashed) is False      # > 72 bytes: bcrypt 5 would raise
    assert check_password("", hashed) is False
    assert check_password(None, hashed) is False
    assert check_password("Demo-2026!", "not-a-bcrypt-hash") is False


# --- lockout ------------------------------------------------------------------------------

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def fail(times: int, state: LoginState = LoginState(0, None), now: datetime = NOW) -> LoginState:
    for _ in range(times):
        state = lockout.after_failure(state, now)
    return state


def test_four_failures_do_not_lock():
    state = fail(MAX_FAILED_ATTEMPTS - 1)
    assert state.failed_attempts == 4
    assert state.locked_until is None
    assert not lockout.is_locked(state, NOW)


def test_five_failures_lock_for_fifteen_minutes():
    assert MAX_FAILED_ATTEMPTS == 5 and COOLING_OFF == timedelta(minutes=15)
    state = fail(5)
    assert state.locked_until == NOW + timedelta(minutes=15)
    assert lockout.is_locked(state, NOW)
    assert lockout.is_locked(state, NOW + timedelta(minutes=14, seconds=59))


def test_lock_expires_after_fifteen_minutes():
    state = fail(5)
    assert not lockout.is_locked(state, NOW + timedelta(minutes=15))
    assert not lockout.is_locked(state, NOW + timedelta(hours=2))


def test_failure_after_an_expired_lock_starts_a_fresh_count():
    state = fail(5)
    later = NOW + timedelta(minutes=16)
    state = lockout.after_failure(state, later)
    assert state.failed_attempts == 1
    assert not lockout.is_locked(state, later)
    state = fail(4, state, later)
    assert lockout.is_locked(state, later)


def test_success_resets_the_count():
    state = fail(4)
    state = lockout.after_success()
    assert state == LoginState(0, None)
    state = fail(4, state)
    assert not lockout.is_locked(state, NOW)
