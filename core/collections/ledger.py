"""Bills, payments and their allocation to the oldest open bills."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
