"""Bills, payments and their allocation to the oldest open bills; credit (a prepayment or an
overpayment) settling the oldest open bill as soon as a bill exists; the same-day void."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DUE_DAY = 15   # a month's bills fall due on the 15th of that month


@dataclass(frozen=True)
class OpenBill:
    bill_id: int
    period: str        # 'YYYY-MM'
    due: date
    outstanding: int   # cents still owed


@dataclass(frozen=True)
class Allocation:
    bill_id: int
    cents: int


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def due_date(period: str) -> date:
    """When the bills of a month ('YYYY-MM') fall due: imports, the demo and the bench all bill so."""
    year, month = map(int, period.split("-"))
    return date(year, month, DUE_DAY)


def period_bounds(first: str, last: str) -> tuple[date, date]:
    """The first day of month `first` and the last day of month `last`."""
    y, m = map(int, first.split("-"))
    start = date(y, m, 1)
    y, m = map(int, last.split("-"))
    return start, date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def overdue_before(today: date) -> date:
    """Bills due before this day are overdue today; the rest of what is open is current (not yet
    due). The one cut the SQL builders (`Bill.due < overdue_before(today)`) and `split_owed` share."""
    return today


def is_overdue(due: date, today: date) -> bool:
    """Overdue from the day after it falls due: the ladder, the aging buckets, the worklist, a
    unit's ledger and home all count so."""
    return due < overdue_before(today)


@dataclass(frozen=True)
class Owed:
    """What is owed, in two labelled parts that are never added up behind the user's back."""
    overdue: int       # past its due date: what the ladder chases
    current: int       # billed, not yet due

    @property
    def total(self) -> int:
        return self.overdue + self.current


def split_owed(open_bills, today: date) -> Owed:
    """(due date, cents still owed) of open bills, split into overdue and current as of today."""
    overdue = current = 0
    for due, cents in open_bills:
        if cents <= 0:
            continue
        if is_overdue(due, today):
            overdue += int(cents)
        else:
            current += int(cents)
    return Owed(overdue, current)


def allocate(amount: int, open_bills: list[OpenBill]) -> tuple[list[Allocation], int]:
    """Pay the oldest bill first (by due date, then period, then id); what is left is a prepayment."""
    if amount <= 0:
        raise ValueError("payment must be positive")
    left = amount
    out: list[Allocation] = []
    for bill in sorted(open_bills, key=lambda b: (b.due, b.period, b.bill_id)):
        if left == 0:
            break
        take = min(left, bill.outstanding)
        if take > 0:
            out.append(Allocation(bill.bill_id, take))
            left -= take
    return out, left


@dataclass(frozen=True)
class Credit:
    payment_id: int
    paid_on: date
    cents: int         # of the payment, not yet set against any bill


@dataclass(frozen=True)
class Settlement:
    payment_id: int
    bill_id: int
    cents: int
    paid_on: date      # the day the allocation counts as paid (credit_settles_on)


def month_start(period: str) -> date:
    year, month = map(int, period.split("-"))
    return date(year, month, 1)


def credit_settles_on(paid_on: date, period: str) -> date:
    """Credit counts as paid on the later of the day the money came in and the first day of the
    bill's month. Money held before the month began was there when it began: the current-period
    rate counts it as paid by the end of that month, as it would if the bill had existed. Money
    that came in after the month (a bill entered late) is paid on its own day: arrears recovered."""
    return max(paid_on, month_start(period))


def settle_credit(credits: list[Credit], open_bills: list[OpenBill]) -> list[Settlement]:
    """The oldest credit (by the day it came in, then payment id) pays the oldest open bill first
    (allocate's order), until one or the other runs out."""
    bills = sorted((b for b in open_bills if b.outstanding > 0), key=lambda b: (b.due, b.period, b.bill_id))
    owed = {b.bill_id: b.outstanding for b in bills}
    out: list[Settlement] = []
    for credit in sorted((c for c in credits if c.cents > 0), key=lambda c: (c.paid_on, c.payment_id)):
        left = credit.cents
        for bill in bills:
            take = min(left, owed[bill.bill_id])
            if take > 0:
                out.append(Settlement(credit.payment_id, bill.bill_id, take,
                                      credit_settles_on(credit.paid_on, bill.period)))
                owed[bill.bill_id] -= take
                left -= take
            if left == 0:
                break
    return out
