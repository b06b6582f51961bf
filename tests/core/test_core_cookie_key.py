"""The key that signs login cookies: never the library default, never short, stable across restarts."""
import stat

import pytest

from core.auth.cookie_key import (ENV_VAR, MIN_BYTES, WeakCookieKey, check_key, read_from_secrets,
                                  resolve_cookie_key)

STRONG = "k" * 40
OTHER_STRONG = "z" * 48


def test_environment_variable_wins_over_the_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'cookie_key = "{OTHER_STRONG}"\n', encoding="utf-8")
    assert resolve_cookie_key(secrets, {ENV_VAR: STRONG}) == STRONG


def test_environment_variable_means_no_file_is_written(tmp_path):
    secrets = tmp_path / "secrets.toml"
    assert resolve_cookie_key(secrets, {ENV_VAR: STRONG}) == STRONG
    assert not secrets.exists()


@pytest.mark.parametrize("key", ["some_key", "changeme", "secret", "short-key", "x" * (MIN_BYTES - 1),
                                 "\udcff" * 40])   # bytes the environment could not decode
def test_weak_keys_in_the_environment_are_refused(tmp_path, key):
    with pytest.raises(WeakCookieKey):
        resolve_cookie_key(tmp_path / "secrets.toml", {ENV_VAR: key})


@pytest.mark.parametrize("key", ["some_key", "too-short"])
def test_weak_keys_in_the_secrets_file_are_refused(tmp_path, key):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'cookie_key = "{key}"\n', encoding="utf-8")
    with pytest.raises(WeakCookieKey):
        resolve_cookie_key(secrets, {})


def test_check_key_counts_bytes():
    assert check_key("x" * MIN_BYTES)
    with pytest.raises(WeakCookieKey):
        check_key("")


def test_key_is_generated_persisted_and_reread(tmp_path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    first = resolve_cookie_key(secrets, {})
    assert len(first.encode()) >= 32
    assert first not in ("some_key",)
    assert secrets.exists()
    assert read_from_secrets(secrets) == first
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600  # only the app's user can read it
    # next start: the same key, so users stay signed in; the file is not appended to again
    assert resolve_cookie_key(secrets, {}) == first
    assert secrets.read_text(encoding="utf-8").count("cookie_key") == 1


def test_generated_keys_differ_between_installs(tmp_path):
    a = resolve_cookie_key(tmp_path / "a" / "secrets.toml", {})
    b = resolve_cookie_key(tmp_path / "b" / "secrets.toml", {})
    assert a != b


def test_existing_secrets_are_kept_when_the_key_is_added(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('other_setting = "keep me"\n', encoding="utf-8")
    key = resolve_cookie_key(secrets, {})
    text = secrets.read_text(encoding="utf-8")
    assert 'other_setting = "keep me"' in text
    assert read_from_secrets(secrets) == key


def test_empty_environment_variable_falls_back_to_the_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'cookie_key = "{OTHER_STRONG}"\n', encoding="utf-8")
    assert resolve_cookie_key(secrets, {ENV_VAR: ""}) == OTHER_STRONG
