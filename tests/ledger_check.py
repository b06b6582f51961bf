"""The ledger months the database's triggers keep, against the same sums worked out here in Python
from every bill and allocation: any difference is a month the collections trend would get wrong."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from db.collection_models import Allocation, Bill, LedgerMonth


def ledger_month_drift(engine) -> dict[tuple[int, str], tuple[tuple[int, int], tuple[int, int]]]:
    """{(project, month): (kept, recomputed)} for each month where the two differ (empty: none)."""
    expected: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    with engine.connect() as conn:
        for project, period, amount, waived in conn.execute(
                select(Bill.project_id, Bill.period, Bill.amount_cents, Bill.waived_cents)):
            expected[(project, period)][0] += amount - waived
        for project, period, paid_on, cents in conn.execute(
                select(Allocation.project_id, Allocation.bill_period, Allocation.paid_on, Allocation.cents)):
            if f"{paid_on:%Y-%m}" <= period:
                expected[(project, period)][1] += cents
        kept = {(p, m): (b, c) for p, m, b, c in conn.execute(
            select(LedgerMonth.project_id, LedgerMonth.period, LedgerMonth.billed_cents, LedgerMonth.collected_cents))}
    out = {}
    for key in set(kept) | set(expected):
        k, e = kept.get(key, (0, 0)), tuple(expected.get(key, (0, 0)))
        if k != e:
            out[key] = (k, e)
    return out
