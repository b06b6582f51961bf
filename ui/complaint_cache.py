"""Cached reads of the complaint board, counts and analyses, shared by every user with the same
role and projects (`reader`)."""
from __future__ import annotations

from datetime import datetime, timezone

from core.auth.actor import Actor
from services import complaints
from ui.cache import _engine_for, cached


@cached("complaints", ttl=10)
def live_board(url: str, reader: Actor, building_id, category, handler) -> complaints.LiveBoard:
    """Ten-second cache: any number of wall screens and desks cost one query per ten seconds."""
    return complaints.live_board(_engine_for(url), reader, building_id, category, handler)


@cached("complaints", ttl=10)
def live_cards(url: str, reader: Actor, building_id, category, handler):
    """(the live board, its tickets as card records by stage): the cards are worked out once per
    board snapshot (their lights against the snapshot's own `now`), not on every refresh of every
    screen; copying them out of the cache costs a quarter of making them."""
    from ui.complaint_views import cards_by_stage

    board = complaints.live_board(_engine_for(url), reader, building_id, category, handler)
    return board, cards_by_stage(board.tickets, board.now)


@cached("complaints", ttl=10)
def complaint_counts(url: str, reader: Actor) -> dict:
    return complaints.counts(_engine_for(url), reader)


@cached("complaints", ttl=60)
def complaint_analysis(url: str, reader: Actor, since, until, by: str):
    return complaints.analysis(_engine_for(url), reader, since, until, by)


@cached("complaints", ttl=300)
def complaint_patterns(url: str, reader: Actor, since):
    engine = _engine_for(url)
    return (complaints.frequent_complainants(engine, reader, since),
            complaints.root_causes(engine, reader, since))


WALL_PER_STAGE = 500   # a stage holding more shows "500+": the wall lists the most urgent first anyway


@cached("complaints", ttl=10)
def wall_board(url: str, reader: Actor):
    """(now, counts, every open ticket up to WALL_PER_STAGE a stage) for the wall screen: shared by
    every wall with the same role and projects, so N screens cost one read per ten seconds."""
    engine = _engine_for(url)
    now = datetime.now(timezone.utc)
    return (now, complaints.counts(engine, reader, now),
            complaints.board(engine, reader, now, per_stage=WALL_PER_STAGE))
