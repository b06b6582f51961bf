"""The collection figures and their definitions, stated once. Each function takes plain sums
(the store aggregates them in SQL) so the definitions are tested here on hand-made numbers."""
from __future__ import annotations

from dataclasses import dataclass

# Shown next to each figure in the UI (catalogue keys hold the wording).
DEFINITIONS = {
    "current_rate": "rate.def.current",
    "recovery_rate": "rate.def.recovery",
    "prepayment": "rate.def.prepayment",
}
COMPANY_TARGET = 0.95


@dataclass(frozen=True)
class PeriodSums:
    billed: int                    # 本期应收: bills of the period
    collected_current: int         # of which paid so far (本期实收)
    arrears_at_start: int          # 期初欠费: bills of earlier periods unpaid when the period began
    arrears_recovered: int         # of which paid during the period (清欠)


def current_rate(s: PeriodSums) -> float | None:
    """本期收缴率 = money received against this period's bills / this period's bills."""
    return None if s.billed == 0 else s.collected_current / s.billed


def recovery_rate(s: PeriodSums) -> float | None:
    """清欠率 = earlier arrears paid during the period / arrears outstanding when it began."""
    return None if s.arrears_at_start == 0 else s.arrears_recovered / s.arrears_at_start


AGING_BUCKETS = [(0, 30, "0-30"), (31, 90, "31-90"), (91, 180, "91-180"), (181, 365, "181-365"),
                 (366, 730, "1-2y"), (731, 10**6, "2y+")]


def aging_bucket(days_overdue: int) -> str:
    for lo, hi, name in AGING_BUCKETS:
        if lo <= days_overdue <= hi:
            return name
    return AGING_BUCKETS[0][2]
