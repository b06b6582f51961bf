"""The live day: a household moves through the stations strictly in order, one tap a step.

The one definition of where a household is (expected, in the hall at a station, handed over, no
show), what the tablet offers it next, and how the hall board counts households. The store's
board query counts the same things in SQL from these definitions (tests/db/test_movein_queries.py
pins the two together)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from core.errors import DomainError, PermissionDenied, ValidationError
from core.org.rules import as_typed, normalise_text


class Stage(str, Enum):
    EXPECTED = "expected"          # booked for the day, not in the hall yet
    IN_HALL = "in_hall"            # arrived, at the station after the ones done
    HANDED_OVER = "handed_over"    # every station done: the keys are given
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class Progress:
    """Where a household is: `done` stations finished, the next one is stations[done];
    `serving`: a desk of that next station has taken it (station mode), else it waits there."""
    household: str
    done: int
    no_show: bool = False
    arrived: bool = False
    serving: bool = False


def next_station(p: Progress, stations: list[str]) -> str | None:
    return None if p.done >= len(stations) else stations[p.done]


def handed_over(done: int, station_count: int) -> bool:
    return done >= station_count


def stage(p: Progress, stations: list[str]) -> Stage:
    if p.no_show:
        return Stage.NO_SHOW
    if handed_over(p.done, len(stations)):
        return Stage.HANDED_OVER
    return Stage.IN_HALL if p.arrived else Stage.EXPECTED


class Action(str, Enum):
    """What the tablet offers a household: check it in (or mark it absent), finish its next
    station, or nothing."""
    CHECK_IN = "check_in"
    ADVANCE = "advance"
    NONE = "none"


def next_action(p: Progress, stations: list[str]) -> Action:
    s = stage(p, stations)
    if s is Stage.EXPECTED:
        return Action.CHECK_IN
    return Action.ADVANCE if s is Stage.IN_HALL else Action.NONE


def check_in(p: Progress, late: bool = False) -> Progress:
    """The household is in the hall: it joins the queue of the first station. A household marked
    absent that turns up after all checks in as a late arrival, once someone has confirmed it."""
    if p.no_show and not late:
        raise DomainError("err.household_no_show")
    if p.arrived:
        raise DomainError("err.household_checked_in")
    return Progress(p.household, p.done, arrived=True)


def take(p: Progress, stations: list[str], station: str) -> Progress:
    """A desk of `station` starts serving the household waiting there (station mode)."""
    if p.no_show:
        raise DomainError("err.household_no_show")
    if not p.arrived:
        raise DomainError("err.household_not_arrived")
    if next_station(p, stations) != station:
        raise DomainError("err.household_not_waiting", station=station)
    if p.serving:
        raise DomainError("err.household_taken")
    return replace(p, serving=True)


def advance(p: Progress, stations: list[str], station: str) -> Progress:
    """Finish `station`. Skipping a station or finishing one twice is refused. A first station
    finished without a check-in counts as the arrival."""
    if p.no_show:
        raise DomainError("err.household_no_show")
    expected = next_station(p, stations)
    if expected is None:
        raise DomainError("err.household_finished")
    if station != expected:
        if station in stations[:p.done]:
            raise DomainError("err.station_done_twice", station=station)
        raise DomainError("err.station_skipped", station=station, expected=expected)
    return Progress(p.household, p.done + 1, arrived=True)


# ---------------------------------------------------------------- today's list

class Chip(str, Enum):
    """What today's list says of a household, one word each."""
    EXPECTED = "expected"          # booked, not here yet
    CHECKED_IN = "checked_in"      # here, waiting for the first station
    AT_STATION = "at_station"      # waiting for, or at, station N (N > 1)
    DONE = "done"                  # keys given
    NO_SHOW = "no_show"
    MOVED = "moved"                # booked for this day, came (or was moved) to another day


def chip(p: Progress, stations: list[str], moved_away: bool = False) -> Chip:
    if moved_away:
        return Chip.MOVED
    s = stage(p, stations)
    if s is Stage.IN_HALL:
        return Chip.CHECKED_IN if p.done == 0 and not p.serving else Chip.AT_STATION
    return {Stage.EXPECTED: Chip.EXPECTED, Stage.HANDED_OVER: Chip.DONE, Stage.NO_SHOW: Chip.NO_SHOW}[s]


def matches(query: str, room_no: str, owner: str | None, phone: str | None) -> bool:
    """The list's search: part of the room number, of the owner's name, or the phone's last
    digits (4 or more, so that a short number does not match half the list)."""
    q = normalise_text(query).replace(" ", "")
    if not q:
        return True
    if q.upper() in room_no.upper() or (owner and q in owner):
        return True
    return q.isdigit() and len(q) >= 4 and bool(phone) and phone.endswith(q)


# ---------------------------------------------------------------- undo

UNDO_WINDOW = timedelta(minutes=5)     # long enough to notice a mis-tap, short enough to be one


def may_undo(tap_by: str, tap_at: datetime, username: str, now: datetime, undoes_any: bool,
             reason: str) -> str:
    """Whether `username` may take back a tap made by `tap_by` at `tap_at`: one's own within the
    window; anyone's, later, only with the right to (a manager) and a reason, which goes into the
    household's timeline. Returns the reason, cleaned."""
    reason = as_typed(reason)
    if len(reason) > 200:
        raise ValidationError("err.too_long", field="reason", max=200)
    if tap_by == username and now - tap_at <= UNDO_WINDOW:
        return reason
    if not undoes_any:
        raise PermissionDenied("err.undo_too_late", minutes=int(UNDO_WINDOW.total_seconds() // 60))
    if not reason:
        raise ValidationError("err.undo_reason", field="reason")
    return reason


def mark_no_show(p: Progress) -> Progress:
    if p.done > 0 or p.arrived:
        raise DomainError("err.household_started")
    return Progress(p.household, 0, no_show=True)


def average_flow_minutes(starts_ends: list[tuple[datetime, datetime]]) -> float | None:
    spans = [(e - s).total_seconds() / 60 for s, e in starts_ends if e >= s]
    return sum(spans) / len(spans) if spans else None


# ---------------------------------------------------------------- the hall board

@dataclass(frozen=True)
class DayTally:
    """A day's households by stage; `at_station[i]`: households in the hall at station i."""
    planned: int
    expected: int
    handed_over: int
    no_shows: int
    at_station: tuple[int, ...]


def tally(households: Iterable[Progress], stations: list[str]) -> DayTally:
    counts = {s: 0 for s in Stage}
    at = [0] * len(stations)
    for p in households:
        s = stage(p, stations)
        counts[s] += 1
        if s is Stage.IN_HALL:
            at[p.done] += 1
    return DayTally(sum(counts.values()), counts[Stage.EXPECTED], counts[Stage.HANDED_OVER],
                    counts[Stage.NO_SHOW], tuple(at))


@dataclass(frozen=True)
class StationLoad:
    code: str
    present: int      # waiting or in service
    served: int
    waiting: int
    staff: int
    longest_wait_min: float = 0.0   # how long the first of those waiting has waited


def longest_waits(reached: Iterable[tuple], stations: list[str], staff: Mapping[str, int],
                  now: datetime, by_desk: Iterable[str] = ()) -> dict[str, float]:
    """Minutes the longest-waiting household at each station has waited. `reached`: (station
    index, when it got there[, taken by a desk]) per household in the hall. At a station run in
    station mode (`by_desk`) the desks say who is in service, and the earliest of the others waits
    longest; elsewhere the earliest `staff` are taken to be in service."""
    by_desk = set(by_desk)
    times: dict[int, list[tuple[datetime, bool]]] = {}
    for r in reached:
        times.setdefault(r[0], []).append((r[1], bool(r[2]) if len(r) > 2 else False))
    out = {}
    for i, code in enumerate(stations):
        here = times.get(i, [])
        if code in by_desk:
            queue, n = sorted(at for at, serving in here if not serving), 0
        else:
            queue, n = sorted(at for at, _ in here), int(staff[code])
        out[code] = max(0.0, (now - queue[n]).total_seconds() / 60) if len(queue) > n else 0.0
    return out


def station_loads(at_station: tuple[int, ...], stations: list[str], staff: Mapping[str, int],
                  waits: Mapping[str, float] | None = None, serving: Mapping[str, int] | None = None,
                  by_desk: Iterable[str] = ()) -> list[StationLoad]:
    """Each station serves up to its staff at once, earliest arrivals first; the rest wait. At a
    station run in station mode (`by_desk`) those the desks have taken (`serving`) are in
    service and every other one waits, so the board says what the tablets say."""
    by_desk = set(by_desk)
    loads = []
    for code, present in zip(stations, at_station):
        n = int(staff[code])
        served = min(present, int((serving or {}).get(code, 0))) if code in by_desk else min(present, n)
        waiting = present - served
        loads.append(StationLoad(code, present, served, waiting, n,
                                 float((waits or {}).get(code, 0.0)) if waiting else 0.0))
    return loads


BOTTLENECK_WAIT_MIN = 15.0      # the move-in target: a wait longer than this names the station


def pick_bottleneck(queues: Iterable[tuple[str, int, float]], threshold_min: float = BOTTLENECK_WAIT_MIN) -> str | None:
    """A bottleneck is where people wait. `queues`: (station, people waiting, minutes waited) in
    flow order. None when nobody waits anywhere; else, where someone has waited longer than the
    threshold, the station of the longest wait (a long walk-through queue matters more than a few
    people at a two-minute desk); else the longest queue. Ties go to the longer wait, then to the
    earlier station."""
    waiting = [q for q in queues if q[1] > 0]
    if not waiting:
        return None
    late = [q for q in waiting if q[2] > threshold_min]
    if late:
        return max(late, key=lambda q: (q[2], q[1]))[0]
    return max(waiting, key=lambda q: (q[1], q[2]))[0]


def bottleneck(loads: list[StationLoad], threshold_min: float = BOTTLENECK_WAIT_MIN) -> str | None:
    """The hall board's bottleneck (pick_bottleneck): none when only people in service are in the hall."""
    return pick_bottleneck([(s.code, s.waiting, s.longest_wait_min) for s in loads], threshold_min)
