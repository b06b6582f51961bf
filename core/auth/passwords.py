"""Password rules and hashing. bcrypt only reads 72 bytes and bcrypt 5 raises beyond that,
so the length is checked here before any hash is made."""
from __future__ import annotations

import secrets

import bcrypt

from core.errors import ValidationError

MIN_LEN = 8
MAX_BYTES = 72


def validate_password(password: str) -> str:
    if password is None or len(password) < MIN_LEN:
        raise ValidationError("err.password_short", field="password", min=MIN_LEN)
    if len(password.encode("utf-8")) > MAX_BYTES:
        raise ValidationError("err.password_long", field="password", max=MAX_BYTES)
    if password != password.strip():
        # The login form strips spaces, so a password with outer spaces could never log in.
        raise ValidationError("err.password_spaces", field="password")
    return password


def validate_repeat(password: str, again: str) -> str:
    """The second entry of a new password: a typo in a password nobody sees locks its owner out."""
    if (again or "") != (password or ""):
        raise ValidationError("err.password_mismatch", field="password_again")
    return again


def hash_password(password: str, rounds: int = 12) -> str:
    validate_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    data = (password or "").encode("utf-8")
    if len(data) > MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(data, hashed.encode("ascii"))
    except ValueError:
        return False


def unusable_hash() -> str:
    """A valid bcrypt hash of a secret nobody knows: no password ever matches it."""
    return bcrypt.hashpw(secrets.token_hex(32).encode(), bcrypt.gensalt(4)).decode("ascii")
