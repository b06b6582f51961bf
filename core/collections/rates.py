"""The collection figures and their definitions, stated once. Each function takes plain sums
(the store aggregates them in SQL) so the definitions are tested here on hand-made numbers; the
store's aging query is built from AGING_BUCKETS (aging_cutoffs), and a property test on both
databases pins the SQL to these functions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

COMPANY_TARGET = 0.95


# What a waiver means to the rates (shown under them, "rate.def.waived"): an approved waiver comes
# off what was billed (billed = amount - waived), so it is neither collected nor owed, and the
# arrears at the start are net of it. A waiver asked for and not yet approved, or refused, has not
# touched the bill (waived_cents) and changes no figure.
WAIVED_CAPTION = "rate.def.waived"


@dataclass(frozen=True)
class PeriodSums:
    billed: int                    # 本期应收: bills of the period, net of approved waivers
    collected_current: int         # of which paid so far (本期实收)
    arrears_at_start: int          # 期初欠费: bills of earlier periods unpaid when the period began
    arrears_recovered: int         # of which paid during the period (清欠)


def current_rate(s: PeriodSums) -> float | None:
    """本期收缴率 = money received against this period's bills / this period's bills."""
    return None if s.billed == 0 else s.collected_current / s.billed


def recovery_rate(s: PeriodSums) -> float | None:
    """清欠率 = earlier arrears paid during the period / arrears outstanding when it began."""
    return None if s.arrears_at_start == 0 else s.arrears_recovered / s.arrears_at_start


# (fewest days overdue, most days overdue, name), contiguous and in ascending order.
AGING_BUCKETS = [(0, 30, "0-30"), (31, 90, "31-90"), (91, 180, "91-180"), (181, 365, "181-365"),
                 (366, 730, "1-2y"), (731, 10**6, "2y+")]
BUCKET_NAMES = tuple(name for _, _, name in AGING_BUCKETS)


def days_overdue(due: date, today: date) -> int:
    return (today - due).days


def aging_bucket(days_overdue: int) -> str:
    for lo, hi, name in AGING_BUCKETS:
        if lo <= days_overdue <= hi:
            return name
    return AGING_BUCKETS[0][2]


def aging_cutoffs(today: date) -> tuple[list[tuple[date, str]], str]:
    """The buckets as due dates, for a query: a bill due on or after the first cut-off it reaches
    is in that bucket; one due before them all is in the last bucket (returned apart)."""
    return ([(today - timedelta(days=hi), name) for _, hi, name in AGING_BUCKETS[:-1]], AGING_BUCKETS[-1][2])
