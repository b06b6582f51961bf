"""The thresholds of the scheduled alerts, as plain rules: when a debt's limitation warning is due
(six months, then one month before), when the move-in hall's queue counts as over its limit and
when that is a new crossing (alerted once, not again until the queue has fallen back under), when
a defect is past its rectification deadline, and when an overdue stage is pressing enough to wake
a group robot in its quiet hours."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.collections.dunning import add_months

# ---------------------------------------------------------------- limitation warnings

# Stages before the limitation date, most urgent first: (name, months before).
LIMITATION_STAGES = (("1m", 1), ("6m", 6))


def limitation_stage(expires: date | None, today: date) -> str | None:
    """'6m' from six months before the limitation date, '1m' from one month before, None outside
    both (far off, or already passed: that is legal advice, not a reminder). A unit first seen
    inside the last month gets only the one-month warning: the six-month one would say less."""
    if expires is None or expires < today:
        return None
    for name, months in LIMITATION_STAGES:
        if expires <= add_months(today, months):
            return name
    return None


# ---------------------------------------------------------------- the move-in hall's queue

@dataclass(frozen=True)
class QueueLimit:
    waiting: int = 8              # households waiting in the hall, all stations together
    wait_min: float = 30.0        # minutes the longest-waiting household has waited


def queue_over(waiting: int, longest_wait_min: float, limit: QueueLimit = QueueLimit()) -> bool:
    """Over the limit: more households waiting than allowed, or one waiting longer than allowed."""
    return waiting > limit.waiting or longest_wait_min > limit.wait_min


def crossing(was_over: bool, is_over: bool) -> bool:
    """True only when the queue goes over (it was under before): one alert per crossing."""
    return is_over and not was_over


def parse_crossing_state(text: str | None, day: str) -> tuple[bool, int]:
    """(over now?, crossings so far today) from the stored '20260506:over:3'; nothing stored, or
    a state of another day (the hall starts each day empty): under, 0."""
    parts = (text or "").split(":")
    if len(parts) != 3 or parts[0] != day:
        return False, 0
    try:
        return parts[1] == "over", int(parts[2])
    except ValueError:
        return parts[1] == "over", 0


def crossing_state(day: str, is_over: bool, crossings: int) -> str:
    return f"{day}:{'over' if is_over else 'under'}:{crossings}"


# ---------------------------------------------------------------- move-in defects

def defect_overdue(status: str, due: date | None, today: date) -> bool:
    """An open defect whose put-right-by day has passed (the due day itself is still in time)."""
    return status == "open" and due is not None and due < today


# ---------------------------------------------------------------- robots in quiet hours

# An overdue stage this many hours past its deadline goes to a group robot even at night.
OVERDUE_URGENT_HOURS = 4.0


def pressing_overdue(hours_overdue: float, limit: float = OVERDUE_URGENT_HOURS) -> bool:
    return hours_overdue >= limit
