"""The collection figures the SQL computes are core's definitions (core/collections/rates.py), on
SQLite and PostgreSQL: hypothesis generates small ledgers (bills with amounts, due dates, waivers
and part payments, owners' and developer-held units, two projects) and the aging buckets, the
period sums with their two rates and the monthly trend of the store's queries are compared with the
same figures worked out here in Python over the same rows with core's functions; and generated
complaints, defects and plans per unit give the ladder's stop rules core's answer."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from core.auth.actor import SYSTEM
from core.collections import dunning
from core.collections.dunning import add_months
from core.collections.entries import ITEMS
from core.collections.ledger import is_overdue, period_bounds, period_of
from core.collections.rates import AGING_BUCKETS, PeriodSums, aging_bucket, current_rate, days_overdue, recovery_rate
from core.complaints.model import Category, Stage
from core.org.model import UnitStatus
from db import collection_queries as queries
from db.collection_models import Allocation, Bill, LedgerMonth, Payment, PaymentPlan
from db.models import ComplaintRow
from db.movein_models import MoveinBatch, MoveinDefect
from services import collections, org
from store_helpers import add_project, row

TODAY = date(2025, 6, 20)
FIRST_MONTH = date(2023, 1, 1)
MONTHS = 30                                           # 2023-01 .. 2025-06
PERIODS = [period_of(add_months(FIRST_MONTH, i)) for i in range(MONTHS)]
# A bill exactly on each bucket's edges, and anywhere in three and a half years.
EDGES = sorted({d for lo, hi, _ in AGING_BUCKETS[:-1] for d in (lo - 1, lo, hi, hi + 1)} | {-1, 0, 1})
UNITS = [("A", "3-101", UnitStatus.OCCUPIED), ("A", "3-102", UnitStatus.SOLD), ("A", "3-103", UnitStatus.UNSOLD),
         ("B", "3-101", UnitStatus.HANDED_OVER), ("B", "3-102", UnitStatus.UNSOLD)]
PROPERTY = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@dataclass(frozen=True)
class GenBill:
    unit: int              # index into UNITS
    period: str
    item: str
    amount: int
    waived: int
    due: date
    payments: tuple[tuple[date, int], ...]   # (paid on, cents) allocated to this bill


@st.composite
def gen_bill(draw) -> GenBill:
    amount = draw(st.integers(1, 60_000))
    waived = draw(st.one_of(st.just(0), st.integers(0, amount)))
    left, payments = amount - waived, []
    for _ in range(draw(st.integers(0, 3))):
        if left == 0:
            break
        cents = draw(st.integers(1, left))
        paid_on = FIRST_MONTH + timedelta(days=draw(st.integers(0, (TODAY - FIRST_MONTH).days)))
        payments.append((paid_on, cents))
        left -= cents
    overdue_by = draw(st.one_of(st.sampled_from(EDGES), st.integers(-40, 1300)))
    return GenBill(draw(st.integers(0, len(UNITS) - 1)), draw(st.sampled_from(PERIODS)), draw(st.sampled_from(ITEMS)),
                   amount, waived, TODAY - timedelta(days=overdue_by), tuple(payments))


LEDGERS = st.lists(gen_bill(), max_size=14, unique_by=lambda b: (b.unit, b.period, b.item))
SPANS = st.tuples(st.integers(0, MONTHS - 1), st.integers(0, 2)).map(
    lambda s: (PERIODS[s[0]], PERIODS[min(s[0] + s[1], MONTHS - 1)]))


@dataclass
class Place:
    engine: object
    projects: dict          # "A"/"B" -> project id
    units: list             # (unit id, project id, developer-held?) per UNITS index


@pytest.fixture
def place(engine) -> Place:
    projects = {"A": add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",)),
                "B": add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))}
    for key, pid in projects.items():
        org.import_units(engine, SYSTEM, pid, [row(room, "业主", "13800000000", status)
                                                for k, room, status in UNITS if k == key])
    units = [(org.find_unit(engine, SYSTEM, projects[k], room), projects[k], status == UnitStatus.UNSOLD)
             for k, room, status in UNITS]
    return Place(engine, projects, units)


def write(place: Place, ledger: list[GenBill]) -> None:
    """The generated rows, straight into the tables (the month sums follow by trigger), after
    emptying them of the previous example's."""
    with place.engine.begin() as conn:
        for table in (Allocation, Payment, Bill, LedgerMonth):
            conn.execute(delete(table))
        receipt = 0
        for b in ledger:
            unit_id, project_id, _ = place.units[b.unit]
            bill_id = conn.execute(insert(Bill).values(
                project_id=project_id, unit_id=unit_id, period=b.period, item=b.item, amount_cents=b.amount,
                paid_cents=sum(c for _, c in b.payments), waived_cents=b.waived, due=b.due)).inserted_primary_key[0]
            for paid_on, cents in b.payments:
                receipt += 1
                payment_id = conn.execute(insert(Payment).values(
                    project_id=project_id, unit_id=unit_id, receipt_no=f"G{receipt:06d}", amount_cents=cents,
                    credit_cents=0, paid_on=paid_on, method="cash", recorded_by="test")).inserted_primary_key[0]
                conn.execute(insert(Allocation).values(payment_id=payment_id, bill_id=bill_id, project_id=project_id,
                                                       bill_period=b.period, paid_on=paid_on, cents=cents))


def in_scope(place: Place, b: GenBill, scope) -> bool:
    return scope is None or place.units[b.unit][1] in scope


def python_aging(place: Place, ledger: list[GenBill], scope) -> dict:
    """{(bucket, holder): (cents, units)} by core's aging_bucket of each overdue bill."""
    cents, units = defaultdict(int), defaultdict(set)
    for b in ledger:
        owed = b.amount - b.waived - sum(c for _, c in b.payments)
        if owed > 0 and is_overdue(b.due, TODAY) and in_scope(place, b, scope):
            unit_id, _, developer = place.units[b.unit]
            key = (aging_bucket(days_overdue(b.due, TODAY)), "developer" if developer else "owners")
            cents[key] += owed
            units[key].add(unit_id)
    return {k: (cents[k], len(units[k])) for k in cents}


def python_sums(place: Place, ledger: list[GenBill], first: str, last: str, project_id: int) -> PeriodSums:
    """core's PeriodSums by their definitions: this span's bills and what was paid on them by its
    end; earlier bills' arrears on its first day and what was paid on them during it."""
    start, end = period_bounds(first, last)
    billed = collected = arrears = recovered = 0
    for b in ledger:
        if place.units[b.unit][1] != project_id:
            continue
        if first <= b.period <= last:
            billed += b.amount - b.waived
            collected += sum(c for day, c in b.payments if day <= end)
        elif b.period < first:
            arrears += b.amount - b.waived - sum(c for day, c in b.payments if day < start)
            recovered += sum(c for day, c in b.payments if start <= day <= end)
    return PeriodSums(billed, collected, arrears, recovered)


def same_rate(got: float, expected: float | None) -> bool:
    return got != got if expected is None else got == expected


@PROPERTY
@given(ledger=LEDGERS, scope=st.sampled_from([None, "A", "B"]))
def test_sql_aging_is_cores_buckets(place, ledger, scope):
    write(place, ledger)
    project_ids = None if scope is None else (place.projects[scope],)
    frame = queries.aging(place.engine, TODAY, project_ids)
    got = {(r.bucket, r.holder): (int(r.cents), int(r.units)) for r in frame.itertuples()}
    assert got == python_aging(place, ledger, project_ids)


@PROPERTY
@given(ledger=LEDGERS, span=SPANS)
def test_sql_period_sums_and_rates_are_cores(place, ledger, span):
    write(place, ledger)
    first, last = span
    frame = collections.period_sums(place.engine, SYSTEM, first, last).set_index("project_id")
    assert sorted(frame.index) == sorted(place.projects.values())
    for project_id in place.projects.values():
        got, expected = frame.loc[project_id], python_sums(place, ledger, first, last, project_id)
        assert PeriodSums(int(got["billed"]), int(got["collected"]), int(got["arrears_start"]),
                          int(got["recovered"])) == expected
        assert same_rate(got["current"], current_rate(expected)), (got["current"], expected)
        assert same_rate(got["recovery"], recovery_rate(expected)), (got["recovery"], expected)


@PROPERTY
@given(ledger=LEDGERS)
def test_trend_is_cores_current_rate_of_each_month(place, ledger):
    """The trend (read from the month sums the triggers keep): each month's bills and what was paid
    on them by the end of that month, and core's rate of the two."""
    write(place, ledger)
    trend = collections.monthly_trend(place.engine, SYSTEM, PERIODS[0], PERIODS[-1]).set_index("period")
    for period in {b.period for b in ledger}:
        month = [python_sums(place, ledger, period, period, pid) for pid in place.projects.values()]
        expected = PeriodSums(sum(m.billed for m in month), sum(m.collected_current for m in month), 0, 0)
        assert (int(trend.loc[period, "billed"]), int(trend.loc[period, "collected"])) == \
               (expected.billed, expected.collected_current)
        assert same_rate(trend.loc[period, "rate"], current_rate(expected))


# ---------------------------------------------------------------- the stop rules

OWNED = [i for i, (_, _, status) in enumerate(UNITS) if status != UnitStatus.UNSOLD]   # the ladder's units
DAY = st.one_of(st.sampled_from([-1, 0, 1]), st.integers(-60, 60)).map(lambda d: TODAY + timedelta(days=d))  # edges often


@st.composite
def gen_matters(draw) -> dunning.UnitMatters:
    """A unit's complaints (any category, any stage), move-in defects and payment plans, some of
    each current and some not (closed, fixed, ended or not yet begun)."""
    complaints = tuple((f"TS{draw(st.integers(0, 10**6)):07d}", draw(st.sampled_from([c.value for c in Category])),
                        draw(st.sampled_from([s.value for s in Stage]))) for _ in range(draw(st.integers(0, 3))))
    defects = tuple(draw(st.lists(st.sampled_from(["open", "fixed"]), max_size=2)))
    plans = []
    for _ in range(draw(st.integers(0, 2))):
        a, b = sorted((draw(DAY), draw(DAY)))
        plans.append((a, b))
    return dunning.UnitMatters(complaints, defects, tuple(plans))


MATTERS = st.lists(gen_matters(), min_size=len(UNITS), max_size=len(UNITS)).filter(
    lambda ms: len({n for m in ms for n, _, _ in m.complaints}) == sum(len(m.complaints) for m in ms))


def write_matters(place: Place, matters: list[dunning.UnitMatters]) -> None:
    """An overdue bill on each owned unit, and the generated matters of every unit."""
    with place.engine.begin() as conn:
        for table in (Allocation, Payment, Bill, LedgerMonth, ComplaintRow, MoveinDefect, MoveinBatch, PaymentPlan):
            conn.execute(delete(table))
        batches = {pid: conn.execute(insert(MoveinBatch).values(
            project_id=pid, name="交付", start=TODAY, days=1, opens=time(9), closes=time(17), hall_m2=400.0,
            stations=[])).inserted_primary_key[0] for pid in place.projects.values()}
        for i, m in enumerate(matters):
            unit_id, project_id, _ = place.units[i]
            if i in OWNED:
                conn.execute(insert(Bill).values(project_id=project_id, unit_id=unit_id, period="2025-01",
                                                 item="property", amount_cents=100, paid_cents=0, waived_cents=0,
                                                 due=date(2025, 1, 15)))
            for number, category, stage in m.complaints:
                conn.execute(insert(ComplaintRow).values(
                    number=number, received_at=datetime(2025, 6, 1, 2, tzinfo=timezone.utc), channel="phone",
                    complainant="业主", content="x", category=category, receiver="chen", stage=stage,
                    project_id=project_id, unit_id=unit_id))
            for status in m.defect_statuses:
                conn.execute(insert(MoveinDefect).values(batch_id=batches[project_id], unit_id=unit_id,
                                                         location="kitchen", kind="wall", severity="minor",
                                                         responsible="developer", created_by="t", status=status))
            for starts, ends in m.plans:
                conn.execute(insert(PaymentPlan).values(unit_id=unit_id, starts=starts, ends=ends, note="",
                                                        created_by="t"))


@PROPERTY
@given(matters=MATTERS)
def test_sql_stop_rules_are_cores(place, matters):
    """The pause reasons and the complaints shown as history that the store's ladder reads are
    core's stop_rules of each unit's complaints, defects and plans (the SQL only picks the current ones)."""
    write_matters(place, matters)
    debts = {d.unit_id: d for d in queries.unit_debts(place.engine, TODAY)}
    assert set(debts) == {place.units[i][0] for i in OWNED}
    for i in OWNED:
        expected = dunning.stop_rules(matters[i], TODAY)
        got = debts[place.units[i][0]]
        assert (got.pauses, tuple(sorted(got.history))) == (expected.pauses, tuple(sorted(expected.history))), \
            matters[i]
