"""Appointments: how many households come on each day and in each hourly slot.

A new batch starts from a generated split (households_per_day, then the slots evenly); the
supervisor then sets the counts per day (typing the known days and letting the rest share what is
left) or per day and slot, or imports a list of households with their day and slot. Households
already in the hall or marked absent keep their booking; the others are moved as few as possible."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import ValidationError, ValidationErrors
from core.org.rules import parse_room_no

Grid = dict[date, dict[int, int]]       # {day: {slot hour: households}}


def _count(value) -> int | None:
    """A whole, non-negative number of households, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def _share(count: int, keys: Sequence, least: Mapping) -> dict:
    """`count` over `keys` evenly, the earlier keys taking the odd ones; a key holding more
    (`least`) than its share keeps that and the others share the rest. When `count` is below the
    floors the share is even (and refused by the validation that follows)."""
    least = {k: n for k, n in least.items() if k in keys and n > 0}
    kept: dict = {}
    if count >= sum(least.values()):
        while True:
            free = [k for k in keys if k not in kept]
            share = (count - sum(kept.values())) // max(1, len(free))
            over = {k: least[k] for k in free if least.get(k, 0) > share}
            if not over:
                break
            kept.update(over)
    free = [k for k in keys if k not in kept]
    left = count - sum(kept.values())
    out = {k: kept.get(k, 0) for k in keys}
    for i, k in enumerate(free):
        out[k] = left // len(free) + (1 if i < left % len(free) else 0)
    return out


def fill_evenly(total: int, days: int, fixed: Mapping[int, int], least: Mapping[int, int] | None = None) -> list[int]:
    """Households per day: the days in `fixed` (index: count) keep theirs, the others share what
    is left evenly, the earlier days taking the odd ones; a day with more households already in
    the hall (`least`, index: count) than its share keeps those. The seed's batch: 799 over 10
    days with 155 on days 2 and 3 leaves 489 for the other eight: 62, 62, 61, ..."""
    def counts():
        bad = [i for i, n in fixed.items() if _count(n) is None or not 0 <= i < days]
        if bad:
            raise ValidationError("err.quota_count", field="day", day=min(bad) + 1)

    def within():
        given = sum(int(n) for n in fixed.values())
        if given > total:
            raise ValidationError("err.quota_over_total", field="day", given=given, total=total)
        if len(fixed) == days and given != total:
            raise ValidationError("err.quota_total", field="day", booked=given, households=total)
    ValidationErrors.collect(counts, within)
    free = [i for i in range(days) if i not in fixed]
    shared = _share(total - sum(int(n) for n in fixed.values()), free, least or {})
    return [int(fixed[i]) if i in fixed else shared[i] for i in range(days)]


def split_slots(count: int, hours: Sequence[int], least: Mapping[int, int] | None = None) -> dict[int, int]:
    """A day's households over its booking hours, evenly, the earlier hours taking the odd ones;
    an hour holding more households already in the hall (`least`) than its share keeps them, and
    the others share the rest. When `count` is below those, the split is even (and refused later)."""
    return _share(count, list(hours), least or {})


def grid_from_days(days: Sequence[date], counts: Sequence[int], hours: Sequence[int]) -> Grid:
    return {d: split_slots(int(n), hours) for d, n in zip(days, counts)}


def validate_quotas(quotas: Mapping[date, Mapping[int, object]], days: Sequence[date], hours: Sequence[int],
                    households: int, started: Mapping[tuple[date, int], int]) -> Grid:
    """The counts a supervisor saves, every wrong cell at once: whole numbers, on the batch's
    days and booking hours, adding up to the batch, and no fewer in a slot than the households
    already in the hall or marked absent there."""
    errors: list[ValidationError] = []
    grid: Grid = {d: {h: 0 for h in hours} for d in days}
    for day, per_slot in quotas.items():
        if day not in grid:
            errors.append(ValidationError("err.quota_day", field="day", day=str(day)))
            continue
        for hour, value in per_slot.items():
            n = _count(value)
            if hour not in grid[day]:
                if n:
                    errors.append(ValidationError("err.quota_slot", field="slot", day=day.isoformat(), hour=hour))
            elif n is None:
                errors.append(ValidationError("err.quota_count", field="day", day=days.index(day) + 1))
            else:
                grid[day][hour] = n
    for (day, hour), n in sorted(started.items()):
        if day in grid and grid[day].get(hour, 0) < n:
            errors.append(ValidationError("err.quota_started", field="slot", day=day.isoformat(), hour=hour, n=n))
    booked = sum(sum(v.values()) for v in grid.values())
    if not errors and booked != households:
        errors.append(ValidationError("err.quota_total", field="day", booked=booked, households=households))
    if errors:
        raise ValidationErrors(errors)
    return grid


@dataclass(frozen=True)
class Booking:
    id: int                  # the appointment
    day: date
    hour: int
    started: bool            # in the hall, through a station or marked absent: stays where it is


def rebook(bookings: Iterable[Booking], grid: Grid) -> list[tuple[int, date, int]]:
    """The moves that make the bookings match the grid, as few as possible: each slot keeps its
    started households and its earliest others up to its count; the rest go, in booking order,
    to the slots short of theirs. Returns (appointment, day, hour) for each household moved."""
    cells: dict[tuple[date, int], list[Booking]] = {}
    for b in sorted(bookings, key=lambda b: b.id):
        cells.setdefault((b.day, b.hour), []).append(b)
    released: list[Booking] = []
    short: list[tuple[date, int, int]] = []
    for day in sorted(grid):
        for hour in sorted(grid[day]):
            mine = cells.pop((day, hour), [])
            keep = [b for b in mine if b.started]
            keep += [b for b in mine if not b.started][:max(0, grid[day][hour] - len(keep))]
            released += [b for b in mine if b not in keep]
            if grid[day][hour] > len(keep):
                short.append((day, hour, grid[day][hour] - len(keep)))
    for rest in cells.values():              # booked where the grid has no slot at all
        released += rest
    released.sort(key=lambda b: b.id)
    moves, pool = [], iter(released)
    for day, hour, n in short:
        for _ in range(n):
            b = next(pool)
            moves.append((b.id, day, hour))
    return moves


# ---------------------------------------------------------------- a list of households with day and slot

@dataclass(frozen=True)
class ImportedBooking:
    row: int
    room_no: str
    day: date
    hour: int


_SPLIT = re.compile(r"[,\t;，]+|\s+")


def _day(text: str, days: Sequence[date]) -> date | None:
    """An ISO date of the batch, or the batch's day number (1 for the first day)."""
    if text.isdigit() and 1 <= int(text) <= len(days):
        return days[int(text) - 1]
    try:
        d = date.fromisoformat(text)
    except ValueError:
        return None
    return d if d in days else None


def _hour(text: str, hours: Sequence[int]) -> int | None:
    m = re.fullmatch(r"(\d{1,2})(?:[:：]00)?", text)
    return int(m.group(1)) if m and int(m.group(1)) in hours else None


def parse_bookings(lines: Iterable[str], days: Sequence[date], hours: Sequence[int]) -> list[ImportedBooking]:
    """Lines of "room, day, slot" (day: 2026-05-09 or the day number; slot: 10 or 10:00; commas,
    tabs or spaces between, a header line allowed). Every bad line is named at once."""
    out, errors, seen = [], [], {}
    for n, line in enumerate(lines, start=1):
        parts = [p for p in _SPLIT.split(line.strip()) if p]
        if not parts:
            continue
        if n == 1 and not any(ch.isdigit() for ch in parts[0]):
            continue                                     # a header
        if len(parts) != 3:
            errors.append(ValidationError("err.booking_line", field="bookings", row=n))
            continue
        try:
            room, _ = parse_room_no(parts[0])
        except ValidationError:
            errors.append(ValidationError("err.booking_room", field="bookings", row=n, value=parts[0][:20]))
            continue
        day, hour = _day(parts[1], days), _hour(parts[2], hours)
        if day is None:
            errors.append(ValidationError("err.booking_day", field="bookings", row=n, value=parts[1][:12]))
        if hour is None:
            errors.append(ValidationError("err.booking_slot", field="bookings", row=n, value=parts[2][:8]))
        if room in seen:
            errors.append(ValidationError("err.booking_twice", field="bookings", row=n, room=room, first=seen[room]))
        seen.setdefault(room, n)
        if day is not None and hour is not None:
            out.append(ImportedBooking(n, room, day, hour))
    if errors:
        raise ValidationErrors(errors)
    if not out:
        raise ValidationError("err.required", field="bookings")
    return out


def batch_days(start: date, days: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(days)]
