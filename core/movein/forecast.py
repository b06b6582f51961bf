"""Forecast a whole batch day by day over many simulated days, and recommend staff per station
per day (core/movein/staffing.py says by which rule)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from core.movein.model import BatchSettings, Station
from core.movein.simulation import NO_LIMIT, draw, replication_seeds, slot_offsets
from core.movein.staffing import (
    REPLICATIONS,
    DayOutlook,
    Recommendation,
    erlang_staff,
    judge,
    recommend,
)

Bookings = int | Mapping[int, int]      # households of a day, or {slot hour: households}


@dataclass(frozen=True)
class DayForecast:
    day: date
    households: int
    stations: tuple[Station, ...]
    result: DayOutlook
    erlang: dict[str, int]


def stations_for(settings: BatchSettings, staffing: dict, day: date) -> tuple[Station, ...]:
    return staffed(settings.stations, staffing, day)


def staffed(stations: tuple[Station, ...], staffing: dict, day: date) -> tuple[Station, ...]:
    """The stations with that day's staff where the plan sets one."""
    per_day = staffing.get(day.isoformat(), {})
    return tuple(replace(s, staff=int(per_day.get(s.code, s.staff))) for s in stations)


def _count(bookings: Bookings) -> int:
    return sum(bookings.values()) if isinstance(bookings, Mapping) else int(bookings)


def forecast(settings: BatchSettings, per_day: list[tuple[date, Bookings]], staffing: dict, seed: int = 1,
             progress: Callable[[int, int], None] | None = None, seats: int = NO_LIMIT,
             replications: int = REPLICATIONS) -> list[DayForecast]:
    """Each day with its planned staff, over `replications` simulated days: the same days a
    recommendation is re-simulated on, so a plan applied shows the figures it was checked with."""
    out = []
    for i, (day, bookings) in enumerate(per_day):
        stations = stations_for(settings, staffing, day)
        draws = draw(slot_offsets(settings, bookings), settings, stations,
                     replication_seeds(seed, day.toordinal(), replications))
        result, _ = judge(draws, settings, stations, seats)
        out.append(DayForecast(day, _count(bookings), stations, result,
                               {s.code: erlang_staff(bookings, settings, s) for s in stations}))
        if progress:
            progress(i + 1, len(per_day))
    return out


@dataclass(frozen=True)
class BatchRecommendation:
    days: tuple[tuple[date, Recommendation], ...]

    @property
    def plan(self) -> dict:
        """{day: {station: staff}}, the form the plan stores."""
        return {d.isoformat(): {s.code: s.staff for s in r.stations} for d, r in self.days}


def recommend_batch(settings: BatchSettings, per_day: list[tuple[date, Bookings]], seats: int = NO_LIMIT,
                    seed: int = 1, progress: Callable[[int, int], None] | None = None,
                    staffing: dict | None = None, replications: int = REPLICATIONS) -> BatchRecommendation:
    """Every day's recommendation, from the staffing planned for it now (`staffing`)."""
    days = []
    for i, (day, bookings) in enumerate(per_day):
        rec = recommend(bookings, settings, seats, seed=seed, day_key=day.toordinal(), replications=replications,
                        stations=stations_for(settings, staffing or {}, day))
        days.append((day, rec))
        if progress:
            progress(i + 1, len(per_day))
    return BatchRecommendation(tuple(days))


# ---------------------------------------------------------------- the plan as a supervisor reads it

CURRENT, RECOMMENDED = "current", "recommended"
STAFFINGS = (CURRENT, RECOMMENDED)


@dataclass(frozen=True)
class StaffChange:
    """One station on one day: staff planned now and recommended, each with its 90th-percentile
    wait on the same re-simulated days."""
    day: date
    code: str
    now: int
    recommended: int
    p90_now: float
    p90_recommended: float

    @property
    def change(self) -> int:
        return self.recommended - self.now


def staff_changes(rec: BatchRecommendation) -> list[StaffChange]:
    """Every day and station, in the batch's day order and the flow's station order."""
    return [StaffChange(day, new.code, now.staff, new.staff, was.p90_wait, will.p90_wait)
            for day, r in rec.days
            for now, new, was, will in zip(r.current, r.stations, r.checked_current.stations, r.checked.stations)]


def drawn(rec: BatchRecommendation, staffing: str = RECOMMENDED) -> list[DayForecast]:
    """The forecast of either staffing without simulating again: the recommendation was
    re-simulated on the very days forecast() draws (same seeds, hall and overflow), so these are
    the figures forecast() gives for that staffing (tests/core pins it)."""
    if staffing not in STAFFINGS:
        raise ValueError(staffing)
    out = []
    for day, r in rec.days:
        stations, result = (r.stations, r.checked) if staffing == RECOMMENDED else (r.current, r.checked_current)
        # Erlang C's steady-state staff depends on the station's rate, not on who is planned.
        out.append(DayForecast(day, r.booked, stations, result, {e.code: e.steady for e in r.erlang}))
    return out
