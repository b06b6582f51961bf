"""Cached reads of the working calendar, shared by every user with the same role and projects.
Registered under "org" (the calendar is company set-up): a calendar write clears it."""
from __future__ import annotations

from datetime import date

from core.auth.actor import Actor
from services import calendar
from ui.cache import _engine_for, cached


@cached("org", ttl=300)
def overview(url: str, reader: Actor, project_id: int | None, today: date) -> calendar.Overview:
    return calendar.overview(_engine_for(url), reader, project_id, today)
