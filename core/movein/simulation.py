"""A move-in day as a queueing simulation: households arrive from their appointment slots (late or
early, some not at all) and pass each station in order; a station serves as many at once as it has
staff, first come first served. People waiting for a station sit in the hall's waiting zone; when
every seat is taken the others wait outside or, where the plan says so, are asked to come back.

Stations in series without blocking are computed exactly station by station: a household starts
at a station when it has got there and the first of the station's staff is free. That recursion
runs for many replications of a day at once (numpy, one row per replication), which is what makes
a recommendation judged over hundreds of simulated days affordable; tests/core pins it to an
event-by-event SimPy model of the same day.

Each replication draws its arrivals and service times up front from its own seed, so a change of
staff never changes the dice: two staffings are compared on the same days (common random numbers),
and a replication is the same whatever the number of replications run beside it."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.movein.flow import pick_bottleneck
from core.movein.model import COME_BACK, OUTSIDE, BatchSettings, Station, booking_hours

OVERTIME_LIMIT_MIN = 240                         # the hall stays open at most four hours past closing
NO_LIMIT = 10**9                                 # seats, when a hall's waiting zone is not known


# ---------------------------------------------------------------- the dice

def slot_offsets(settings: BatchSettings, bookings: int | Mapping[int, int]) -> list[tuple[float, int]]:
    """(minutes after opening the slot starts, households booked in it). A bare number is spread
    evenly over the booking hours, as a new batch is before the supervisor sets its slots."""
    hours = booking_hours(settings)
    if not isinstance(bookings, Mapping):
        n = int(bookings)
        bookings = {h: n // len(hours) + (1 if i < n % len(hours) else 0) for i, h in enumerate(hours)}
    opens = settings.opens.hour * 60 + settings.opens.minute
    return [(max(0.0, float(h * 60 - opens)), int(n)) for h, n in sorted(bookings.items()) if n > 0]


CHECKING, CHOOSING = 0, 1      # streams of dice: days a plan is shown on, days a recommendation is chosen on


def replication_seeds(seed: int, day_key: int, replications: int, stream: int = CHECKING) -> list:
    """One seed per replication of a day: a replication does not depend on how many run beside
    it, and the days a staffing is chosen on are never the days it is then checked on."""
    return [(int(seed), int(day_key), int(stream), r) for r in range(replications)]


@dataclass(frozen=True, eq=False)
class Draws:
    """The dice of R replications of one day for N booked households: arrival minutes after
    opening (inf: a no-show) and service minutes at each of K stations."""
    arrivals: np.ndarray        # (R, N)
    service: np.ndarray         # (R, N, K)

    @property
    def replications(self) -> int:
        return self.arrivals.shape[0]


def _lognormal_params(station: Station) -> tuple[float, float]:
    """Lognormal with the station's mean and spread: never negative, a long right tail."""
    if station.sd_min <= 0:
        return math.log(station.mean_min), 0.0
    sigma2 = math.log(1 + (station.sd_min / station.mean_min) ** 2)
    return math.log(station.mean_min) - sigma2 / 2, math.sqrt(sigma2)


def draw(slots: Sequence[tuple[float, int]], settings: BatchSettings, stations: Sequence[Station],
         seeds: Sequence) -> Draws:
    """Appointments fill their hour evenly; lateness is normal around it, nobody comes before
    opening or after the last minute; no-shows drop out."""
    n = sum(count for _, count in slots)
    offsets = np.repeat([start for start, _ in slots], [count for _, count in slots]).astype(float)
    params = [_lognormal_params(s) for s in stations]
    arrivals = np.empty((len(seeds), n))
    service = np.empty((len(seeds), n, len(stations)))
    for r, seed in enumerate(seeds):
        rng = np.random.default_rng(seed if isinstance(seed, (int, np.integer)) else list(seed))
        absent = rng.random(n) < settings.no_show_rate
        t = offsets + rng.uniform(0, 60, n) + rng.normal(0, settings.lateness_sd_min, n)
        arrivals[r] = np.where(absent, np.inf, np.clip(t, 0.0, settings.open_minutes - 1))
        for k, (mu, sigma) in enumerate(params):
            service[r, :, k] = np.exp(mu) if sigma == 0 else rng.lognormal(mu, sigma, n)
    return Draws(arrivals, service)


# ---------------------------------------------------------------- the queues

def through_station(arrive: np.ndarray, service: np.ndarray, staff: int) -> np.ndarray:
    """Start times at one station for every replication: first come first served, `staff` at
    once. `arrive` (R, N) with inf for those who never get there; they sort last and take nobody's
    place."""
    reps, n = arrive.shape
    if staff >= n:
        return arrive.copy()
    order = np.argsort(arrive, axis=1, kind="stable")
    t = np.take_along_axis(arrive, order, 1)
    s = np.take_along_axis(service, order, 1)
    start = np.full_like(t, np.inf)
    free = np.zeros((reps, staff))
    rows = np.arange(reps)
    for p in range(int(np.isfinite(t).sum(axis=1).max(initial=0))):
        j = free.argmin(axis=1)
        begin = np.maximum(t[:, p], free[rows, j])
        start[:, p] = begin
        free[rows, j] = begin + s[:, p]
    out = np.empty_like(start)
    np.put_along_axis(out, order, start, 1)
    return out


@dataclass(frozen=True, eq=False)
class Waiting:
    """People waiting (not in service) at once, over all stations, per replication."""
    peak: np.ndarray            # (R,) most waiting at once
    outside: np.ndarray         # (R,) households who found every seat taken
    outside_min: np.ndarray     # (R,) person-minutes spent waiting without a seat
    first_turned: np.ndarray    # (R,) the first household to arrive at a full hall, -1 if none


# A household reaching a queue at the instant another leaves it for a desk finds that seat free:
# waiting spells begin a hair later than they are stamped, so the leaver goes first; households
# reaching queues at the same instant (the crowd at the door at opening) take seats in booking order.
_HAIR = 1e-7
_FAR = 1e7          # later than any minute of a day: where spells that never happen are put


def _spells(arrive_at: np.ndarray, start_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(begin, end) of every waiting spell, (R, N*K); `_FAR` where nobody waits."""
    reps = arrive_at.shape[0]
    m = arrive_at.shape[1] * arrive_at.shape[2]
    hair = _HAIR * (1 + np.arange(m).reshape(arrive_at.shape[1:]) / (m + 1))
    with np.errstate(invalid="ignore"):
        begins = arrive_at + hair
        spell = start_at > begins
    begin = np.where(spell, begins, _FAR).reshape(reps, -1)
    end = np.where(spell, start_at, _FAR).reshape(reps, -1)
    return begin, end


def peak_waiting(arrive_at: np.ndarray, start_at: np.ndarray) -> np.ndarray:
    """(R,) the most people waiting at once. Right after the i-th spell begins (in time order)
    i + 1 have begun and every spell ended by then has ended: no merged sweep needed."""
    begin, end = _spells(arrive_at, start_at)
    reps, m = begin.shape
    if m == 0:
        return np.zeros(reps, dtype=int)
    b, e = np.sort(begin, axis=1), np.sort(end, axis=1)
    offset = (np.arange(reps) * (4 * _FAR))[:, None]         # rows apart, so one search serves all
    ended = np.searchsorted((e + offset).ravel(), (b + offset).ravel(), side="right").reshape(reps, m)
    level = np.arange(1, m + 1)[None, :] - (ended - np.arange(reps)[:, None] * m)
    return np.where(b < _FAR, level, 0).max(axis=1, initial=0)


def waiting(arrive_at: np.ndarray, start_at: np.ndarray, seats: int) -> Waiting:
    """Sweep over the (R, N, K) waiting spells [reached the station, started there) in time
    order: the level of the waiting zone, who found it full, the minutes spent beyond its seats."""
    reps, n, k = arrive_at.shape
    if n == 0:
        zero = np.zeros(reps, dtype=int)
        return Waiting(zero, zero, np.zeros(reps), zero - 1)
    begin, end = _spells(arrive_at, start_at)
    m = begin.shape[1]
    times = np.concatenate([begin, end], axis=1)
    delta = np.concatenate([np.where(begin < _FAR, 1, 0), np.where(end < _FAR, -1, 0)], axis=1)
    order = np.argsort(times, axis=1)
    t = np.take_along_axis(times, order, 1)
    d = np.take_along_axis(delta, order, 1)
    level = np.cumsum(d, axis=1)
    full = (d > 0) & (level - d >= seats)
    gaps = np.diff(t, axis=1, append=_FAR)
    excess = np.maximum(level - seats, 0)
    minutes = (excess * np.where(t < _FAR, gaps, 0.0)).sum(axis=1)
    # Which household and station each event is: begins, then ends, household by household.
    who, station = (order % m) // k, (order % m) % k
    found_full = np.zeros((reps, n), dtype=bool)
    rr, cc = np.nonzero(full)
    found_full[rr, who[rr, cc]] = True
    turned = full & (station == 0)
    first = np.where(turned.any(axis=1), who[np.arange(reps), turned.argmax(axis=1)], -1)
    return Waiting(level.max(axis=1, initial=0), found_full.sum(axis=1), minutes, first)


@dataclass(frozen=True, eq=False)
class Run:
    """Every household's times at every station in R replications of a day."""
    arrive_at: np.ndarray       # (R, N, K) reached the station (inf: never)
    start_at: np.ndarray        # (R, N, K)
    finish_at: np.ndarray       # (R, N, K)
    turned_away: np.ndarray     # (R, N) asked to come back
    came: np.ndarray            # (R, N) arrived at the hall (turned away or not)
    hall: Waiting


def run_stations(arrivals: np.ndarray, service: np.ndarray, staff: Sequence[int]) -> tuple[np.ndarray, ...]:
    """(arrive_at, start_at, finish_at), each (R, N, K): the stations one after the other."""
    arrive_at, start_at, finish_at = (np.empty(service.shape) for _ in range(3))
    at = arrivals
    for k, c in enumerate(staff):
        arrive_at[:, :, k] = at
        start_at[:, :, k] = through_station(at, service[:, :, k], int(c))
        finish_at[:, :, k] = start_at[:, :, k] + service[:, :, k]
        at = finish_at[:, :, k]
    return arrive_at, start_at, finish_at


def run(draws: Draws, staff: Sequence[int], seats: int = NO_LIMIT, overflow: str = OUTSIDE) -> Run:
    """The day with this staff per station. With `come_back`, a household that would have to wait
    for the first station while every seat is taken is asked to come back another time: taken
    out one at a time, earliest first, because each one sent away changes the hall after it."""
    came = np.isfinite(draws.arrivals)
    arrivals = draws.arrivals.copy()
    turned = np.zeros_like(came)
    active = np.arange(draws.replications)
    result = list(run_stations(arrivals, draws.service, staff))
    hall = waiting(result[0], result[1], seats)
    peak, outside, minutes = hall.peak.copy(), hall.outside.copy(), hall.outside_min.copy()
    while overflow == COME_BACK:
        first = hall.first_turned
        hit = first >= 0
        if not hit.any():
            break
        active, who = active[hit], first[hit]
        turned[active, who] = True
        arrivals[active, who] = np.inf
        part = run_stations(arrivals[active], draws.service[active], staff)
        for whole, piece in zip(result, part):
            whole[active] = piece
        hall = waiting(part[0], part[1], seats)
        peak[active], outside[active], minutes[active] = hall.peak, hall.outside, hall.outside_min
    return Run(*result, turned_away=turned, came=came,
               hall=Waiting(peak, outside, minutes, np.full(draws.replications, -1)))


# ---------------------------------------------------------------- what a day comes to

def percentile_rows(values: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile of each row's finite values (linear between order statistics), 0 for a row
    with none."""
    ordered = np.sort(np.where(np.isfinite(values), values, np.inf), axis=1)
    n = np.isfinite(ordered).sum(axis=1)
    k = np.maximum(n - 1, 0) * q
    lo, hi = np.floor(k).astype(int), np.ceil(k).astype(int)
    low = np.take_along_axis(ordered, lo[:, None], 1)[:, 0]
    high = np.take_along_axis(ordered, hi[:, None], 1)[:, 0]
    out = low + (high - low) * (k - lo)
    return np.where(n > 0, out, 0.0)


def queue_peaks(arrive_at: np.ndarray, start_at: np.ndarray) -> np.ndarray:
    """(R, K): the most people waiting at once at each station."""
    return np.stack([peak_waiting(arrive_at[:, :, k:k + 1], start_at[:, :, k:k + 1])
                     for k in range(arrive_at.shape[2])], axis=1)


@dataclass(frozen=True, eq=False)
class Measures:
    """Per replication (rows) and station (columns): what the day comes to."""
    booked: int
    arrived: np.ndarray         # (R,)
    finished: np.ndarray        # (R,) through every station by the overtime limit
    still_inside: np.ndarray    # (R,)
    turned_away: np.ndarray     # (R,)
    served: np.ndarray          # (R, K)
    utilisation: np.ndarray     # (R, K)
    mean_wait: np.ndarray       # (R, K)
    p90_wait: np.ndarray        # (R, K)
    longest_queue: np.ndarray   # (R, K)
    peak_waiting: np.ndarray    # (R,)
    outside: np.ndarray         # (R,)
    outside_min: np.ndarray     # (R,)
    mean_flow: np.ndarray       # (R,)
    overtime: np.ndarray        # (R,)


def measure(result: Run, staff: Sequence[int], settings: BatchSettings) -> Measures:
    with np.errstate(invalid="ignore"):     # inf - inf for those who never came: masked out below
        return _measure(result, staff, settings)


def _measure(result: Run, staff: Sequence[int], settings: BatchSettings) -> Measures:
    served_mask = np.isfinite(result.start_at)
    waits = np.where(served_mask, result.start_at - result.arrive_at, np.nan)
    busy = np.where(served_mask, result.finish_at - result.start_at, 0.0).sum(axis=1)
    served = served_mask.sum(axis=1)
    exit_at = result.finish_at[:, :, -1]
    entered = np.isfinite(exit_at)
    horizon = settings.open_minutes + OVERTIME_LIMIT_MIN
    flows = np.where(entered, exit_at - result.arrive_at[:, :, 0], np.nan)
    # Each household's own exit time: the last to leave, whoever arrived first.
    last_exit = np.where(entered, exit_at, -np.inf).max(axis=1, initial=-np.inf)
    mean_wait = np.where(served > 0, np.nansum(waits, axis=1) / np.maximum(served, 1), 0.0)
    mean_flow = np.where(entered.any(axis=1), np.nansum(flows, axis=1) / np.maximum(entered.sum(axis=1), 1), 0.0)
    return Measures(
        booked=result.came.shape[1], arrived=result.came.sum(axis=1),
        finished=(entered & (exit_at <= horizon)).sum(axis=1), still_inside=(entered & (exit_at > horizon)).sum(axis=1),
        turned_away=result.turned_away.sum(axis=1), served=served,
        utilisation=np.minimum(1.0, busy / (np.asarray(staff, dtype=float) * settings.open_minutes)),
        mean_wait=mean_wait, p90_wait=np.stack([percentile_rows(waits[:, :, k], 0.9) for k in range(waits.shape[2])], 1),
        longest_queue=queue_peaks(result.arrive_at, result.start_at), peak_waiting=result.hall.peak,
        outside=result.hall.outside, outside_min=result.hall.outside_min, mean_flow=mean_flow,
        overtime=np.maximum(0.0, last_exit - settings.open_minutes))


# ---------------------------------------------------------------- one simulated day

@dataclass(frozen=True)
class StationResult:
    code: str
    staff: int
    served: int
    utilisation: float
    mean_wait: float        # minutes
    p90_wait: float
    longest_queue: int      # most waiting at once (0: nobody waited)


@dataclass(frozen=True)
class DayResult:
    households: int         # booked
    arrived: int            # came to the hall
    finished: int
    still_inside: int       # came but not through every station by the overtime limit
    stations: tuple[StationResult, ...]
    peak_waiting: int       # most people waiting (not being served) at once
    mean_flow_min: float    # arrival to keys
    overtime_min: float     # how long after closing the last household left
    seats: int = NO_LIMIT
    outside: int = 0        # households who found every seat taken
    outside_min: float = 0.0  # person-minutes waited without a seat
    turned_away: int = 0    # asked to come back (only where the plan says so)
    target_min: float = 15.0

    @property
    def bottleneck(self) -> str | None:
        return pick_bottleneck([(s.code, s.longest_queue, s.p90_wait) for s in self.stations], self.target_min)


def day_result(m: Measures, r: int, stations: Sequence[Station], seats: int, target_min: float) -> DayResult:
    return DayResult(
        households=m.booked, arrived=int(m.arrived[r]), finished=int(m.finished[r]),
        still_inside=int(m.still_inside[r]),
        stations=tuple(StationResult(s.code, s.staff, int(m.served[r, k]), float(m.utilisation[r, k]),
                                     float(m.mean_wait[r, k]), float(m.p90_wait[r, k]), int(m.longest_queue[r, k]))
                       for k, s in enumerate(stations)),
        peak_waiting=int(m.peak_waiting[r]), mean_flow_min=float(m.mean_flow[r]), overtime_min=float(m.overtime[r]),
        seats=int(seats), outside=int(m.outside[r]), outside_min=float(m.outside_min[r]),
        turned_away=int(m.turned_away[r]), target_min=target_min)


def simulate_day(bookings: int | Mapping[int, int], settings: BatchSettings,
                 stations: tuple[Station, ...] | None = None, seed: int = 1, seats: int = NO_LIMIT) -> DayResult:
    """One simulated day: `bookings` households (or {slot hour: households}). Reproducible for a
    given seed."""
    stations = tuple(stations or settings.stations)
    draws = draw(slot_offsets(settings, bookings), settings, stations, [seed])
    staff = [s.staff for s in stations]
    m = measure(run(draws, staff, seats, settings.overflow), staff, settings)
    return day_result(m, 0, stations, seats, settings.target_p90_wait_min)


def simulate_run(draws: Draws, settings: BatchSettings, stations: Sequence[Station], seats: int) -> Measures:
    staff = [s.staff for s in stations]
    return measure(run(draws, staff, seats, settings.overflow), staff, settings)
