"""Fee collection core, on hand-computed numbers: money in integer cents, oldest-first allocation,
the two collection rates, aging buckets, the dunning ladder with its limitation clock and stop rules,
and the validation of what the front desk records (payments, dunning actions, payment files)."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.collections.dunning import (DISPUTE_CATEGORIES, Outcome, PauseReason, Step, UnitDebt, UnitMatters,
                                      add_months, add_years, assign_collector, expiry, held_back, is_dispute,
                                      stop_rules, work_item, worklist)
from core.complaints.model import Category, Stage
from core.collections.entries import (PaymentEntry, check_waiver, validate_action, validate_bill_rows,
                                      validate_payment, validate_payment_rows, validate_plan, validate_waiver)
from core.collections.ledger import OpenBill, allocate, due_date, is_overdue, period_bounds, period_of
from core.collections.money import MAX_CENTS, parse_yuan, property_fee_cents, yuan
from core.collections.rates import (AGING_BUCKETS, PeriodSums, aging_bucket, aging_cutoffs, current_rate,
                                    days_overdue, recovery_rate)
from core.errors import ValidationError, ValidationErrors
from core.i18n import translate

ROOT = Path(__file__).resolve().parents[2]


def refused(fn, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    return info.value


def is_int(value) -> bool:
    return type(value) is int


# ------------------------------------------------------------------ money

@pytest.mark.parametrize("text, cents", [
    ("1234.5", 123450),
    ("1,234.50", 123450),
    ("１２３４.５０", 123450),          # full-width digits from a Chinese input method
    ("１，２３４．５", 123450),          # full-width comma and point as well
    ("¥12", 1200),
    ("￥12.3", 1230),                  # full-width yuan sign
    ("12元", 1200),
    ("  0.01 ", 1),
    ("10000000", MAX_CENTS),           # ten million yuan: the largest amount we take
])
def test_parse_yuan_reads_amounts_as_people_type_them(text, cents):
    got = parse_yuan(text)
    assert got == cents and is_int(got)


@pytest.mark.parametrize("text, key", [
    ("-12", "err.money_format"),
    ("-0.01", "err.money_format"),
    ("0", "err.money_positive"),
    ("0.00", "err.money_positive"),
    ("", "err.required"),
    (None, "err.required"),
    ("abc", "err.money_format"),
    ("12块5", "err.money_format"),
    ("12.345", "err.money_format"),     # a third decimal is a typo, never rounded away
    ("12.", "err.money_format"),
    ("NaN", "err.money_format"),
    ("nan", "err.money_format"),
    ("inf", "err.money_format"),
    ("Infinity", "err.money_format"),
    ("1e5", "err.money_format"),
    ("10000000.01", "err.money_too_big"),
    ("99999999999999999999", "err.money_too_big"),
])
def test_parse_yuan_refuses_what_is_not_a_plain_positive_amount(text, key):
    assert refused(parse_yuan, text).key == key


def test_parse_yuan_zero_only_when_allowed_and_names_its_field():
    assert parse_yuan("0", allow_zero=True) == 0
    assert parse_yuan("0.00", allow_zero=True) == 0
    e = refused(parse_yuan, "12.345", field="waiver")
    assert e.field == "waiver"


@pytest.mark.parametrize("cents, text", [
    (123450, "1,234.50"), (-123450, "-1,234.50"), (5, "0.05"), (-5, "-0.05"), (0, "0.00"),
    (100, "1.00"), (123456789, "1,234,567.89"), (MAX_CENTS, "10,000,000.00"),
])
def test_yuan_formats_cents_with_two_decimals_and_the_sign(cents, text):
    assert yuan(cents) == text


def test_yuan_of_nothing_is_blank_and_text_round_trips():
    assert yuan(None) == ""
    for cents in (1, 99, 100, 23270, 123450, 987654321):
        assert parse_yuan(yuan(cents)) == cents


@pytest.mark.parametrize("area, rate, cents", [
    ("89.50", 260, 23270),    # 89.50 m² x 2.60 ¥/m² = 232.70 ¥ exactly
    ("68.13", 250, 17033),    # 68.13 x 2.50 = 170.325 ¥ = 17032.5 分 -> half up 17033 (banker's would give 17032)
    ("143.07", 150, 21461),   # 143.07 x 1.50 = 214.605 ¥ = 21460.5 分 -> 21461 (banker's 21460)
    ("98.01", 185, 18132),    # 98.01 x 1.85 = 181.3185 ¥ = 18131.85 分 -> 18132
    ("89.51", 220, 19692),    # 89.51 x 2.20 = 196.922 ¥ = 19692.2 分 -> 19692
    ("118.33", 320, 37866),   # 118.33 x 3.20 = 378.656 ¥ = 37865.6 分 -> 37866
])
def test_property_fee_is_area_times_rate_rounded_half_up_to_the_cent(area, rate, cents):
    got = property_fee_cents(Decimal(area), rate)
    assert got == cents and is_int(got)


# ------------------------------------------------------------------ allocation

JAN = OpenBill(1, "2025-01", date(2025, 1, 15), 10000)
FEB = OpenBill(2, "2025-02", date(2025, 2, 15), 10000)
MAR = OpenBill(3, "2025-03", date(2025, 3, 15), 10000)
SHUFFLED = [MAR, JAN, FEB]


def pairs(allocations) -> list[tuple[int, int]]:
    return [(a.bill_id, a.cents) for a in allocations]


def test_payment_goes_to_the_oldest_bill_first_partially():
    allocations, credit = allocate(15000, SHUFFLED)
    assert pairs(allocations) == [(1, 10000), (2, 5000)]
    assert credit == 0


def test_a_small_payment_pays_part_of_the_oldest_bill_only():
    allocations, credit = allocate(2500, SHUFFLED)
    assert pairs(allocations) == [(1, 2500)] and credit == 0


def test_an_exact_payment_clears_every_bill_and_leaves_no_credit():
    allocations, credit = allocate(30000, SHUFFLED)
    assert pairs(allocations) == [(1, 10000), (2, 10000), (3, 10000)] and credit == 0


def test_an_overpayment_leaves_the_rest_as_prepayment():
    allocations, credit = allocate(35001, SHUFFLED)
    assert pairs(allocations) == [(1, 10000), (2, 10000), (3, 10000)]
    assert credit == 5001 and is_int(credit)
    assert allocate(5000, []) == ([], 5000)  # nothing owed: all of it is a prepayment


def test_partly_paid_and_settled_bills_take_only_what_they_still_owe():
    half = OpenBill(1, "2025-01", date(2025, 1, 15), 4000)
    settled = OpenBill(2, "2025-02", date(2025, 2, 15), 0)
    allocations, credit = allocate(9000, [MAR, settled, half])
    assert pairs(allocations) == [(1, 4000), (3, 5000)] and credit == 0


def test_ties_on_the_due_date_go_by_period_then_bill_id():
    due = date(2025, 3, 15)
    catch_up = OpenBill(9, "2025-02", due, 1000)     # an older period billed late, same due date
    parking = OpenBill(7, "2025-03", due, 1000)
    property_ = OpenBill(4, "2025-03", due, 1000)
    allocations, _ = allocate(2500, [parking, property_, catch_up])
    assert pairs(allocations) == [(9, 1000), (4, 1000), (7, 500)]


@pytest.mark.parametrize("amount", [0, -1, -10000])
def test_a_payment_must_be_positive(amount):
    with pytest.raises(ValueError):
        allocate(amount, SHUFFLED)


def test_period_of_a_day():
    assert period_of(date(2025, 3, 9)) == "2025-03"
    assert period_of(date(2024, 12, 31)) == "2024-12"


def test_a_months_bills_fall_due_on_the_15th_and_are_overdue_from_the_16th():
    assert due_date("2025-03") == date(2025, 3, 15) and due_date("2024-12") == date(2024, 12, 15)
    assert not is_overdue(due_date("2025-03"), date(2025, 3, 15))
    assert is_overdue(due_date("2025-03"), date(2025, 3, 16))


def test_period_bounds_span_whole_months():
    assert period_bounds("2025-03", "2025-03") == (date(2025, 3, 1), date(2025, 3, 31))
    assert period_bounds("2024-11", "2025-02") == (date(2024, 11, 1), date(2025, 2, 28))
    assert period_bounds("2024-12", "2024-12") == (date(2024, 12, 1), date(2024, 12, 31))


# ------------------------------------------------------------------ rates

def test_current_and_recovery_rates_are_different_numbers():
    # 本期: 10,000.00 ¥ billed, 9,530.00 ¥ of it paid -> 95.3 %.
    # 清欠: 2,000.00 ¥ owed from earlier periods when the month began, 500.00 ¥ of it paid -> 25 %.
    sums = PeriodSums(billed=1_000_000, collected_current=953_000, arrears_at_start=200_000,
                      arrears_recovered=50_000)
    assert current_rate(sums) == pytest.approx(0.953)
    assert recovery_rate(sums) == pytest.approx(0.25)


def test_rates_on_uneven_sums():
    # 23,270 + 17,033 + 21,461 = 61,764 分 billed; 23,270 + 17,033 = 40,303 paid -> 40303/61764 = 65.25 %
    # 61,764 分 old arrears, 21,461 recovered -> 34.75 %
    sums = PeriodSums(61_764, 40_303, 61_764, 21_461)
    assert current_rate(sums) == pytest.approx(0.652532, abs=1e-6)
    assert recovery_rate(sums) == pytest.approx(0.347468, abs=1e-6)


def test_rates_are_none_when_there_is_nothing_to_divide_by():
    assert current_rate(PeriodSums(0, 0, 100, 50)) is None
    assert recovery_rate(PeriodSums(100, 50, 0, 0)) is None
    # nothing paid is 0 %, not "no figure"
    assert current_rate(PeriodSums(100, 0, 0, 0)) == 0
    assert recovery_rate(PeriodSums(0, 0, 100, 0)) == 0


@pytest.mark.parametrize("days, bucket", [
    (0, "0-30"), (30, "0-30"), (31, "31-90"), (90, "31-90"), (91, "91-180"), (180, "91-180"),
    (181, "181-365"), (365, "181-365"), (366, "1-2y"), (730, "1-2y"), (731, "2y+"), (5000, "2y+"),
])
def test_aging_bucket_boundaries(days, bucket):
    assert aging_bucket(days) == bucket


def test_the_buckets_as_due_date_cut_offs_give_the_same_bucket_as_the_days():
    """What the store's CASE is built from (db/collection_queries.aging) against aging_bucket."""
    today = date(2025, 6, 20)
    cutoffs, oldest = aging_cutoffs(today)
    assert [name for _, name in cutoffs] + [oldest] == [name for _, _, name in AGING_BUCKETS]
    for days in range(1, 2000):
        due = today - timedelta(days=days)
        by_cutoff = next((name for cutoff, name in cutoffs if due >= cutoff), oldest)
        assert by_cutoff == aging_bucket(days_overdue(due, today)), days


# ------------------------------------------------------------------ dunning ladder

ALL_STEPS = (Step.LAWSUIT, Step.LAWYER, Step.VISIT, Step.PHONE, Step.NOTICE)


def debt(oldest_due, arrears=50_000, last=None, delivered=None, pauses=(), unit_id=1) -> UnitDebt:
    return UnitDebt(unit_id, oldest_due, arrears, dict(last or {}), delivered, tuple(pauses))


def steps(d: UnitDebt, today: date) -> tuple[Step, ...]:
    item = work_item(d, today)
    return () if item is None else item.due_steps


@pytest.mark.parametrize("start, months, result", [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),   # leap year
    (date(2025, 3, 31), 1, date(2025, 4, 30)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
])
def test_add_months_stays_inside_short_months(start, months, result):
    assert add_months(start, months) == result


def test_add_years_from_a_leap_day():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2023, 3, 15), 3) == date(2026, 3, 15)


def test_nothing_owed_nothing_due():
    today = date(2025, 6, 20)
    assert work_item(debt(None, arrears=0), today) is None
    assert work_item(debt(date(2025, 1, 15), arrears=0), today) is None
    assert work_item(debt(date(2025, 7, 15)), today) is None  # not yet due


def test_notice_is_due_as_soon_as_anything_is_overdue_then_monthly():
    oldest = date(2025, 6, 15)
    item = work_item(debt(oldest), date(2025, 6, 20))
    # five days overdue is one month in arrears: never 0 beside money overdue
    assert item.due_steps == (Step.NOTICE,) and item.months_overdue == 1 and not item.limitation_warning
    # a notice sent 2025-05-21 is less than a month old on 06-20: nothing to do
    assert work_item(debt(oldest, last={Step.NOTICE: date(2025, 5, 21)}), date(2025, 6, 20)) is None
    # one sent 2025-05-20 is a month old that day: the next one is due
    assert steps(debt(oldest, last={Step.NOTICE: date(2025, 5, 20)}), date(2025, 6, 20)) == (Step.NOTICE,)


def test_notice_sent_on_a_month_end_recurs_on_the_last_day_of_a_short_month():
    d = debt(date(2025, 1, 15), last={Step.NOTICE: date(2025, 1, 31)})
    assert Step.NOTICE not in steps(d, date(2025, 2, 27))
    assert Step.NOTICE in steps(d, date(2025, 2, 28))


def test_phone_only_once_the_debt_is_two_months_old():
    oldest = date(2025, 5, 15)
    assert steps(debt(oldest), date(2025, 7, 14)) == (Step.NOTICE,)             # 1 month and 29 days
    assert steps(debt(oldest), date(2025, 7, 15)) == (Step.PHONE, Step.NOTICE)  # 2 months


def test_visit_at_three_months_lawyer_at_six_lawsuit_at_twelve():
    oldest = date(2025, 1, 15)
    assert steps(debt(oldest), date(2025, 4, 14)) == (Step.PHONE, Step.NOTICE)
    assert steps(debt(oldest), date(2025, 4, 15)) == (Step.VISIT, Step.PHONE, Step.NOTICE)
    assert steps(debt(oldest), date(2025, 7, 14)) == (Step.VISIT, Step.PHONE, Step.NOTICE)
    assert steps(debt(oldest), date(2025, 7, 15)) == (Step.LAWYER, Step.VISIT, Step.PHONE, Step.NOTICE)
    assert steps(debt(oldest), date(2026, 1, 14)) == (Step.LAWYER, Step.VISIT, Step.PHONE, Step.NOTICE)
    item = work_item(debt(oldest), date(2026, 1, 15))
    assert item.due_steps == ALL_STEPS and item.months_overdue == 12


def test_a_step_taken_recently_is_not_due_again_until_its_interval_passes():
    oldest = date(2025, 1, 15)   # 6 months overdue on both days below
    last = {Step.NOTICE: date(2025, 7, 1),    # + 1 month  = 08-01
            Step.PHONE: date(2025, 6, 1),     # + 2 months = 08-01
            Step.VISIT: date(2025, 5, 1),     # + 3 months = 08-01
            Step.LAWYER: date(2025, 2, 1)}    # + 6 months = 08-01
    assert work_item(debt(oldest, last=last), date(2025, 7, 31)) is None
    assert steps(debt(oldest, last=last), date(2025, 8, 1)) == (Step.LAWYER, Step.VISIT, Step.PHONE, Step.NOTICE)
    # one step at a time: only the one whose interval has passed comes back
    fresh = {**last, Step.NOTICE: date(2025, 7, 20), Step.PHONE: date(2025, 7, 20), Step.VISIT: date(2025, 7, 20)}
    assert steps(debt(oldest, last=fresh), date(2025, 8, 1)) == (Step.LAWYER,)
    # a lawsuit filed 2026-01-20 is not due again before 2027-01-20
    yearly = {s: date(2026, 1, 20) for s in ALL_STEPS}
    assert Step.LAWSUIT not in steps(debt(oldest, last=yearly), date(2027, 1, 19))
    assert Step.LAWSUIT in steps(debt(oldest, last=yearly), date(2027, 1, 20))


def test_expiry_is_three_years_after_the_oldest_due_or_the_last_delivered_demand():
    assert expiry(date(2023, 3, 15), None) == date(2026, 3, 15)
    assert expiry(date(2023, 3, 15), date(2024, 5, 10)) == date(2027, 5, 10)
    # a demand delivered before this debt fell due does not restart this debt's clock
    assert expiry(date(2023, 3, 15), date(2022, 12, 1)) == date(2026, 3, 15)


def recent(today: date) -> dict:
    """Every step taken the day before: only the limitation clock can put the unit on the list."""
    return {s: today - timedelta(days=1) for s in ALL_STEPS}


def test_limitation_warning_from_183_days_before_expiry():
    oldest = date(2023, 3, 15)                     # expires 2026-03-15
    warn_from = date(2025, 9, 13)                  # 2026-03-15 minus 183 days
    assert (date(2026, 3, 15) - warn_from).days == 183
    day_before = warn_from - timedelta(days=1)
    assert work_item(debt(oldest, last=recent(day_before)), day_before) is None
    assert not work_item(debt(oldest), day_before).limitation_warning
    item = work_item(debt(oldest, last=recent(warn_from)), warn_from)
    assert item.limitation_warning and not item.expired
    assert item.due_steps == () and item.expires == date(2026, 3, 15)


def test_expired_flag_only_after_the_expiry_day():
    oldest = date(2023, 3, 15)
    on_the_day = work_item(debt(oldest), date(2026, 3, 15))
    assert on_the_day.limitation_warning and not on_the_day.expired
    after = work_item(debt(oldest), date(2026, 3, 16))
    assert after.limitation_warning and after.expired


def test_a_delivered_demand_restarts_the_clock_and_the_warning_disappears():
    oldest, today = date(2023, 3, 15), date(2025, 12, 1)
    assert work_item(debt(oldest, last=recent(today)), today).limitation_warning
    restarted = debt(oldest, last=recent(today), delivered=date(2025, 11, 30))
    assert work_item(restarted, today) is None
    item = work_item(debt(oldest, delivered=date(2025, 11, 30)), today)
    assert item.expires == date(2028, 11, 30) and not item.limitation_warning


@pytest.mark.parametrize("reason", list(PauseReason))
def test_each_pause_stops_every_step(reason):
    overdue_a_year = debt(date(2024, 1, 15), pauses=(reason,))
    assert work_item(overdue_a_year, date(2025, 3, 1)) is None
    assert steps(debt(date(2024, 1, 15)), date(2025, 3, 1)) == ALL_STEPS


def test_a_paused_unit_near_limitation_stays_on_the_list_with_its_reasons():
    reasons = (PauseReason.DISPUTE, PauseReason.OPEN_DEFECT)
    item = work_item(debt(date(2023, 3, 15), pauses=reasons), date(2025, 12, 1))
    assert item is not None
    assert item.due_steps == ()
    assert item.limitation_warning and item.paused_by == reasons
    assert item.expires == date(2026, 3, 15)


# ------------------------------------------------------------------ the stop rules

def test_a_dispute_is_a_complaint_about_the_service_or_the_fees_not_a_neighbour():
    assert {c for c in Category if is_dispute(c.value)} == DISPUTE_CATEGORIES
    for category in (Category.SERVICE, Category.FEES, Category.REPAIRS, Category.CLEANING):
        assert is_dispute(category.value), category
    for category in (Category.NEIGHBOURS, Category.COMMUNITY, Category.EMERGENCY, Category.OTHER):
        assert not is_dispute(category.value), category


TODAY_STOPS = date(2025, 6, 20)


def test_an_open_dispute_pauses_and_a_neighbour_noise_complaint_is_history_only():
    stops = stop_rules(UnitMatters(complaints=(("TS2", "neighbours", "investigate"), ("TS1", "fees", "received"))),
                       TODAY_STOPS)
    assert stops.pauses == (PauseReason.DISPUTE,) and stops.history == ("TS2",)
    noise = stop_rules(UnitMatters(complaints=(("TS3", "neighbours", "judge"),)), TODAY_STOPS)
    assert noise.pauses == () and noise.history == ("TS3",)


def test_a_closed_complaint_a_fixed_defect_and_a_plan_outside_its_dates_pause_nothing():
    m = UnitMatters(complaints=(("TS1", "repairs", Stage.CLOSED.value), ("TS2", "neighbours", "closed")),
                    defect_statuses=("fixed",),
                    plans=((date(2025, 1, 1), date(2025, 6, 19)), (date(2025, 6, 21), date(2025, 12, 31))))
    assert stop_rules(m, TODAY_STOPS).pauses == () and stop_rules(m, TODAY_STOPS).history == ()


def test_every_rule_that_holds_is_named_in_one_order():
    m = UnitMatters(complaints=(("TS1", "service", "callback"),), defect_statuses=("fixed", "open"),
                    plans=((date(2025, 6, 20), date(2025, 6, 20)),))    # a plan's first and last day count
    assert stop_rules(m, TODAY_STOPS).pauses == (PauseReason.PAYMENT_PLAN, PauseReason.DISPUTE,
                                                 PauseReason.OPEN_DEFECT)


def test_held_back_lists_the_paused_units_and_what_their_pause_holds_back():
    today = date(2025, 10, 1)
    debts = [debt(date(2025, 6, 15), unit_id=1, pauses=(PauseReason.DISPUTE,)),       # 3 months: visit held
             debt(date(2023, 3, 15), unit_id=2, pauses=(PauseReason.OPEN_DEFECT,)),   # warning: on the worklist
             debt(date(2025, 6, 15), unit_id=3)]                                      # not paused
    held = held_back(debts, today)
    assert [(w.unit_id, w.paused_by) for w in held] == [(1, (PauseReason.DISPUTE,))]
    assert held[0].due_steps == steps(debt(date(2025, 6, 15)), today)
    assert [w.unit_id for w in worklist(debts, today)] == [2, 3]


def test_worklist_order_warnings_then_severity_then_debt():
    today = date(2025, 10, 1)
    debts = [
        debt(date(2023, 3, 15), arrears=1_000, unit_id=1),        # expires 2026-03-15: warning
        debt(date(2023, 2, 20), arrears=500, unit_id=2),          # expires 2026-02-20: warning, sooner
        debt(date(2024, 9, 15), arrears=1_000, unit_id=3),        # 12 months: lawsuit
        debt(date(2025, 6, 15), arrears=900_000, unit_id=4),      # 3 months: visit
        debt(date(2025, 6, 15), arrears=500_000, unit_id=5),      # 3 months: visit, smaller debt
        debt(date(2025, 9, 15), arrears=10_000_000, unit_id=6),   # days: notice only, largest debt
        debt(None, arrears=0, unit_id=7),                         # owes nothing
        debt(date(2024, 9, 15), arrears=99_000, unit_id=8, pauses=(PauseReason.PAYMENT_PLAN,)),
    ]
    items = worklist(debts, today)
    assert [w.unit_id for w in items] == [2, 1, 3, 4, 5, 6]
    assert items[2].due_steps[0] == Step.LAWSUIT and items[3].due_steps[0] == Step.VISIT
    assert [w.limitation_warning for w in items] == [True, True, False, False, False, False]


def test_assign_collector_is_stable_and_ignores_list_order():
    staff = ["chen", "li", "wang"]
    first = assign_collector("P001", "3", staff)
    assert first in staff
    assert assign_collector("P001", "3", staff) == first
    assert assign_collector("P001", "3", list(reversed(staff))) == first
    assert assign_collector("P001", "3", []) is None


def test_assign_collector_spreads_buildings_across_collectors():
    staff = ["chen", "li", "wang"]
    share = Counter(assign_collector(p, str(b), staff) for p in ("P001", "P002") for b in range(1, 16))
    assert set(share) == set(staff)
    assert max(share.values()) < 15  # nobody has half of the 30 buildings


def test_assign_collector_is_the_same_in_another_process():
    """Tomorrow's worklist (another server process, another hash seed) keeps each building's collector."""
    staff = ["chen", "li", "wang", "zhao"]
    here = [assign_collector("P001", str(b), staff) for b in range(1, 13)]
    code = ("from core.collections.dunning import assign_collector as a;"
            f"print(','.join(a('P001', str(b), {staff!r}) for b in range(1, 13)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert out.stdout.strip().split(",") == here


# ------------------------------------------------------------------ entries

TODAY = date(2025, 6, 20)


def test_validate_payment_normalises_what_the_desk_types():
    entry = validate_payment("３-１９０６", " r-2025-0001 ", "1,234.50", date(2025, 6, 1), "wechat", TODAY)
    assert entry == PaymentEntry("3-1906", "R-2025-0001", 123450, date(2025, 6, 1), "wechat")
    assert validate_payment("3-1906", "R0002", "5", TODAY, "cash", TODAY).paid_on == TODAY


@pytest.mark.parametrize("args, key, field", [
    (("3楼1906", "R0001", "100", date(2025, 6, 1), "cash"), "err.room_format", "room_no"),
    (("3-1906", "R1", "100", date(2025, 6, 1), "cash"), "err.receipt_format", "receipt_no"),
    (("3-1906", "收据0001", "100", date(2025, 6, 1), "cash"), "err.receipt_format", "receipt_no"),
    (("3-1906", "R 0001", "100", date(2025, 6, 1), "cash"), "err.receipt_format", "receipt_no"),
    (("3-1906", "", "100", date(2025, 6, 1), "cash"), "err.required", "receipt_no"),
    (("3-1906", "R0001", "100", date(2025, 6, 21), "cash"), "err.date_future", "paid_on"),
    (("3-1906", "R0001", "100", None, "cash"), "err.required", "paid_on"),
    (("3-1906", "R0001", "100", date(1999, 12, 31), "cash"), "err.date_past", "paid_on"),
    (("3-1906", "R0001", "100", date(2025, 6, 1), "bitcoin"), "err.required", "method"),
    (("3-1906", "R0001", "-100", date(2025, 6, 1), "cash"), "err.money_format", "amount"),
])
def test_validate_payment_refuses(args, key, field):
    e = refused(validate_payment, *args, TODAY)
    assert (e.key, e.field) == (key, field)


def test_a_promise_needs_a_date_not_before_the_action():
    e = refused(validate_action, "phone", "promised", date(2025, 6, 10), None, "", TODAY)
    assert (e.key, e.field) == ("err.required", "promised_on")
    e = refused(validate_action, "phone", "promised", date(2025, 6, 10), date(2025, 6, 9), "", TODAY)
    assert (e.key, e.field) == ("err.promise_before_action", "promised_on")
    same_day = validate_action("phone", "promised", date(2025, 6, 10), date(2025, 6, 10), "", TODAY)
    assert same_day.promised_on == date(2025, 6, 10) and same_day.outcome == Outcome.PROMISED
    # a promised date typed on another outcome is not kept
    assert validate_action("visit", "delivered", date(2025, 6, 10), date(2025, 7, 1), "", TODAY).promised_on is None


def test_a_refusal_needs_its_reason():
    for blank in ("", "   "):
        e = refused(validate_action, "visit", "refused", date(2025, 6, 10), None, blank, TODAY)
        assert (e.key, e.field) == ("err.refusal_reason", "note")
    entry = validate_action("visit", "refused", date(2025, 6, 10), None, " 对维修不满意 ", TODAY)
    assert entry.step == Step.VISIT and entry.note == "对维修不满意"


def test_validate_payment_names_every_wrong_field_at_once():
    e = refused(validate_payment, "3-1906", "R#1", "-5", date(2025, 6, 21), "bitcoin", date(2025, 6, 20))
    assert isinstance(e, ValidationErrors)
    assert [(x.key, x.field) for x in e.errors] == [("err.required", "method"), ("err.receipt_format", "receipt_no"),
                                                   ("err.money_format", "amount"), ("err.date_future", "paid_on")]


def test_a_payment_plan_needs_its_dates_in_order_and_a_short_note():
    plan = validate_plan(date(2025, 7, 1), date(2025, 12, 31), " 分六期 ")
    assert (plan.starts, plan.ends, plan.note) == (date(2025, 7, 1), date(2025, 12, 31), "分六期")
    assert validate_plan(date(2025, 7, 1), date(2025, 7, 1), None).note == ""
    assert refused(validate_plan, None, date(2025, 7, 1), "").field == "starts"
    assert refused(validate_plan, date(2025, 7, 2), date(2025, 7, 1), "").key == "err.plan_dates"
    e = refused(validate_plan, date(2025, 7, 2), date(2025, 7, 1), "长" * 301)
    assert [x.key for x in e.errors] == ["err.plan_dates", "err.too_long"]


def test_a_waiver_needs_an_amount_a_reason_and_who_approved_it():
    entry = validate_waiver(13270, " 电梯停运一个月 ", "zhou")
    assert (entry.cents, entry.reason, entry.approved_by) == (13270, "电梯停运一个月", "zhou")
    for cents in (0, -1, True, 1.5, "100", MAX_CENTS + 1):
        assert refused(validate_waiver, cents, "停水", "zhou").key == "err.waiver_amount", cents
    e = refused(validate_waiver, 0, "  ", None)
    assert [x.field for x in e.errors] == ["reason", "approved_by", "amount"]
    check_waiver(entry, 13270)
    assert refused(check_waiver, entry, 13269).key == "err.waiver_amount"


def test_validate_action_refuses_unknown_steps_outcomes_future_days_and_long_notes():
    assert refused(validate_action, "sms", "delivered", date(2025, 6, 10), None, "", TODAY).field == "step"
    assert refused(validate_action, "phone", "ignored", date(2025, 6, 10), None, "", TODAY).field == "step"
    assert refused(validate_action, "phone", "delivered", date(2025, 6, 21), None, "", TODAY).key == "err.date_future"
    assert refused(validate_action, "phone", "delivered", None, None, "", TODAY).key == "err.required"
    assert refused(validate_action, "phone", "delivered", date(2025, 6, 10), None, "长" * 301, TODAY).key == "err.too_long"
    assert validate_action("lawsuit", "unreachable", date(2025, 6, 10), None, "长" * 300, TODAY).step == Step.LAWSUIT


ROOMS = {"3-1906", "3-1907", "5-101"}


def pay_row(room="3-1906", receipt="R0001", amount="232.70", day="2025-06-01", method="wechat") -> dict:
    return {"房号": room, "收据号": receipt, "金额": amount, "日期": day, "方式": method}


def test_a_good_payments_file():
    rows, errors = validate_payment_rows(
        [pay_row(), pay_row("３-１９０７", "r0002", "1,000", "2025-06-02", ""),
         {"room_no": "5-101", "receipt_no": "R0003", "amount": "¥98.5", "paid_on": "2025-06-03", "method": "cash"}],
        ROOMS, set(), TODAY)
    assert errors == []
    assert rows == [PaymentEntry("3-1906", "R0001", 23270, date(2025, 6, 1), "wechat"),
                    PaymentEntry("3-1907", "R0002", 100000, date(2025, 6, 2), "cash"),   # blank method: cash
                    PaymentEntry("5-101", "R0003", 9850, date(2025, 6, 3), "cash")]


def test_one_bad_row_among_good_ones_is_named_by_its_row_number():
    raw = [pay_row(receipt="R0001"), pay_row(receipt="R0002"), pay_row(receipt="R0003", amount="12.345"),
           pay_row(receipt="R0004")]
    rows, errors = validate_payment_rows(raw, ROOMS, set(), TODAY)
    assert [(e.row, e.key) for e in errors] == [(4, "err.money_format")]   # header is row 1: 4th line
    assert [r.receipt_no for r in rows] == ["R0001", "R0002", "R0004"]


def test_every_bad_row_is_named_with_its_reason():
    raw = [pay_row(receipt="R0001"),
           pay_row(receipt="R0002", room="9-999"),                      # building 9 does not exist
           pay_row(receipt="R0003", room="3-1999"),                     # unknown room
           pay_row(receipt="r0001"),                                    # same receipt as row 2
           pay_row(receipt="R0009"),                                    # already in the store
           pay_row(receipt="R0010", day="2025/06/01"),
           pay_row(receipt="R0011", day="2025-06-21"),
           pay_row(receipt="R0012", method="bitcoin")]
    rows, errors = validate_payment_rows(raw, ROOMS, {"R0009"}, TODAY)
    assert [(e.row, e.key) for e in errors] == [
        (3, "err.unit_unknown_room"), (4, "err.unit_unknown_room"), (5, "err.receipt_used"),
        (6, "err.receipt_used"), (7, "err.date_format"), (8, "err.date_future"), (9, "err.required")]
    assert errors[0].params["room"] == "9-999" and errors[1].params["room"] == "3-1999"
    assert errors[2].params["receipt"] == "R0001"
    assert "R0009" in translate(errors[3].key, "zh", **errors[3].params)
    assert [r.receipt_no for r in rows] == ["R0001"]


def test_an_empty_payments_file_is_refused():
    rows, errors = validate_payment_rows([], ROOMS, set(), TODAY)
    assert rows == [] and [(e.row, e.key) for e in errors] == [(1, "err.file_empty")]


def test_bills_file_rows():
    raw = [{"房号": "3-1906", "账期": "2025-05", "项目": "property", "金额": "232.70"},
           {"房号": "3-1906", "账期": "2025-5", "项目": "property", "金额": "232.70"},
           {"房号": "3-1906", "账期": "2025-07", "项目": "property", "金额": "232.70"},
           {"房号": "3-1906", "账期": "2025-05", "项目": "gym", "金额": "232.70"},
           {"房号": "3-1906", "账期": "2025-05", "项目": "property", "金额": "232.70"},
           {"房号": "3-1907", "账期": "2025-04", "项目": "", "金额": "98"}]
    rows, errors = validate_bill_rows(raw, ROOMS, {("3-1907", "2025-04", "property")}, TODAY)
    assert [(e.row, e.key) for e in errors] == [(3, "err.period_format"), (4, "err.period_future"),
                                                (5, "err.item_unknown"), (6, "err.bill_exists"),
                                                (7, "err.bill_exists")]
    assert [(r.room_no, r.period, r.item, r.cents) for r in rows] == [("3-1906", "2025-05", "property", 23270)]


@pytest.mark.parametrize("cents, receipt, method, key", [
    (0, "R1", "cash", "err.money_positive"), (-500, "R1", "cash", "err.money_positive"),
    (12.5, "R1", "cash", "err.money_positive"), (True, "R1", "cash", "err.money_positive"),
    (10**15, "R1", "cash", "err.money_too_big"), (500, "", "cash", "err.required"),
    (500, "R1", "bitcoin", "err.required")])
def test_a_payment_entry_built_by_hand_keeps_the_same_promises(cents, receipt, method, key):
    # record_payment allocates whatever entry it gets: a negative one would raise a bill's debt.
    with pytest.raises(ValidationError) as info:
        PaymentEntry("3-1906", receipt, cents, date(2025, 6, 1), method)
    assert info.value.key == key
