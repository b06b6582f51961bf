"""The dunning ladder and the limitation clock.

Each step recurs at its own interval once a unit's oldest debt is at least that old: a notice
every month, a phone call every two months, a door visit every quarter, a lawyer's letter every
half year, a lawsuit every year. Debts expire three years after they fall due (Civil Code
art. 188) unless a demand with proof of delivery restarts the clock (art. 195).

The stop rules (`stop_rules`) pause the reminders, never the clock: an open dispute with us about
that unit's service or fees (a complaint of a DISPUTE_CATEGORIES category not yet closed), an open
move-in defect of that unit, or an approved payment plan being kept (core/collections/plans.py: no
instalment missed beyond its grace days). Any other open
complaint of the unit (a neighbour's noise, a community event) is shown beside it as history."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from enum import Enum
from typing import Iterable

from core.collections import plans
from core.collections.ledger import is_overdue
from core.complaints.model import Category, Stage


class Step(str, Enum):
    NOTICE = "notice"
    PHONE = "phone"
    VISIT = "visit"
    LAWYER = "lawyer"
    LAWSUIT = "lawsuit"


class PauseReason(str, Enum):
    PAYMENT_PLAN = "payment_plan"        # a plan agreed and being kept
    DISPUTE = "dispute"                  # an open complaint about the unit's service or its fees
    OPEN_DEFECT = "open_defect"          # a move-in defect of the unit not yet put right


# What the fee pays for (the service and its upkeep: repairs, cleaning, greening, security) and the
# fees themselves. While one of these is open the owner is in a dispute with us about this money,
# and a reminder would answer it with a demand. A neighbour, a community event, an emergency or
# "other" is not a dispute with us: those stay on the list, shown as history.
DISPUTE_CATEGORIES = frozenset({Category.SERVICE, Category.FEES, Category.REPAIRS, Category.CLEANING,
                                Category.GREENING, Category.SECURITY})
OPEN_DEFECT_STATUS = "open"


def is_open_complaint(stage: str) -> bool:
    return stage != Stage.CLOSED.value


def is_dispute(category: str) -> bool:
    """A complaint of this category, while open, pauses the reminders of its unit."""
    return category in {c.value for c in DISPUTE_CATEGORIES}


def plan_kept(starts: date, ends: date, today: date) -> bool:
    """A plan without instalments (entered before they existed) pauses from its first day to its last."""
    return starts <= today <= ends


def _plan_pauses(plan, today: date) -> bool:
    if isinstance(plan, plans.Plan):
        return plans.pauses(plan, today)
    return plan_kept(*plan, today)


@dataclass(frozen=True)
class UnitMatters:
    """What is going on at a unit besides its debt: the inputs of the stop rules."""
    complaints: tuple[tuple[str, str, str], ...] = ()   # (number, category, stage)
    defect_statuses: tuple[str, ...] = ()
    plans: tuple = ()     # core.collections.plans.Plan, or (starts, ends) of a plan without instalments


@dataclass(frozen=True)
class Stops:
    pauses: tuple[PauseReason, ...]       # the rules that pause the unit, in PauseReason order
    history: tuple[str, ...]              # numbers of its other open complaints (no pause)


def stop_rules(m: UnitMatters, today: date) -> Stops:
    """Which rules pause this unit's reminders today, and its open complaints that do not."""
    open_ = sorted((n, c) for n, c, stage in m.complaints if is_open_complaint(stage))
    hits = {PauseReason.PAYMENT_PLAN: any(_plan_pauses(p, today) for p in m.plans),
            PauseReason.DISPUTE: any(is_dispute(c) for _, c in open_),
            PauseReason.OPEN_DEFECT: OPEN_DEFECT_STATUS in m.defect_statuses}
    return Stops(tuple(r for r in PauseReason if hits[r]), tuple(n for n, c in open_ if not is_dispute(c)))


class Outcome(str, Enum):
    DELIVERED = "delivered"      # reached the owner: needs its proof (core/collections/delivery.py)
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
    history: tuple[str, ...] = ()         # other open complaints of the unit: shown, no pause
    plan_last_due: date | None = None     # last instalment of its approved plans (art. 189)
    overdue_periods: int | None = None    # months whose bills are overdue and unpaid


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
    history: tuple[str, ...] = ()


def months_between(a: date, b: date) -> int:
    """Whole months from a to b (0 if b is before a)."""
    if b <= a:
        return 0
    months = (b.year - a.year) * 12 + b.month - a.month
    return months - 1 if b.day < a.day else months


def months_in_arrears(oldest_due: date, today: date, overdue_periods: int | None = None) -> int:
    """The months shown beside money overdue: how many months' bills are overdue and unpaid
    (`overdue_periods`, counted by the store); without that count, every month's due date passed
    since the oldest unpaid bill. Never 0 beside money overdue, unlike the whole months of its age."""
    if not is_overdue(oldest_due, today):
        return 0
    if overdue_periods:
        return overdue_periods
    whole = months_between(oldest_due, today)
    return whole + (add_months(oldest_due, whole) < today)


def expiry(oldest_due: date, last_delivered_demand: date | None, ladder: Ladder = DEFAULT_LADDER,
           plan_last_due: date | None = None) -> date:
    """The limitation period runs from the due date, restarted by each delivered demand (art. 195),
    and for a unit with an approved plan of instalments from the last instalment's due date at the
    earliest (art. 189, core/collections/plans.limitation_start)."""
    start = max(d for d in (oldest_due, last_delivered_demand, plan_last_due) if d is not None)
    return add_years(start, ladder.limitation_years)


def work_item(debt: UnitDebt, today: date, ladder: Ladder = DEFAULT_LADDER) -> WorkItem | None:
    """What is due for this unit today, or None when it owes nothing."""
    if debt.oldest_due is None or debt.arrears <= 0 or not is_overdue(debt.oldest_due, today):
        return None
    age = months_between(debt.oldest_due, today)
    expires = expiry(debt.oldest_due, debt.last_delivered_demand, ladder, debt.plan_last_due)
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
                    debt.arrears, months_in_arrears(debt.oldest_due, today, debt.overdue_periods), tuple(debt.history))


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


def held_back(debts: Iterable[UnitDebt], today: date, ladder: Ladder = DEFAULT_LADDER) -> list[WorkItem]:
    """The paused units the worklist leaves out, each with the steps its pause holds back and the
    rules that pause it (a paused unit with a limitation warning is on the worklist itself)."""
    out = []
    for d in debts:
        if not d.pauses:
            continue
        would = work_item(replace(d, pauses=()), today, ladder)
        if would is not None and not would.limitation_warning:
            out.append(replace(would, paused_by=tuple(d.pauses)))
    return sorted(out, key=lambda w: (w.paused_by, -w.arrears))


def assign_collector(project: str, building: str, collectors: list[str]) -> str | None:
    """Each building has one collector, the same every day (stable across processes)."""
    import zlib

    if not collectors:
        return None
    ordered = sorted(collectors)
    return ordered[zlib.crc32(f"{project}/{building}".encode()) % len(ordered)]
