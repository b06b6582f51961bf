"""The login cookie: a signed token that names a server-side session and says when it was issued.

Its issue time is its own claim (iat); nothing is derived from the expiry. The token is only a
pointer: the session record in the store is what a server checks on every rerun."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import jwt

ALGORITHM = "HS256"
_REQUIRED = ["sid", "sub", "iat", "exp"]


@dataclass(frozen=True)
class TokenClaims:
    session_id: str
    username: str
    issued_at: datetime


def encode(session_id: str, username: str, issued_at: datetime, expires_at: datetime, key: str) -> str:
    return jwt.encode({"sid": session_id, "sub": username, "iat": int(issued_at.timestamp()),
                       "exp": int(expires_at.timestamp())}, key, algorithm=ALGORITHM)


def decode(token: str | None, key: str, now: datetime | None = None) -> TokenClaims | None:
    """None for anything but a well-formed, correctly signed, unexpired token of ours."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": _REQUIRED},
                            leeway=0)
        sid, sub, iat = claims["sid"], claims["sub"], claims["iat"]
        if not (isinstance(sid, str) and isinstance(sub, str) and isinstance(iat, (int, float))):
            return None
        issued = datetime.fromtimestamp(iat, timezone.utc)
    except (jwt.PyJWTError, KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    if now is not None and issued > now:   # issued in the future: not one of ours
        return None
    return TokenClaims(sid, sub, issued)
