"""The live day: a household moves through the stations strictly in order, one tap a step."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.errors import DomainError


@dataclass(frozen=True)
class Progress:
    """Where a household is: `done` stations finished, the next one is stations[done]."""
    household: str
    done: int
    no_show: bool = False


def next_station(p: Progress, stations: list[str]) -> str | None:
    return None if p.done >= len(stations) else stations[p.done]


def advance(p: Progress, stations: list[str], station: str) -> Progress:
    """Finish `station`. Skipping a station or finishing one twice is refused."""
    if p.no_show:
        raise DomainError("err.household_no_show")
    expected = next_station(p, stations)
    if expected is None:
        raise DomainError("err.household_finished")
    if station != expected:
        if station in stations[:p.done]:
            raise DomainError("err.station_done_twice", station=station)
        raise DomainError("err.station_skipped", station=station, expected=expected)
    return Progress(p.household, p.done + 1)


def mark_no_show(p: Progress) -> Progress:
    if p.done > 0:
        raise DomainError("err.household_started")
    return Progress(p.household, 0, no_show=True)


def average_flow_minutes(starts_ends: list[tuple[datetime, datetime]]) -> float | None:
    spans = [(e - s).total_seconds() / 60 for s, e in starts_ends if e >= s]
    return sum(spans) / len(spans) if spans else None
