"""Payment plans (core/collections/plans.py), the split of what is owed into overdue and current,
and months in arrears, on hand-made dates and sums."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.collections import plans
from core.collections.dunning import (PauseReason, UnitDebt, UnitMatters, expiry, months_in_arrears, stop_rules,
                                      work_item)
from core.collections.ledger import Owed, is_overdue, overdue_before, split_owed
from core.collections.plans import (GRACE_DAYS, Instalment, InstalmentState, Plan, PlanStatus, Progress,
                                    check_decision, instalment_states, limitation_start, missed_on, progress,
                                    validate_plan_entry)
from core.errors import ValidationError, ValidationErrors

TODAY = date(2025, 6, 20)


def fields(fn, *args) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        fn(*args)
    errors = info.value.errors if isinstance(info.value, ValidationErrors) else [info.value]
    return {e.field: e.key for e in errors}


# ---------------------------------------------------------------- entering a plan

def test_a_plan_of_three_instalments_in_yuan_and_cents():
    entry = validate_plan_entry([(date(2025, 6, 30), "300.00"), ("2025-07-31", 30000), (date(2025, 8, 31), "286.60"),
                                 (None, "")], " 分三期 ", 88660, TODAY)
    assert entry.instalments == (Instalment(date(2025, 6, 30), 30000), Instalment(date(2025, 7, 31), 30000),
                                 Instalment(date(2025, 8, 31), 28660))
    assert (entry.total, entry.ends, entry.note) == (88660, date(2025, 8, 31), "分三期")
    # a stated part of the debt is a plan too; the first instalment may fall due today
    assert validate_plan_entry([(TODAY, "100")], "", 88660, TODAY).total == 10000


def test_every_wrong_field_of_a_plan_is_named_at_once():
    got = fields(validate_plan_entry, [(date(2025, 6, 19), "0"), (date(2025, 8, 1), "abc"),
                                       (date(2025, 7, 1), "100"), ("31/07", "50")], "长" * 301, 88660, TODAY)
    assert got == {"instalment_1_due": "err.plan_due_past", "instalment_1_amount": "err.money_positive",
                   "instalment_2_amount": "err.money_format", "instalment_3_due": "err.plan_due_order",
                   "instalment_4_due": "err.date_format", "note": "err.too_long"}


def test_a_plan_may_not_cover_more_than_is_owed_nor_be_empty():
    assert fields(validate_plan_entry, [(date(2025, 7, 1), "500"), (date(2025, 8, 1), "386.61")], "", 88660,
                  TODAY) == {"total": "err.plan_total"}
    assert fields(validate_plan_entry, [(None, ""), ("", None)], "", 88660, TODAY) == \
        {"instalment_1_due": "err.plan_no_instalments"}
    assert fields(validate_plan_entry, [(date(2025, 7, 1), None)], "", 88660, TODAY) == \
        {"instalment_1_amount": "err.required"}


# ---------------------------------------------------------------- kept, missed, completed

PLAN = Plan(PlanStatus.APPROVED, date(2025, 6, 1), date(2025, 8, 31),
            (Instalment(date(2025, 6, 30), 30000), Instalment(date(2025, 7, 31), 30000),
             Instalment(date(2025, 8, 31), 28660)))


def with_paid(cents: int, status: PlanStatus = PlanStatus.APPROVED) -> Plan:
    return Plan(status, PLAN.starts, PLAN.ends, PLAN.instalments, cents)


def test_an_instalment_is_missed_only_after_its_grace_days():
    last_grace_day = date(2025, 6, 30) + timedelta(days=GRACE_DAYS)
    assert instalment_states(with_paid(0), last_grace_day) == (InstalmentState.OPEN,) * 3
    assert plans.pauses(with_paid(0), last_grace_day)
    day_after = last_grace_day + timedelta(days=1)
    assert instalment_states(with_paid(29999), day_after)[0] == InstalmentState.MISSED
    assert progress(with_paid(29999), day_after) == Progress.MISSED
    assert not plans.pauses(with_paid(29999), day_after)
    assert missed_on(with_paid(29999), date(2025, 12, 1)) == day_after
    # paid on time: the first is paid, the others open; the plan pauses the ladder
    assert instalment_states(with_paid(30000), day_after) == (InstalmentState.PAID, InstalmentState.OPEN,
                                                              InstalmentState.OPEN)
    assert plans.pauses(with_paid(30000), day_after) and missed_on(with_paid(30000), day_after) is None


def test_money_paid_since_the_plan_covers_instalments_in_order_and_a_paid_plan_is_completed():
    assert instalment_states(with_paid(60000), date(2025, 9, 30)) == (
        InstalmentState.PAID, InstalmentState.PAID, InstalmentState.MISSED)
    assert progress(with_paid(88660), date(2025, 9, 30)) == Progress.COMPLETED
    assert not plans.pauses(with_paid(88660), date(2025, 9, 30))   # nothing left to wait for


def test_only_an_approved_plan_pauses_and_only_from_the_day_it_was_entered():
    assert not plans.pauses(with_paid(0, PlanStatus.PENDING), TODAY)
    assert not plans.pauses(with_paid(0, PlanStatus.REFUSED), TODAY)
    assert progress(with_paid(0, PlanStatus.PENDING), TODAY) is None
    assert not plans.pauses(with_paid(0), date(2025, 5, 31))
    assert plans.pauses(with_paid(0), date(2025, 6, 1))


def test_the_stop_rules_pause_for_a_kept_plan_and_resume_when_one_is_missed():
    kept = stop_rules(UnitMatters(plans=(with_paid(30000),)), date(2025, 7, 10))
    assert kept.pauses == (PauseReason.PAYMENT_PLAN,)
    missed = stop_rules(UnitMatters(plans=(with_paid(0),)), date(2025, 7, 10))
    assert missed.pauses == ()
    # a plan entered before instalments existed still pauses from its first day to its last
    assert stop_rules(UnitMatters(plans=((date(2025, 6, 1), date(2025, 6, 20)),)), TODAY).pauses == \
        (PauseReason.PAYMENT_PLAN,)


# ---------------------------------------------------------------- Civil Code art. 189

def test_limitation_runs_from_the_last_instalments_due_date_art_189():
    oldest = date(2023, 1, 15)
    assert limitation_start([with_paid(0)]) == date(2025, 8, 31)
    assert limitation_start([with_paid(0, PlanStatus.PENDING), with_paid(0, PlanStatus.REFUSED)]) is None
    assert limitation_start([Plan(PlanStatus.APPROVED, TODAY, TODAY)]) is None   # no instalments, no date
    # without the plan the debt of 2023-01-15 expires 2026-01-15; with it, three years after 2025-08-31
    assert expiry(oldest, None) == date(2026, 1, 15)
    assert expiry(oldest, None, plan_last_due=date(2025, 8, 31)) == date(2028, 8, 31)
    # whichever is later: a demand delivered after the last instalment restarts it again (art. 195)
    assert expiry(oldest, date(2025, 10, 1), plan_last_due=date(2025, 8, 31)) == date(2028, 10, 1)
    # even a missed plan keeps the date its agreement set: the ladder resumes, the warning does not return
    debt = UnitDebt(1, oldest, 10000, {}, None, (), (), date(2025, 8, 31))
    item = work_item(debt, date(2025, 9, 30))
    assert item.expires == date(2028, 8, 31) and not item.limitation_warning and item.due_steps


def test_only_a_pending_plan_is_decided_once_and_a_refusal_says_why():
    assert check_decision("pending", True, "") == ""
    assert check_decision("pending", False, " 收入证明不足 ") == "收入证明不足"
    assert fields(check_decision, "pending", False, " ") == {"decision_note": "err.decision_reason"}
    assert fields(check_decision, "approved", False, "") == {"decision": "err.already_decided",
                                                              "decision_note": "err.decision_reason"}


# ---------------------------------------------------------------- one meaning of "owed"

def test_open_bills_split_into_overdue_and_current_as_of_today():
    bills = [(date(2025, 5, 15), 44330), (TODAY - timedelta(days=1), 100), (TODAY, 44330),
             (date(2025, 7, 15), 5), (date(2025, 4, 15), 0)]
    assert split_owed(bills, TODAY) == Owed(44430, 44335)
    assert split_owed(bills, TODAY).total == 88765
    assert overdue_before(TODAY) == TODAY and not is_overdue(TODAY, TODAY) and is_overdue(TODAY, TODAY + timedelta(1))


def test_months_in_arrears_is_never_zero_beside_money_overdue():
    due = date(2025, 6, 15)
    assert months_in_arrears(due, due) == 0                       # due today: current, not in arrears
    assert months_in_arrears(due, date(2025, 6, 16)) == 1
    assert months_in_arrears(due, date(2025, 7, 15)) == 1
    assert months_in_arrears(due, date(2025, 7, 16)) == 2
    assert months_in_arrears(date(2025, 1, 15), date(2026, 1, 15)) == 12
    # the store counts the months whose bills are overdue: three unpaid months are three
    assert months_in_arrears(date(2025, 3, 15), date(2025, 6, 20), overdue_periods=3) == 3
