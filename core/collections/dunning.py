"""The dunning ladder and the limitation clock.

Each step recurs at its own interval once a unit's oldest debt is at least that old: a notice
every month, a phone call every two months, a door visit every quarter, a lawyer's letter every
half year, a lawsuit every year. Debts expire three years after they fall due (Civil Code
art. 188) unless a demand with proof of delivery restarts the clock (art. 195)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from enum import Enum


class Step(str, Enum):
    NOTICE = "notice"
    PHONE = "phone"
    VISIT = "visit"
    LAWYER = "lawyer"
    LAWSUIT = "lawsuit"


class PauseReason(str, Enum):
    PAYMENT_PLAN = "payment_plan"
    OPEN_COMPLAINT = "open_complaint"
    OPEN_DEFECT = "open_defect"


class Outcome(str, Enum):
    DELIVERED = "delivered"      # the demand reached the owner (proof kept): restarts limitation
    PROMISED = "promised"        # owner promised to pay by a date
    REFUSED = "refused"          # refused, with a reason
    UNREACHABLE = "unreachable"  # nobody reached


@dataclass(frozen=True)
class Ladder:
    """Intervals in months, per project if it wants its own."""
    intervals: dict[Step, int] = field(default_factory=lambda: {
        Step.NOTICE: 1, Step.PHONE: 2, Step.VISIT: 3, Step.LAWYER: 6, Step.LAWSUIT: 12})
    limitation_years: int = 3
    warn_before: timedelta = timedelta(days=183)

    def ordered(self) -> tuple[Step, ...]:
        """Most severe first."""
        return self._ordered

    @cached_property
    def _ordered(self) -> tuple[Step, ...]:
        # Worked out once per ladder, not once per unit of a 20,000-unit worklist.
        return tuple(sorted(self.intervals, key=lambda s: self.intervals[s], reverse=True))


DEFAULT_LADDER = Ladder()


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


@dataclass(frozen=True)
class UnitDebt:
    """What the ladder needs to know of one unit."""
    unit_id: int
    oldest_due: date | None               # due date of the oldest unpaid bill; None if nothing owed
    arrears: int                          # cents
    last_action: dict[Step, date]         # last date each step was taken
    last_delivered_demand: date | None    # last demand with proof of delivery
    pauses: tuple[PauseReason, ...] = ()


@dataclass(frozen=True)
class WorkItem:
    unit_id: int
    due_steps: tuple[Step, ...]           # most severe first
    expires: date | None                  # when the oldest debt would expire
    limitation_warning: bool
    expired: bool                         # already past the limitation date: legal advice needed
    paused_by: tuple[PauseReason, ...]
    arrears: int
    months_overdue: int


def months_between(a: date, b: date) -> int:
    """Whole months from a to b (0 if b is before a)."""
    if b <= a:
        return 0
    months = (b.year - a.year) * 12 + b.month - a.month
    return months - 1 if b.day < a.day else months


def expiry(oldest_due: date, last_delivered_demand: date | None, ladder: Ladder = DEFAULT_LADDER) -> date:
    """The limitation period runs from the due date, restarted by each delivered demand."""
    start = max(oldest_due, last_delivered_demand) if last_delivered_demand else oldest_due
    return add_years(start, ladder.limitation_years)


def work_item(debt: UnitDebt, today: date, ladder: Ladder = DEFAULT_LADDER) -> WorkItem | None:
    """What is due for this unit today, or None when it owes nothing."""
    # A bill is overdue from the day after it falls due (the same rule as the aging buckets).
    if debt.oldest_due is None or debt.arrears <= 0 or debt.oldest_due >= today:
        return None
    age = months_between(debt.oldest_due, today)
    expires = expiry(debt.oldest_due, debt.last_delivered_demand, ladder)
    warning = expires - today <= ladder.warn_before
    due: list[Step] = []
    if not debt.pauses:
        for step in ladder.ordered():
            interval = ladder.intervals[step]
            if age < interval and step != Step.NOTICE:
                continue
            last = debt.last_action.get(step)
            if last is None or add_months(last, interval) <= today:
                due.append(step)
    if not due and not warning:
        return None
    return WorkItem(debt.unit_id, tuple(due), expires, warning, expires < today, tuple(debt.pauses),
                    debt.arrears, age)


def worklist(debts: list[UnitDebt], today: date, ladder: Ladder = DEFAULT_LADDER) -> list[WorkItem]:
    """Limitation warnings first (soonest expiry first), then the most severe step, then the
    largest debt. Paused units stay on the list only for a limitation warning: the pause stops
    the reminders, never the legal clock."""
    items = [w for w in (work_item(d, today, ladder) for d in debts) if w is not None]
    severity = {s: i for i, s in enumerate(ladder.ordered())}

    def key(w: WorkItem):
        top = severity[w.due_steps[0]] if w.due_steps else len(severity)
        return (0 if w.limitation_warning else 1, w.expires if w.limitation_warning else date.max, top, -w.arrears)

    return sorted(items, key=key)


def assign_collector(project: str, building: str, collectors: list[str]) -> str | None:
    """Each building has one collector, the same every day (stable across processes)."""
    import zlib

    if not collectors:
        return None
    ordered = sorted(collectors)
    return ordered[zlib.crc32(f"{project}/{building}".encode()) % len(ordered)]
