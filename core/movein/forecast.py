"""Forecast a whole batch day by day, and recommend staff per station per day."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from core.movein.model import BatchSettings, Station
from core.movein.simulation import DayResult, simulate_day
from core.movein.staffing import erlang_staff, recommend


@dataclass(frozen=True)
class DayForecast:
    day: date
    households: int
    stations: tuple[Station, ...]
    result: DayResult
    erlang: dict[str, int]


def stations_for(settings: BatchSettings, staffing: dict, day: date) -> tuple[Station, ...]:
    """The batch's stations with that day's staff where the plan sets one."""
    per_day = staffing.get(day.isoformat(), {})
    return tuple(replace(s, staff=int(per_day.get(s.code, s.staff))) for s in settings.stations)


def day_seed(seed: int, day: date) -> int:
    return seed * 100_003 + day.toordinal()


def forecast(settings: BatchSettings, per_day: list[tuple[date, int]], staffing: dict, seed: int = 1,
             progress: Callable[[int, int], None] | None = None) -> list[DayForecast]:
    out = []
    for i, (day, n) in enumerate(per_day):
        stations = stations_for(settings, staffing, day)
        result = simulate_day(n, settings, stations, day_seed(seed, day))
        out.append(DayForecast(day, n, stations, result,
                               {s.code: erlang_staff(n, settings, s) for s in stations}))
        if progress:
            progress(i + 1, len(per_day))
    return out


def recommend_batch(settings: BatchSettings, per_day: list[tuple[date, int]], waiting_capacity: int,
                    seed: int = 1, progress: Callable[[int, int], None] | None = None) -> dict:
    """{day: {station: staff}} meeting the targets where possible."""
    plan = {}
    for i, (day, n) in enumerate(per_day):
        rec = recommend(n, settings, waiting_capacity, day_seed(seed, day))
        plan[day.isoformat()] = {s.code: s.staff for s in rec.stations}
        if progress:
            progress(i + 1, len(per_day))
    return plan
