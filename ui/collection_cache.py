"""Cached reads of the collection figures, the dunning worklist and the home headline. Each takes
the reader (role and project scope), so users who see the same projects share one entry."""
from __future__ import annotations

from core.auth.actor import Actor
from services import collections
from ui.cache import _engine_for, cached


@cached("collections", ttl=300)
def collection_figures(url: str, reader: Actor, period: str, trend_from: str, today) -> collections.Figures:
    """Everything the collections page draws, aggregated in SQL (the trend from the month sums the
    database keeps), cached for five minutes: a cold cache sums millions of rows."""
    return collections.figures(_engine_for(url), reader, period, trend_from, today)


@cached("collections", ttl=120)
def collection_worklist(url: str, reader: Actor, today):
    """The ladder's work for today with each building's collector (made once per cache, not on
    every click of every user)."""
    return collection_ladder(url, reader, today).work


@cached("collections", ttl=120)
def collection_ladder(url: str, reader: Actor, today) -> collections.LadderToday:
    """The worklist and the paused units beside it, from one reading of the debts."""
    return collections.ladder_today(_engine_for(url), reader, today)


@cached("collections", ttl=300)
def collection_headline(url: str, reader: Actor, period: str, today) -> collections.Headline:
    """This month's current-period rate so far and the number of limitation warnings."""
    return collections.headline(_engine_for(url), reader, period, today)
