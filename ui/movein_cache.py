"""Cached move-in reads, shared by every user with the same role and projects (`reader`). Records
that a screen edits (the plan, the checklist, a household, open defects) are read fresh instead:
their version must be the stored one."""
from __future__ import annotations

from datetime import date

from core.auth.actor import Actor
from services import movein
from ui.cache import _engine_for, cached


@cached("movein", ttl=60)
def batches(url: str, reader: Actor):
    return movein.list_batches(_engine_for(url), reader)


@cached("movein", ttl=300)
def day_bookings(url: str, reader: Actor, batch_id: int) -> list[tuple[date, dict[int, int]]]:
    """Every day of the batch with its households per slot hour."""
    return movein.day_bookings(_engine_for(url), reader, batch_id)


@cached("movein", ttl=300)
def booked_days(url: str, reader: Actor, batch_id: int) -> list[tuple[date, int]]:
    return movein.booked_days(_engine_for(url), reader, batch_id)


@cached("movein", ttl=10)
def live_board(url: str, reader: Actor, batch_id: int, day: date) -> dict:
    """Ten seconds: any number of tablets and wall screens cost one query per ten seconds."""
    return movein.live_board(_engine_for(url), reader, batch_id, day)


@cached("movein", ttl=30)
def movein_today(url: str, reader: Actor, today: date):
    """Progress of today's handover (all batches in scope) and overdue checklist items."""
    return movein.today_progress(_engine_for(url), reader, today)


@cached("movein", ttl=60)
def actual_vs_plan(url: str, reader: Actor, batch_id: int):
    return movein.actual_vs_plan(_engine_for(url), reader, batch_id)


@cached("org", ttl=300)
def building_names(url: str, reader: Actor, building_ids: tuple[int, ...]) -> dict[int, str]:
    """The names today's list filters by: org data, cleared with the other org reads."""
    return movein.building_names(_engine_for(url), reader, building_ids)
