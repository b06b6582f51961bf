"""The billing run's rules in core, on hand-worked numbers: the rate in force for a month, who is
billed and how much (a whole month, from the handover day, the developer's share, nobody yet),
the plan's sums, the rate form's validation and when a run may be taken back."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.collections.billing import (Basis, Charge, Exempt, FeeRate, RunPlan, UnitToBill, charge_unit, check_undo,
                                      days_in_month, plan_chunk, rates_in_force, validate_rate)
from core.errors import ValidationError, ValidationErrors

PROPERTY_2024 = FeeRate("property", Basis.AREA, 260, date(2024, 1, 1), developer_bp=7000)   # 2.60 ¥/m², 70 %
PROPERTY_2025 = FeeRate("property", Basis.AREA, 280, date(2025, 3, 1), developer_bp=7000)   # 2.80 from March
PARKING = FeeRate("parking", Basis.FIXED, 30000, date(2024, 1, 1), developer_bp=0)          # 300 ¥, not for unsold
RATES = [PROPERTY_2025, PARKING, PROPERTY_2024]


def unit(status="occupied", area="89.50", handed=None, unit_id=1) -> UnitToBill:
    return UnitToBill(unit_id, f"3-{unit_id:03d}", status, None if area is None else Decimal(area), handed)


def test_a_month_is_billed_at_the_rate_in_force_on_its_first_day():
    assert rates_in_force(RATES, "2025-02") == {"property": PROPERTY_2024, "parking": PARKING}
    assert rates_in_force(RATES, "2025-03")["property"] == PROPERTY_2025
    assert rates_in_force(RATES, "2023-12") == {}


def test_a_unit_lived_in_pays_the_whole_month_of_every_item():
    charges, why = charge_unit(unit(), rates_in_force(RATES, "2025-03"), "2025-03")
    # 89.50 m² × 2.80 = 250.60 ¥; parking 300 ¥
    assert why is None and charges == [Charge(1, "property", 25060), Charge(1, "parking", 30000)]


def test_the_month_of_the_handover_is_billed_from_the_handover_day():
    in_force = rates_in_force(RATES, "2025-03")
    # handed over on 10 March: 22 of 31 days, the 10th included. 250.60 × 22 / 31 = 177.845… → 177.85
    charges, _ = charge_unit(unit("handed_over", handed=date(2025, 3, 10)), in_force, "2025-03")
    assert charges == [Charge(1, "property", 17785, "prorated"), Charge(1, "parking", 21290, "prorated")]
    assert days_in_month("2025-02") == 28 and days_in_month("2024-02") == 29
    # on the 1st: the whole month; before the month: the whole month
    for day in (date(2025, 3, 1), date(2024, 12, 5)):
        charges, _ = charge_unit(unit("handed_over", handed=day), in_force, "2025-03")
        assert [c.how for c in charges] == ["full", "full"]
    # on the last day: one day of 31
    charges, _ = charge_unit(unit("handed_over", handed=date(2025, 3, 31)), in_force, "2025-03")
    assert charges[0].cents == 808                                       # 250.60 / 31 = 8.08
    # after the month: nothing yet
    assert charge_unit(unit("handed_over", handed=date(2025, 4, 2)), in_force, "2025-03") == \
           ([], Exempt.HANDED_OVER_LATER)


def test_unsold_units_are_billed_to_the_developer_at_its_share_and_sold_ones_wait_for_the_keys():
    in_force = rates_in_force(RATES, "2025-03")
    # 70 % of 250.60 = 175.42; parking at a 0 % share is not billed at all
    assert charge_unit(unit("unsold"), in_force, "2025-03") == ([Charge(1, "property", 17542, "developer")], None)
    assert charge_unit(unit("sold"), in_force, "2025-03") == ([], Exempt.NOT_HANDED_OVER)
    # a handover recorded at move-in counts even before the status caught up
    charges, _ = charge_unit(unit("sold", handed=date(2025, 3, 17)), in_force, "2025-03")
    assert [c.how for c in charges] == ["prorated", "prorated"]


def test_no_area_no_rate_and_items_already_billed():
    in_force = rates_in_force(RATES, "2025-03")
    assert charge_unit(unit(area=None), in_force, "2025-03") == ([], Exempt.NO_AREA)
    assert charge_unit(unit(area=None), {"parking": PARKING}, "2025-03") == ([Charge(1, "parking", 30000)], None)
    assert charge_unit(unit(), {}, "2025-03") == ([], Exempt.NO_RATE)
    charges, _ = charge_unit(unit(), in_force, "2025-03", billed=frozenset({"property"}))
    assert charges == [Charge(1, "parking", 30000)]


def test_the_plan_sums_what_a_chunk_bills_and_counts_what_it_leaves_out():
    plan = RunPlan("2025-03")
    units = [unit(unit_id=1), unit("sold", unit_id=2), unit("unsold", unit_id=3), unit(unit_id=4),
             unit("handed_over", handed=date(2025, 3, 10), unit_id=5)]
    charges = plan_chunk(plan, units, rates_in_force(RATES, "2025-03"), {4: frozenset({"property", "parking"})})
    assert len(charges) == plan.bills == 2 + 1 + 2
    assert (plan.units, plan.already, plan.exempt, plan.examples) == (3, 2, {"not_handed_over": 1},
                                                                      [("3-002", "not_handed_over")])
    assert plan.by_item == {"property": 25060 + 17542 + 17785, "parking": 30000 + 21290}
    assert plan.cents == sum(plan.by_item.values()) == sum(c.cents for c in charges)
    assert plan.by_how == {"full": 2, "developer": 1, "prorated": 2}


def test_a_rate_form_names_every_wrong_field_at_once():
    today = date(2025, 6, 20)
    entry = validate_rate("property", "area", "2.60", "2025-07", "70", today)
    assert (entry.cents, entry.effective_from, entry.developer_bp, entry.basis) == (260, date(2025, 7, 1), 7000,
                                                                                    Basis.AREA)
    with pytest.raises(ValidationErrors) as info:
        validate_rate("water", "weight", "2.605", "2025/07", "120", today)
    assert [(e.key, e.field) for e in info.value.errors] == [
        ("err.item_unknown", "item"), ("err.required", "basis"), ("err.money_format", "rate"),
        ("err.period_format", "period"), ("err.share_range", "developer_share")]
    assert validate_rate("parking", "fixed", "300", "2026-06", "0", today).developer_bp == 0   # a year ahead at most
    with pytest.raises(ValidationError):
        validate_rate("parking", "fixed", "300", "2026-07", "0", today)


def test_a_run_is_undone_once_and_only_untouched():
    check_undo("done", touched=False)
    for status, touched, key in (("undone", False, "err.run_undone"), ("done", True, "err.run_touched")):
        with pytest.raises(ValidationError) as info:
            check_undo(status, touched)
        assert info.value.key == key
