"""Cached reads of alerts. The badge is per person and cached for a few seconds only, so a red
line shows on a manager's sidebar within seconds while a wall of screens costs one query each
per ttl."""
from __future__ import annotations

from core.auth.actor import Actor
from services import notifications
from ui import cache

BADGE_TTL_S = 3


@cache.cached("notifications", ttl=BADGE_TTL_S)
def badge(url: str, actor: Actor) -> int:
    return notifications.unread_count(cache.engine(), actor)
