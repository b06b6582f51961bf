"""The key that signs the login cookie. Never the library default: a known key lets anyone
forge a login. Taken from the environment or the secrets file, else generated once per install."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

ENV_VAR = "APP_COOKIE_KEY"
MIN_BYTES = 32
FORBIDDEN = {"some_key", "", "changeme", "secret"}

_LINE_RE = re.compile(r'^\s*cookie_key\s*=\s*"([^"]*)"\s*$', re.M)


class WeakCookieKey(ValueError):
    pass


def check_key(key: str) -> str:
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:   # undecodable bytes in the environment (a lone surrogate): no key
        size = 0
    if key in FORBIDDEN or size < MIN_BYTES:
        raise WeakCookieKey(f"cookie key must be at least {MIN_BYTES} random bytes")
    return key


def read_from_secrets(path: Path) -> str | None:
    if not path.exists():
        return None
    m = _LINE_RE.search(path.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def resolve_cookie_key(secrets_path: Path, environ: dict | None = None) -> str:
    """Environment first, then the secrets file; generate and store a key when neither has one."""
    env = os.environ if environ is None else environ
    if env.get(ENV_VAR):
        return check_key(env[ENV_VAR])
    found = read_from_secrets(secrets_path)
    if found is not None:
        return check_key(found)
    key = secrets.token_urlsafe(48)  # 48 random bytes
    secrets_path.parent.mkdir(parents=True, exist_ok=True)
    # At the top: a top-level key written after a [section] would belong to that section.
    existing = secrets_path.read_text(encoding="utf-8") if secrets_path.exists() else ""
    secrets_path.write_text(f'cookie_key = "{key}"\n' + existing, encoding="utf-8")
    os.chmod(secrets_path, 0o600)
    return key
