"""The least staff per station that keeps the 90th-percentile wait under the target and the
waiting area within the hall; Erlang C gives the starting point, the simulation the answer."""
from __future__ import annotations

from dataclasses import dataclass, replace

from core.movein import erlang
from core.movein.hall import people_fitting
from core.movein.model import BatchSettings, Station
from core.movein.simulation import DayResult, simulate_day


@dataclass(frozen=True)
class Recommendation:
    stations: tuple[Station, ...]
    result: DayResult
    meets_target: bool


def erlang_staff(households: int, settings: BatchSettings, station: Station) -> int:
    """Steady-state estimate over the booking hours (arrivals treated as Poisson)."""
    booking_minutes = max(60, (settings.open_minutes // 60 - 1) * 60)
    arrivals_per_min = households * (1 - settings.no_show_rate) / booking_minutes
    return erlang.least_servers(arrivals_per_min, 1 / station.mean_min, settings.target_p90_wait_min)


def waiting_capacity(settings: BatchSettings, waiting_m2: float) -> int:
    return people_fitting(waiting_m2, settings.m2_per_waiting_person)


def recommend(households: int, settings: BatchSettings, waiting_capacity_people: int, seed: int = 1,
              max_rounds: int = 60) -> Recommendation:
    """Start from the Erlang estimate, then add one person where the simulated wait is worst
    until the targets hold; then try to take one away from each station without breaking them."""
    staff = [max(1, erlang_staff(households, settings, s) - 1) for s in settings.stations]

    def run(counts):
        stations = tuple(replace(s, staff=c) for s, c in zip(settings.stations, counts))
        return stations, simulate_day(households, settings, stations, seed)

    def ok(result: DayResult) -> bool:
        return all(s.p90_wait <= settings.target_p90_wait_min for s in result.stations) \
            and result.peak_waiting <= waiting_capacity_people and result.still_inside == 0

    stations, result = run(staff)
    rounds = 0
    while not ok(result) and rounds < max_rounds:
        worst = max(range(len(staff)), key=lambda i: (result.stations[i].p90_wait, result.stations[i].utilisation))
        staff[worst] += 1
        stations, result = run(staff)
        rounds += 1
    if ok(result):
        for i in range(len(staff)):
            while staff[i] > 1:
                trial = staff.copy()
                trial[i] -= 1
                t_stations, t_result = run(trial)
                if not ok(t_result):
                    break
                staff, stations, result = trial, t_stations, t_result
    return Recommendation(stations, result, ok(result))
