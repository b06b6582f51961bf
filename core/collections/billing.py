"""Fee schedules and the monthly billing run, stated once.

A project's fee items each have rates with the month they take effect from: a property fee per m²
per month (`area`) or a fixed amount per unit per month (`fixed`: parking, garbage). A month is
billed at the rate in force on its first day. Who is billed for a month:

- owners of units handed over (or lived in, or with a handover recorded at move-in): the whole
  month, or from the handover day in the month of the handover (pro rata by days, the handover
  day included, rounded half up);
- units not yet sold (developer-held stock): the developer, at the item's developer share
  (basis points of the rate, 10000 = all of it, 0 = not billed);
- units sold but not handed over: nobody yet (the fee runs from the handover): an exception;
- a unit already billed for that item and month: nothing again (a second run bills nothing twice).

Metered items (water) are imported, not billed by the run.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from core.collections.entries import ITEMS, validate_period
from core.collections.ledger import month_start
from core.collections.money import MAX_CENTS, parse_yuan, property_fee_cents
from core.errors import ValidationError, ValidationErrors
from core.org.model import UnitStatus

FULL_SHARE_BP = 10_000
BILLED_ITEMS = tuple(i for i in ITEMS if i != "water")   # water is metered: imported


class Basis(str, Enum):
    AREA = "area"        # cents per m² of the unit per month
    FIXED = "fixed"      # cents per unit per month


class Exempt(str, Enum):
    """Why a unit gets no bill for a month: the run's exceptions, shown before it is confirmed."""
    NOT_HANDED_OVER = "not_handed_over"      # sold, keys not handed over: the fee starts at handover
    HANDED_OVER_LATER = "handed_over_later"  # its recorded handover is after this month
    NO_AREA = "no_area"                      # a fee per m² and no floor area recorded
    NO_RATE = "no_rate"                      # the project has no rate in force for this month


@dataclass(frozen=True)
class FeeRate:
    item: str
    basis: Basis
    cents: int                     # per m² per month (area) or per month (fixed)
    effective_from: date           # the first day of the month it takes effect from
    developer_bp: int = FULL_SHARE_BP


@dataclass(frozen=True)
class UnitToBill:
    unit_id: int
    room_no: str
    status: str
    area_m2: Decimal | None
    handed_over_on: date | None = None   # the recorded handover (move-in), if any


@dataclass(frozen=True)
class Charge:
    unit_id: int
    item: str
    cents: int
    how: str = "full"              # full, prorated (handover month), developer (share of the rate)


def days_in_month(period: str) -> int:
    year, month = map(int, period.split("-"))
    return monthrange(year, month)[1]


def rates_in_force(rates: list[FeeRate], period: str) -> dict[str, FeeRate]:
    """Per item, the rate whose month is the latest not after the period's."""
    first = month_start(period)
    out: dict[str, FeeRate] = {}
    for r in sorted(rates, key=lambda r: r.effective_from):
        if r.effective_from <= first:
            out[r.item] = r
    return {item: out[item] for item in ITEMS if item in out}   # in the catalogue's order of items


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def monthly_cents(rate: FeeRate, area_m2: Decimal | None) -> int:
    return property_fee_cents(area_m2, rate.cents) if rate.basis == Basis.AREA else rate.cents


def charge_unit(unit: UnitToBill, in_force: dict[str, FeeRate], period: str,
                billed: frozenset[str] = frozenset()) -> tuple[list[Charge], Exempt | None]:
    """This unit's bills of the month (items in `billed` already have one), or why it has none."""
    if not in_force:
        return [], Exempt.NO_RATE
    if unit.status == UnitStatus.SOLD.value and unit.handed_over_on is None:
        return [], Exempt.NOT_HANDED_OVER
    start, days = month_start(period), days_in_month(period)
    share, how = Decimal(1), "full"
    if unit.status == UnitStatus.UNSOLD.value:
        how = "developer"
    elif unit.handed_over_on is not None and unit.handed_over_on > start:
        if unit.handed_over_on > date(start.year, start.month, days):
            return [], Exempt.HANDED_OVER_LATER
        share, how = Decimal(days - unit.handed_over_on.day + 1) / days, "prorated"
    out = []
    for item, rate in in_force.items():
        if item in billed:
            continue
        if rate.basis == Basis.AREA and not unit.area_m2:
            return [], Exempt.NO_AREA
        part = Decimal(rate.developer_bp) / FULL_SHARE_BP if how == "developer" else share
        cents = _half_up(Decimal(monthly_cents(rate, unit.area_m2)) * part)
        if cents > 0:
            out.append(Charge(unit.unit_id, item, cents, how))
    return out, None


@dataclass
class RunPlan:
    """What a run of one month bills, summed as the units go by (the units themselves are not kept:
    a 100,000-unit run holds one chunk at a time)."""
    period: str
    units: int = 0                               # units getting at least one bill
    bills: int = 0
    cents: int = 0
    by_item: dict[str, int] = field(default_factory=dict)
    by_how: dict[str, int] = field(default_factory=dict)    # bills per full / prorated / developer
    already: int = 0                             # unit-items already billed for the month: skipped
    exempt: dict[str, int] = field(default_factory=dict)    # units per Exempt reason
    examples: list[tuple[str, str]] = field(default_factory=list)   # (room, reason), the first few

    EXAMPLES = 200

    def add(self, unit: UnitToBill, charges: list[Charge], why: Exempt | None, already: int) -> None:
        self.already += already
        if why is not None:
            self.exempt[why.value] = self.exempt.get(why.value, 0) + 1
            if len(self.examples) < self.EXAMPLES:
                self.examples.append((unit.room_no, why.value))
            return
        if charges:
            self.units += 1
        for c in charges:
            self.bills += 1
            self.cents += c.cents
            self.by_item[c.item] = self.by_item.get(c.item, 0) + c.cents
            self.by_how[c.how] = self.by_how.get(c.how, 0) + 1


def plan_chunk(plan: RunPlan, units: list[UnitToBill], in_force: dict[str, FeeRate],
               billed: dict[int, frozenset[str]]) -> list[Charge]:
    """The charges of a chunk of units, added to the plan's sums."""
    out = []
    for u in units:
        done = billed.get(u.unit_id, frozenset())
        charges, why = charge_unit(u, in_force, plan.period, done)
        plan.add(u, charges, why, len(done & set(in_force)))
        out.extend(charges)
    return out


# ---------------------------------------------------------------- what is entered

@dataclass(frozen=True)
class RateEntry:
    item: str
    basis: Basis
    cents: int
    effective_from: date
    developer_bp: int


def validate_rate(item: object, basis: object, amount: object, effective_month: object, developer_percent: object,
                  today: date) -> RateEntry:
    """A fee rate of the schedule form, every wrong field at once. The month it takes effect from may
    be up to a year ahead; the developer's share is a percentage of the rate (0-100)."""
    def item_():
        if item not in BILLED_ITEMS:
            raise ValidationError("err.item_unknown", field="item")
        return item

    def basis_():
        try:
            return Basis(basis)
        except ValueError:
            raise ValidationError("err.required", field="basis") from None

    def month():
        ahead = date(today.year + 1, today.month, 1)
        return month_start(validate_period(effective_month, ahead))

    def share():
        bp = parse_yuan(developer_percent, field="developer_share", allow_zero=True)   # "70" -> 7000
        if bp > FULL_SHARE_BP:
            raise ValidationError("err.share_range", field="developer_share")
        return bp

    item_v, basis_v, cents, starts, bp = ValidationErrors.collect(
        item_, basis_, lambda: parse_yuan(amount, field="rate"), month, share)
    if cents > MAX_CENTS:
        raise ValidationError("err.money_too_big", field="rate")
    return RateEntry(item_v, basis_v, cents, starts, bp)


def validate_run_period(period: object, today: date) -> str:
    """A run bills a month that has begun (this month or an earlier one)."""
    return validate_period(period, today)


def check_undo(status: str, touched: bool) -> None:
    """A run is taken back whole, once, and only while nothing but its own settling of prepaid
    credit has touched its bills: after a payment or a waiver, correct it bill by bill instead."""
    if status != "done":
        raise ValidationError("err.run_undone", field="run")
    if touched:
        raise ValidationError("err.run_touched", field="run")
