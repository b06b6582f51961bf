"""A move-in day as a discrete-event simulation (SimPy): households arrive from their
appointment slots (late or early, some not at all) and pass each station in order; each station
is a resource with as many servers as it has staff. Reproducible for a given seed."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

import simpy

from core.movein.model import BatchSettings, Station


@dataclass(frozen=True)
class StationResult:
    code: str
    staff: int
    served: int
    utilisation: float
    mean_wait: float        # minutes
    p90_wait: float
    longest_queue: int


@dataclass(frozen=True)
class DayResult:
    households: int         # booked
    arrived: int
    finished: int
    still_inside: int       # arrived but not through all stations at closing + overtime
    stations: tuple[StationResult, ...]
    peak_waiting: int       # most people waiting (not being served) at once
    mean_flow_min: float    # arrival to keys
    overtime_min: float     # how long after closing the last household left

    @property
    def bottleneck(self) -> str:
        return max(self.stations, key=lambda s: (s.p90_wait, s.utilisation)).code


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _service_time(rng: random.Random, station: Station) -> float:
    """Lognormal with the station's mean and spread: never negative, a long right tail."""
    if station.sd_min <= 0:
        return station.mean_min
    sigma2 = math.log(1 + (station.sd_min / station.mean_min) ** 2)
    mu = math.log(station.mean_min) - sigma2 / 2
    return rng.lognormvariate(mu, math.sqrt(sigma2))


def arrival_times(households: int, settings: BatchSettings, rng: random.Random) -> list[float]:
    """Minutes after opening. Appointments fill the hourly slots evenly; the last hour takes no
    new bookings so the day can finish; lateness is normal around the slot; no-shows drop out."""
    slots = max(1, settings.open_minutes // 60 - 1)
    times = []
    for i in range(households):
        if rng.random() < settings.no_show_rate:
            continue
        slot = i % slots
        t = slot * 60 + rng.uniform(0, 60) + rng.gauss(0, settings.lateness_sd_min)
        times.append(min(max(t, 0.0), settings.open_minutes - 1))
    return sorted(times)


def simulate_day(households: int, settings: BatchSettings, stations: tuple[Station, ...] | None = None,
                 seed: int = 1) -> DayResult:
    stations = stations or settings.stations
    rng = random.Random(seed)
    env = simpy.Environment()
    resources = [simpy.Resource(env, capacity=s.staff) for s in stations]
    waits: list[list[float]] = [[] for _ in stations]
    busy = [0.0] * len(stations)
    queue_peak = [0] * len(stations)
    waiting_now = [0]
    peak_waiting = [0]
    flows: list[float] = []
    finished = [0]
    arrivals = arrival_times(households, settings, rng)
    # Service times drawn up front per household so a change of staff never changes the dice.
    draws = [[_service_time(rng, s) for s in stations] for _ in arrivals]

    def household(arrive: float, times: list[float]):
        yield env.timeout(arrive)
        start = env.now
        for i, (station, res) in enumerate(zip(stations, resources)):
            queued = env.now
            waiting_now[0] += 1
            peak_waiting[0] = max(peak_waiting[0], waiting_now[0])
            with res.request() as req:
                queue_peak[i] = max(queue_peak[i], len(res.queue) + 1)
                yield req
                waiting_now[0] -= 1
                waits[i].append(env.now - queued)
                yield env.timeout(times[i])
                busy[i] += times[i]
        flows.append(env.now - start)
        finished[0] += 1

    for arrive, times in zip(arrivals, draws):
        env.process(household(arrive, times))
    horizon = settings.open_minutes + 240  # four hours of overtime at most
    env.run(until=horizon)
    last_exit = max((a + f for a, f in zip(arrivals, flows)), default=0.0)
    results = tuple(StationResult(
        code=s.code, staff=s.staff, served=len(waits[i]),
        utilisation=min(1.0, busy[i] / (s.staff * settings.open_minutes)),
        mean_wait=sum(waits[i]) / len(waits[i]) if waits[i] else 0.0,
        p90_wait=_percentile(waits[i], 0.9), longest_queue=queue_peak[i]) for i, s in enumerate(stations))
    return DayResult(households=households, arrived=len(arrivals), finished=finished[0],
                     still_inside=len(arrivals) - finished[0], stations=results, peak_waiting=peak_waiting[0],
                     mean_flow_min=sum(flows) / len(flows) if flows else 0.0,
                     overtime_min=max(0.0, last_exit - settings.open_minutes))
