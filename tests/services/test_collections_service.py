"""The fee-collection use cases (services.collections), on SQLite and PostgreSQL: payments
allocated oldest bill first and recorded once however often (and however concurrently) they are
submitted, the figures of the collections page on a ledger small enough to check by hand, the
dunning record and the worklist with its stop rules and limitation clock, waivers, imports, and
the demo ledger the design promises."""
from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.collections import dunning
from core.clock import local_today
from core.collections.dunning import add_months
from core.collections.entries import BillEntry, PaymentEntry
from core.collections.ledger import due_date, period_of
from core.errors import DomainError, NotFound, ValidationError, ValidationErrors
from core.org.model import UnitStatus
from db import collection_queries as queries
from db.collection_models import Adjustment, Allocation, Bill, DunningAction, Payment, PaymentPlan
from db.models import AuditLog, ComplaintRow, RequestLog, Unit
from db.movein_models import MoveinBatch, MoveinDefect
from db.uow import UnitOfWork
from demo.collections import seed_collections
from ledger_check import ledger_month_drift
from services import collections as store
from services import org
from store_helpers import add_project, count, row

TODAY = date(2025, 6, 20)
DESK = Actor("chen", Role.FRONTDESK)      # records payments and reminders
CHIEF = Actor("chen", Role.MANAGER)       # the same name, allowed plans and waivers
ADMIN = Actor("chen", Role.ADMIN)         # imports
EVERYWHERE = Actor("reader", Role.MANAGER)
ZHOU = Actor("zhou", Role.MANAGER)        # a second manager: approves what chen entered
FEE = {"3-1906": 23270,    # 89.50 m² x 2.60 ¥/m²
       "3-1907": 25480,    # 98.00 m² x 2.60
       "3-106": 33345,     # 128.25 m² x 2.60 (developer-held)
       "5-101": 37180,     # 143.00 m² x 2.60
       "5-2201": 17706}    # 68.10 m² x 2.60 = 177.06 ¥


# The receipt numbers are the system's (P001-2025-000001...); each test names its payments
# R0001, R0002... as it records them, and reads them back by those names.
LABELS: dict[str, str] = {}


def label(receipt: str) -> str:
    return LABELS.get(receipt, receipt)


@dataclass
class Ledger:
    engine: object
    sz: int             # 深圳·翠湖园
    gz: int             # 广州·星河苑
    units: dict         # room -> unit id in 深圳·翠湖园
    gz_unit: int        # 3-1906 in 广州·星河苑


@pytest.fixture
def ledger(engine) -> Ledger:
    LABELS.clear()
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    gz = add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, ADMIN, sz, [
        row("3-1906", "王伟", "13812345678", UnitStatus.SOLD, "89.50"),
        row("3-1907", "李娜", "13912345678", UnitStatus.OCCUPIED, "98.00"),
        row("3-106", None, None, UnitStatus.UNSOLD, "128.25"),
        row("5-101", "张伟", "0755-12345678", UnitStatus.HANDED_OVER, "143.00"),
        row("5-2201", "王芳", "13700001111", UnitStatus.OCCUPIED, "68.10"),
        row("5-1801", "刘洋", "13600001801", UnitStatus.OCCUPIED, "89.50"),
        row("5-1802", "陈静", "13600001802", UnitStatus.OCCUPIED, "89.50"),
        row("5-1803", "杨磊", "13600001803", UnitStatus.OCCUPIED, "89.50"),
    ])
    org.import_units(engine, ADMIN, gz, [row("3-1906", "赵敏", "13600002222", UnitStatus.OCCUPIED, "118.00")])
    with engine.connect() as conn:
        units = dict(conn.execute(select(Unit.room_no, Unit.id).where(Unit.project_id == sz)).all())
        gz_unit = conn.scalar(select(Unit.id).where(Unit.project_id == gz))
    return Ledger(engine, sz, gz, units, gz_unit)


def bill(lg: Ledger, room: str, period: str, cents: int | None = None, due: date | None = None,
         item: str = "property", project: str = "P001") -> int:
    """One bill, due on core's due date of its month unless told otherwise."""
    unit = lg.units[room] if project == "P001" else lg.gz_unit
    with UnitOfWork(lg.engine) as uow:
        b = Bill(project_id=lg.sz if project == "P001" else lg.gz, unit_id=unit, period=period, item=item,
                 amount_cents=FEE.get(room, 23270) if cents is None else cents, paid_cents=0, waived_cents=0,
                 due=due or due_date(period))
        uow.session.add(b)
        uow.session.flush()
        uow.commit()
        return b.id


def approved_plan(lg: Ledger, room: str, instalments, note: str = "", today: date = TODAY) -> int:
    """A plan the desk entered and a second manager approved."""
    plan = store.add_payment_plan(lg.engine, DESK, lg.units[room], instalments, note, today=today)
    assert store.decide_payment_plan(lg.engine, ZHOU, plan, True) == "approved"
    return plan


def bill_id(lg: Ledger, room: str, period: str) -> int:
    with lg.engine.connect() as conn:
        return conn.scalar(select(Bill.id).where(Bill.unit_id == lg.units[room], Bill.period == period))


def bills(lg: Ledger, room: str, first: str, months: int, **kw) -> list[int]:
    y, m = map(int, first.split("-"))
    return [bill(lg, room, period_of(add_months(date(y, m, 1), i)), **kw) for i in range(months)]


def pay(lg: Ledger, room: str, name: str, amount: str, day: date, key: str | None = None,
        unit_id: int | None = None, actor: Actor = DESK, hold: bool = False) -> int:
    """The payment's id; `name` is what the test calls its receipt; `hold`: the desk ticked that
    what is beyond the debt is held as prepayment."""
    done = store.record_payment(lg.engine, actor, lg.units[room] if unit_id is None else unit_id, amount, day,
                                "wechat", hold_credit=hold, request_key=key, today=TODAY)
    LABELS.setdefault(done.receipt_no, name)
    return done.payment_id


def bill_state(engine, ids) -> list[tuple[int, int]]:
    with engine.connect() as conn:
        got = dict((i, (p, w)) for i, p, w in conn.execute(
            select(Bill.id, Bill.paid_cents, Bill.waived_cents).where(Bill.id.in_(ids))))
    return [got[i] for i in ids]


def paid(engine, ids) -> list[int]:
    return [p for p, _ in bill_state(engine, ids)]


def allocations(engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(
            select(Payment.receipt_no, Allocation.bill_id, Allocation.bill_period, Allocation.paid_on, Allocation.cents)
            .join(Payment, Payment.id == Allocation.payment_id).order_by(Allocation.id)).all()]
        return [(label(r[0]), *r[1:]) for r in rows]


def written(engine) -> dict[str, int]:
    return {m.__tablename__: count(engine, m) for m in (Payment, Allocation, AuditLog, DunningAction, Adjustment)}


# ------------------------------------------------------------------ payments

def test_a_payment_pays_the_oldest_bills_first_and_keeps_the_rest_as_prepayment(ledger):
    e = ledger.engine
    jan, feb, mar = bills(ledger, "3-1906", "2025-01", 3)              # 232.70 ¥ each, 698.10 in all
    audit_before = count(e, AuditLog)
    first = pay(ledger, "3-1906", "R0001", "300.00", date(2025, 3, 20))
    # 300.00 = January's 232.70 + 67.30 of February
    assert paid(e, [jan, feb, mar]) == [23270, 6730, 0]
    second = pay(ledger, "3-1906", "R0002", "500", date(2025, 3, 25), hold=True)
    # 500.00 = February's remaining 165.40 + March's 232.70 + 101.90 left over
    assert second != first
    assert paid(e, [jan, feb, mar]) == [23270, 23270, 23270]
    assert allocations(e) == [("R0001", jan, "2025-01", date(2025, 3, 20), 23270),
                              ("R0001", feb, "2025-02", date(2025, 3, 20), 6730),
                              ("R0002", feb, "2025-02", date(2025, 3, 25), 16540),
                              ("R0002", mar, "2025-03", date(2025, 3, 25), 23270)]
    with e.connect() as conn:
        credit = {label(r): c for r, c in conn.execute(select(Payment.receipt_no, Payment.credit_cents)).all()}
    assert credit == {"R0001": 0, "R0002": 10190}
    assert store.prepayments(e, EVERYWHERE) == 10190
    assert store.prepayments(e, EVERYWHERE, (ledger.gz,)) == 0
    bills_, payments, _ = store.unit_ledger(e, EVERYWHERE, ledger.units["3-1906"])
    assert bills_["owed"].tolist() == [0, 0, 0]
    assert payments["receipt_no"].map(label).tolist() == ["R0002", "R0001"]
    assert payments["receipt_no"].tolist() == ["P001-2025-000002", "P001-2025-000001"]
    # every payment leaves an audit row saying who took it and where the money went
    with e.connect() as conn:
        audit = conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity_id, AuditLog.after)
                             .order_by(AuditLog.id)).all()[audit_before:]
    assert [(a, act, ent) for a, act, ent, _ in audit] == [("chen", "payment", str(ledger.units["3-1906"]))] * 2
    assert audit[1].after == {"receipt": "P001-2025-000002", "cents": 50000, "allocated": 39810, "credit": 10190}


def test_a_payment_with_nothing_owed_is_all_prepayment(ledger):
    e = ledger.engine
    pay(ledger, "5-101", "R0100", "1,000", date(2025, 6, 1), hold=True)
    assert allocations(e) == []
    assert store.prepayments(e, EVERYWHERE, (ledger.sz,)) == 100000


def test_unknown_unit_and_reused_receipt_are_refused_and_nothing_is_written(ledger):
    """The form takes no receipt number: the system's are never given twice, and a file of
    historical payments carrying one of them (or one already imported) is refused."""
    e = ledger.engine
    jan, feb = bills(ledger, "3-1906", "2025-01", 2)
    other = bill(ledger, "3-1907", "2025-01")
    pay(ledger, "3-1906", "R0001", "232.70", date(2025, 2, 1))
    before = written(e)
    with pytest.raises(ValidationError) as info:
        pay(ledger, "3-1906", "R0002", "100", date(2025, 2, 1), unit_id=999_999)
    assert info.value.key == "err.unit_unknown_room"
    given = "P001-2025-000001"
    for receipt in (given, given.lower()):
        rows, errors = store.validate_payment_import(e, ADMIN, ledger.sz, [
            {"房号": "3-1907", "收据号": receipt, "金额": "232.70", "日期": "2025-02-01"}], TODAY)
        assert rows == [] and [(x.key, x.params["receipt"]) for x in errors] == [("err.receipt_used", given)]
    with pytest.raises(ValidationError) as info:
        store.import_payments(e, ADMIN, ledger.sz, [PaymentEntry("3-1907", given, 23270, date(2025, 2, 1), "cash")])
    assert (info.value.key, info.value.params["receipt"]) == ("err.receipt_used", given)
    assert written(e) == before
    assert paid(e, [jan, feb, other]) == [23270, 0, 0]


def test_the_same_payment_submitted_twice_is_recorded_once(ledger):
    e = ledger.engine
    jan, feb = bills(ledger, "3-1906", "2025-01", 2)
    # a double tap on the form: same request key
    first = pay(ledger, "3-1906", "R0001", "232.70", date(2025, 2, 1), key="form-1")
    assert pay(ledger, "3-1906", "R0001", "232.70", date(2025, 2, 1), key="form-1") == first
    # the form filled in again with the same values (a second form on screen): the same key, once
    second = pay(ledger, "3-1906", "R0002", "232.70", date(2025, 3, 1), key="form-2")
    assert pay(ledger, "3-1906", "R0002", "232.70", date(2025, 3, 1), key="form-2") == second
    assert count(e, Payment) == 2 and count(e, Allocation) == 2
    assert paid(e, [jan, feb]) == [23270, 23270]
    assert store.prepayments(e, EVERYWHERE) == 0
    with e.connect() as conn:
        assert conn.scalar(select(func.count()).where(AuditLog.action == "payment")) == 2
        assert conn.scalars(select(Payment.receipt_no).order_by(Payment.id)).all() == \
               ["P001-2025-000001", "P001-2025-000002"]
    # Without a key two equal payments are two payments (an owner may pay the same twice): the
    # second is more than is owed now, so it needs the desk's word, and gets the next number.
    third = store.record_payment(e, DESK, ledger.units["3-1906"], "232.70", date(2025, 3, 1), "wechat",
                                 hold_credit=True, today=TODAY)
    assert third.receipt_no == "P001-2025-000003" and third.credit == 23270 and third.allocated == 0


def test_ten_desks_submitting_the_same_payment_at_once_record_it_once(ledger):
    e = ledger.engine
    jan, feb, mar = bills(ledger, "3-1906", "2025-01", 3)
    # January was paid earlier, the same amount, from a form without a key
    earlier = pay(ledger, "3-1906", "R0001", "232.70", date(2025, 1, 20))
    barrier = threading.Barrier(10)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=30)
            results.append(pay(ledger, "3-1906", "R0002", "232.70", date(2025, 2, 20), "form-7"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    with e.connect() as conn:
        winner = conn.scalar(select(Payment.id).where(Payment.receipt_no == "P001-2025-000002"))
    assert count(e, Payment) == 2
    assert errors == [], errors
    assert results and set(results) == {winner} and earlier not in results
    assert paid(e, [jan, feb, mar]) == [23270, 23270, 0]
    with e.connect() as conn:
        assert conn.scalar(select(func.count()).where(AuditLog.action == "payment")) == 2


def test_many_payments_at_once_on_one_project_get_consecutive_numbers(ledger):
    """Twenty payments at the same moment on five units of one project (and two on another's):
    numbers 1..20 of the project's year, each once, no gap; the other project counts on its own;
    a refused payment gives its number back (the next one takes it); a new year starts at 1."""
    e, lg = ledger.engine, ledger
    rooms = ["3-1906", "3-1907", "5-101", "5-2201", "5-1801"]
    barrier = threading.Barrier(22)
    got, errors = [], []

    def submit(n):
        try:
            barrier.wait(timeout=30)
            unit = lg.gz_unit if n >= 20 else lg.units[rooms[n % 5]]
            got.append(store.record_payment(e, DESK, unit, "10", date(2025, 6, 1), "cash", hold_credit=True,
                                            today=TODAY).receipt_no)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(22)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert sorted(r for r in got if r.startswith("P001")) == [f"P001-2025-{n:06d}" for n in range(1, 21)]
    assert sorted(r for r in got if r.startswith("P002")) == ["P002-2025-000001", "P002-2025-000002"]
    with pytest.raises(ValidationError):
        store.record_payment(e, DESK, lg.units["3-1906"], "10", date(2025, 6, 1), "cash", today=TODAY)  # not held
    assert store.record_payment(e, DESK, lg.units["3-1906"], "10", date(2025, 6, 1), "cash", hold_credit=True,
                                today=TODAY).receipt_no == "P001-2025-000021"
    assert store.record_payment(e, DESK, lg.units["3-1906"], "10", date(2026, 1, 2), "cash", hold_credit=True,
                                today=date(2026, 1, 2)).receipt_no == "P001-2026-000001"


def test_an_imported_historical_number_is_passed_over_not_given_twice(ledger):
    e, lg = ledger.engine, ledger
    store.import_payments(e, ADMIN, lg.sz, [PaymentEntry("3-1907", "P001-2025-000001", 100, date(2025, 1, 5), "cash")])
    assert store.record_payment(e, DESK, lg.units["3-1906"], "10", date(2025, 6, 1), "cash", hold_credit=True,
                                today=TODAY).receipt_no == "P001-2025-000002"


def test_concurrent_payments_of_one_unit_never_pay_a_bill_twice(ledger):
    e = ledger.engine
    ids = bills(ledger, "3-1906", "2025-01", 3)                      # 698.10 ¥ owed
    barrier = threading.Barrier(10)
    errors = []

    def submit(n):
        try:
            barrier.wait(timeout=30)
            pay(ledger, "3-1906", f"R{n:04d}", "100", date(2025, 4, 1), hold=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    # 10 x 100.00 = 1,000.00: 698.10 pays the three bills, 301.90 is prepaid
    assert paid(e, ids) == [23270, 23270, 23270]
    assert sum(c for *_, c in allocations(e)) == 69810
    assert store.prepayments(e, EVERYWHERE) == 30190
    assert count(e, Payment) == 10


# ------------------------------------------------------------------ credit that settles, the same-day void

def credit_of(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {label(r): c for r, c in conn.execute(select(Payment.receipt_no, Payment.credit_cents)).all()}


def test_credit_settles_the_oldest_bills_the_moment_they_are_imported(ledger):
    """1,000.00 paid on 01-10 before any bill: February's and March's bills, imported later, are
    paid from it at once, dated the first day of their month (so each month's current-period rate
    counts them); April takes the last 256.40; money arriving after a bill's month counts on its day."""
    e, lg = ledger.engine, ledger
    pay(lg, "5-101", "R0100", "1000", date(2025, 1, 10), hold=True)
    assert store.import_bills(e, ADMIN, lg.sz, [BillEntry("5-101", "2025-03", "property", 37180),
                                                BillEntry("5-101", "2025-02", "property", 37180)]) == 2
    feb, mar = (bill_id(lg, "5-101", p) for p in ("2025-02", "2025-03"))
    assert allocations(e) == [("R0100", feb, "2025-02", date(2025, 2, 1), 37180),
                              ("R0100", mar, "2025-03", date(2025, 3, 1), 37180)]
    assert paid(e, [feb, mar]) == [37180, 37180] and credit_of(e) == {"R0100": 100000 - 2 * 37180}
    store.import_bills(e, ADMIN, lg.sz, [BillEntry("5-101", "2025-04", "property", 37180),
                                         BillEntry("5-101", "2025-05", "property", 37180)])
    apr, may = (bill_id(lg, "5-101", p) for p in ("2025-04", "2025-05"))
    assert paid(e, [apr, may]) == [100000 - 2 * 37180, 0] and credit_of(e) == {"R0100": 0}
    assert store.prepayments(e, EVERYWHERE) == 0
    # 200.00 paid on 06-01 by 5-2201, which owed nothing; its March bill is entered only afterwards:
    # paid on 06-01, arrears recovered in June, not March's current-period money.
    pay(lg, "5-2201", "R0200", "200", date(2025, 6, 1), hold=True)
    store.import_bills(e, ADMIN, lg.sz, [BillEntry("5-2201", "2025-03", "property", 17706)])
    assert allocations(e)[-1] == ("R0200", bill_id(lg, "5-2201", "2025-03"), "2025-03", date(2025, 6, 1), 17706)
    assert ledger_month_drift(e) == {}
    march = store.period_sums(e, EVERYWHERE, "2025-03", "2025-03", (lg.sz,)).iloc[0]
    assert (march["billed"], march["collected"]) == (37180 + 17706, 37180)
    june = store.period_sums(e, EVERYWHERE, "2025-06", "2025-06", (lg.sz,)).iloc[0]
    assert june["recovered"] == 17706 + 0 and june["arrears_start"] >= 17706
    trend = store.monthly_trend(e, EVERYWHERE, "2025-02", "2025-03", (lg.sz,))
    assert trend[["period", "collected"]].values.tolist() == [["2025-02", 37180], ["2025-03", 37180]]


def test_a_prepayment_counts_in_the_rate_of_the_month_it_settles(ledger):
    """By hand, March 2025: 3-1906 prepaid 250.00 on 02-20 (its 232.70 March bill is entered later),
    3-1907 paid its 254.80 on 03-20, 5-2201 owes its 177.06. Current-period rate
    (232.70 + 254.80) / (232.70 + 254.80 + 177.06) = 487.50 / 664.56 = 73.4 %, not 38.3 %."""
    e, lg = ledger.engine, ledger
    pay(lg, "3-1906", "R0001", "250", date(2025, 2, 20), hold=True)
    store.import_bills(e, ADMIN, lg.sz, [BillEntry(room, "2025-03", "property", FEE[room])
                                         for room in ("3-1906", "3-1907", "5-2201")])
    pay(lg, "3-1907", "R0002", "254.80", date(2025, 3, 20))
    fig = store.figures(e, Actor("m", Role.MANAGER, (lg.sz,)), "2025-03", "2025-03", TODAY)
    assert fig.total.billed == 66456 and fig.total.collected_current == 48750
    assert round(fig.current, 3) == 0.734
    assert fig.prepaid == 25000 - 23270


def test_more_than_is_owed_needs_the_desks_confirmation(ledger):
    """99,999 on a 686.60 debt: refused with what would be held and the balance after; recorded
    only when the desk ticks "hold the rest as prepayment"."""
    e, lg = ledger.engine, ledger
    debt = bill(lg, "3-1906", "2025-05", 68660)
    before = written(e)
    with pytest.raises(ValidationError) as info:
        pay(lg, "3-1906", "R0001", "99999", date(2025, 6, 1))
    assert (info.value.key, info.value.field) == ("err.overpayment", "amount")
    assert {k: info.value.params[k] for k in ("extra", "owed", "balance")} == \
           {"extra": "99,312.40", "owed": "686.60", "balance": "99,312.40"}
    assert written(e) == before
    pay(lg, "3-1906", "R0001", "99999", date(2025, 6, 1), hold=True)
    assert paid(e, [debt]) == [68660] and credit_of(e) == {"R0001": 9931240}
    # Nothing owed now: any amount is beyond it, and the balance grows from what is held already.
    with pytest.raises(ValidationError) as info:
        pay(lg, "3-1906", "R0002", "10", date(2025, 6, 2))
    assert (info.value.params["extra"], info.value.params["balance"]) == ("10.00", "99,322.40")
    # the exact debt needs no confirmation
    bill(lg, "3-1907", "2025-05", 25480)
    pay(lg, "3-1907", "R0003", "254.80", date(2025, 6, 2))


def test_credit_left_beside_an_open_bill_is_settled_by_the_next_payment(ledger):
    """A ledger written before credit settled (credit and an open bill on one unit): the next
    payment sets the credit against the bill first."""
    e, lg = ledger.engine, ledger
    jan = bill(lg, "3-1906", "2025-01")
    with e.begin() as conn:
        conn.execute(Payment.__table__.insert().values(
            project_id=lg.sz, unit_id=lg.units["3-1906"], receipt_no="OLD-0001", amount_cents=10000,
            credit_cents=10000, paid_on=date(2024, 12, 20), method="cash", recorded_by="legacy"))
    pay(lg, "3-1906", "R0001", "132.70", date(2025, 2, 1))
    assert paid(e, [jan]) == [23270] and credit_of(e) == {"OLD-0001": 0, "R0001": 0}
    assert [a[0] for a in allocations(e)] == ["OLD-0001", "R0001"]
    assert allocations(e)[0][3] == date(2025, 1, 1)


def test_a_payment_is_voided_on_its_day_with_a_reason_and_keeps_its_number(ledger):
    e, lg = ledger.engine, ledger
    jan, feb = bills(lg, "3-1906", "2025-01", 2)
    first = pay(lg, "3-1906", "R0001", "300", date(2025, 6, 1))
    assert paid(e, [jan, feb]) == [23270, 6730]
    before = written(e)
    for reason, day, key in (("  ", None, "err.required"),
                             ("收错了房号", local_today() + timedelta(days=1), "err.void_same_day")):
        with pytest.raises(ValidationError) as info:
            store.void_payment(e, DESK, first, reason, today=day)
        assert info.value.key == key
    assert written(e) == before
    assert store.void_payment(e, DESK, first, "收错了房号", request_key="v-1") == 2 * 23270
    assert store.void_payment(e, DESK, first, "收错了房号", request_key="v-1") == 2 * 23270   # a double tap
    assert paid(e, [jan, feb]) == [0, 0] and allocations(e) == []
    with e.connect() as conn:
        row = conn.execute(select(Payment.receipt_no, Payment.amount_cents, Payment.credit_cents, Payment.voided_by,
                                  Payment.void_reason, Payment.voided_at)).one()
        audit = conn.execute(select(AuditLog.action, AuditLog.before, AuditLog.after)
                             .where(AuditLog.action == "void_payment")).all()
    assert (label(row[0]), *row[1:5]) == ("R0001", 30000, 0, "chen", "收错了房号") and row.voided_at is not None
    assert len(audit) == 1 and audit[0].before["allocations"] == [
        {"bill_id": jan, "period": "2025-01", "paid_on": "2025-06-01", "cents": 23270},
        {"bill_id": feb, "period": "2025-02", "paid_on": "2025-06-01", "cents": 6730}]
    assert ledger_month_drift(e) == {}
    payments = store.unit_ledger(e, EVERYWHERE, lg.units["3-1906"]).payments
    assert payments[["receipt_no", "void", "voidable"]].values.tolist() == [["P001-2025-000001", True, False]]
    with pytest.raises(ValidationError) as info:
        store.void_payment(e, CHIEF, first, "再作废一次")
    assert info.value.key == "err.already_void"
    with pytest.raises(NotFound):
        store.void_payment(e, DESK, 999_999, "没有这笔")
    # the number stays taken: never given again
    assert store.record_payment(e, DESK, lg.units["3-1907"], "10", date(2025, 6, 1), "cash", hold_credit=True,
                                today=TODAY).receipt_no == "P001-2025-000002"


def test_a_void_reopens_bills_that_other_credit_of_the_unit_then_settles(ledger):
    e, lg = ledger.engine, ledger
    jan, feb, mar = bills(lg, "3-1906", "2025-01", 3)
    first = pay(lg, "3-1906", "R0001", "232.70", date(2025, 1, 20))
    pay(lg, "3-1906", "R0002", "1000", date(2025, 2, 20), hold=True)        # Feb, Mar and 534.60 held
    assert store.void_payment(e, DESK, first, "重复录入") == 0
    assert paid(e, [jan, feb, mar]) == [23270, 23270, 23270]
    assert credit_of(e) == {"R0001": 0, "R0002": 100000 - 3 * 23270}
    assert ("R0002", jan, "2025-01", date(2025, 2, 20), 23270) in allocations(e)
    assert ledger_month_drift(e) == {}


# ------------------------------------------------------------------ figures

def march_ledger(lg: Ledger) -> None:
    """3-1906 (232.70 ¥/month) and 3-1907 (254.80) billed Jan-Mar 2025; 广州's 3-1906 billed March.
       3-1906 pays Jan on 01-20, then Feb + Mar on 03-10.
       3-1907 pays Jan on 02-25, 100.00 on 03-28 (towards Feb), 300.00 on 04-05 (Feb's rest 154.80, Mar 145.20)."""
    bills(lg, "3-1906", "2025-01", 3)
    bills(lg, "3-1907", "2025-01", 3)
    bill(lg, "3-1906", "2025-03", 30680, project="P002")
    pay(lg, "3-1906", "R0001", "232.70", date(2025, 1, 20))
    pay(lg, "3-1906", "R0002", "465.40", date(2025, 3, 10))
    pay(lg, "3-1907", "R0003", "254.80", date(2025, 2, 25))
    pay(lg, "3-1907", "R0004", "100", date(2025, 3, 28))
    pay(lg, "3-1907", "R0005", "300", date(2025, 4, 5))


def test_period_sums_for_one_month(ledger):
    e = ledger.engine
    march_ledger(ledger)
    sums = store.period_sums(e, EVERYWHERE, "2025-03", "2025-03").set_index("project_id")
    sz = sums.loc[ledger.sz]
    assert (sz["project"], sz["city"]) == ("深圳·翠湖园", "深圳")
    assert sz["billed"] == 23270 + 25480                  # March's two bills
    assert sz["collected"] == 23270                       # 3-1906's March, paid 03-10; 3-1907's came in April
    assert sz["arrears_start"] == 23270 + 25480           # both Februaries were open on 03-01 (Januaries paid)
    assert sz["recovered"] == 23270 + 10000               # 3-1906's February on 03-10, 100.00 of 3-1907's on 03-28
    # current-period rate 23270 / 48750 = 47.7 %, recovery 33270 / 48750 = 68.2 %
    gz = sums.loc[ledger.gz]
    assert (gz["billed"], gz["collected"], gz["arrears_start"], gz["recovered"]) == (30680, 0, 0, 0)
    only = store.period_sums(e, EVERYWHERE, "2025-03", "2025-03", (ledger.gz,))
    assert only["project_id"].tolist() == [ledger.gz] and only["billed"].tolist() == [30680]


def test_period_sums_over_two_months(ledger):
    march_ledger(ledger)
    sz = store.period_sums(ledger.engine, EVERYWHERE, "2025-02", "2025-03", (ledger.sz,)).iloc[0]
    assert sz["billed"] == 2 * 23270 + 2 * 25480
    assert sz["collected"] == 23270 + 23270 + 10000       # paid by 03-31 against February and March bills
    assert sz["arrears_start"] == 25480                   # on 02-01 only 3-1907's January was open
    assert sz["recovered"] == 25480                       # and it was paid on 02-25


def test_monthly_trend_counts_money_paid_within_the_bill_month(ledger):
    march_ledger(ledger)
    trend = store.monthly_trend(ledger.engine, EVERYWHERE, "2025-01", "2025-03", (ledger.sz,))
    assert trend.sort_values("period")[["period", "billed", "collected"]].values.tolist() == [
        ["2025-01", 48750, 23270],   # 3-1906's January paid 01-20; 3-1907's only in February
        ["2025-02", 48750, 0],       # both Februaries paid in March or later
        ["2025-03", 48750, 23270]]   # 3-1906's March paid 03-10
    everyone = store.monthly_trend(ledger.engine, EVERYWHERE, "2025-03", "2025-03")
    assert everyone[["period", "billed", "collected"]].values.tolist() == [["2025-03", 48750 + 30680, 23270]]
    # each month's rate is core's current-period rate of its sums
    assert trend.sort_values("period")["rate"].tolist() == pytest.approx([23270 / 48750, 0, 23270 / 48750])


def test_ledger_months_follow_every_kind_of_write(ledger):
    """The trend reads `ledger_months`, which triggers keep: after payments (on time, late, back-dated,
    partial), a waiver, imports and a hand-made SQL fix, it still equals the sums of the rows."""
    e, lg = ledger.engine, ledger
    march_ledger(lg)
    assert ledger_month_drift(e) == {}
    store.waive(e, CHIEF, bills(lg, "5-101", "2025-02", 1)[0], 5000, "漏水停用", "zhou")
    rows, errors = store.validate_bill_import(e, ADMIN, lg.sz, [{"房号": "5-2201", "账期": "2025-03", "金额": "88.00"},
                                                             {"房号": "5-2201", "账期": "2025-01", "金额": "88.00"}],
                                              TODAY)
    assert errors == [] and store.import_bills(e, ADMIN, lg.sz, rows) == 2
    rows, errors = store.validate_payment_import(
        e, ADMIN, lg.sz, [{"房号": "5-2201", "收据号": "R0100", "金额": "100", "日期": "2025-01-30"},
                          {"房号": "5-101", "收据号": "R0101", "金额": "50", "日期": "2025-02-10"}], TODAY)
    assert errors == [] and store.import_payments(e, ADMIN, lg.sz, rows) == 2
    assert ledger_month_drift(e) == {}
    # 5-2201's 100 ¥ of 01-30 pays its January (88.00) and 12.00 of its March ahead of time;
    # 5-101's 50 ¥ of 02-10 pays towards its February, of which 50 ¥ was waived.
    assert store.monthly_trend(e, EVERYWHERE, "2025-01", "2025-03", (lg.sz,))[["period", "billed", "collected"]] \
        .values.tolist() == [
        ["2025-01", 23270 + 25480 + 8800, 23270 + 8800],
        ["2025-02", 23270 + 25480 + 37180 - 5000, 5000],
        ["2025-03", 23270 + 25480 + 8800, 23270 + 1200]]
    # A correction typed straight into the database is followed too.
    with e.begin() as conn:
        conn.execute(Bill.__table__.update().where(Bill.unit_id == lg.units["5-2201"], Bill.period == "2025-03")
                     .values(amount_cents=9000))
        conn.execute(Allocation.__table__.delete().where(Allocation.payment_id == select(Payment.id).where(
            Payment.receipt_no == "R0101").scalar_subquery()))
    assert ledger_month_drift(e) == {}


def test_aging_buckets_with_owners_and_developer_apart(ledger):
    lg, e = ledger, ledger.engine
    days = lambda n: TODAY - timedelta(days=n)  # noqa: E731
    bill(lg, "3-1906", "2025-05", 1000, due=days(30))                  # 0-30
    bill(lg, "3-1906", "2025-05", 2000, due=days(31), item="parking")  # 31-90
    bill(lg, "3-1907", "2025-03", 3000, due=days(90))                  # 31-90
    bill(lg, "3-1907", "2025-03", 4000, due=days(91), item="water")    # 91-180
    bill(lg, "5-101", "2024-06", 5000, due=days(365))                  # 181-365
    bill(lg, "5-101", "2024-06", 6000, due=days(366), item="parking")  # 1-2y
    bill(lg, "5-2201", "2023-06", 7000, due=days(731))                 # 2y+
    bill(lg, "5-2201", "2025-06", 8000, due=TODAY)                     # due today: not overdue yet
    bill(lg, "5-2201", "2025-07", 8000, due=TODAY + timedelta(days=1))
    part = bill(lg, "5-1801", "2025-02", 10000, due=days(120))         # 91-180, 75.00 still owed
    pay(lg, "5-1801", "R0001", "25", date(2025, 3, 1))
    bill(lg, "3-106", "2025-02", 9000, due=days(100))                  # developer-held: 91-180
    bill(lg, "3-106", "2025-04", 500, due=days(60))                    # developer-held: 31-90
    bill(lg, "3-1906", "2025-03", 99, due=days(200), project="P002")   # another project, 181-365
    assert paid(e, [part]) == [2500]
    frame = store.aging(e, EVERYWHERE, TODAY, (lg.sz,))
    got = {(r.holder, r.bucket): (r.cents, r.units) for r in frame.itertuples()}
    assert got == {("owners", "0-30"): (1000, 1), ("owners", "31-90"): (5000, 2), ("owners", "91-180"): (11500, 2),
                   ("owners", "181-365"): (5000, 1), ("owners", "1-2y"): (6000, 1), ("owners", "2y+"): (7000, 1),
                   ("developer", "91-180"): (9000, 1), ("developer", "31-90"): (500, 1)}
    everyone = store.aging(e, EVERYWHERE, TODAY)
    assert int(everyone["cents"].sum()) == 1000 + 5000 + 11500 + 5000 + 6000 + 7000 + 9500 + 99


# ------------------------------------------------------------------ the ladder

def add_complaint(lg: Ledger, room: str, number: str, stage: str, category: str = "repairs") -> None:
    with UnitOfWork(lg.engine) as uow:
        uow.session.add(ComplaintRow(number=number, received_at=datetime(2025, 6, 1, 2, tzinfo=timezone.utc),
                                     channel="phone", complainant="业主", content="维修质量问题", category=category,
                                     receiver="chen", stage=stage, project_id=lg.sz, unit_id=lg.units[room]))
        uow.commit()


def add_defect(lg: Ledger, room: str, status: str = "open") -> None:
    with UnitOfWork(lg.engine) as uow:
        batch = MoveinBatch(project_id=lg.sz, name="一期交付", start=date(2025, 5, 10), days=2, opens=time(9),
                            closes=time(17), hall_m2=400.0, stations=[])
        uow.session.add(batch)
        uow.session.flush()
        uow.session.add(MoveinDefect(batch_id=batch.id, unit_id=lg.units[room], location="卫生间", kind="渗水",
                                     severity="major", responsible="developer", created_by="chen", status=status))
        uow.commit()


def ladder_ledger(lg: Ledger) -> None:
    """Today 2025-06-20.
       3-1906  May unpaid (1 month), an open noise complaint   -> notice (the complaint is history)
       3-1907  unpaid since 2024-06, active payment plan       -> paused, off the list
       5-101   unpaid since 2025-03, open repairs complaint    -> paused, off the list
       5-2201  unpaid since 2025-04, open move-in defect       -> paused, off the list
       3-106   developer-held, unpaid since 2023              -> not dunned by this ladder
       5-1801  unpaid since 2022-09 (expires 2025-09-15), a closed complaint -> warning, every step
       5-1802  unpaid since 2022-10 (expires 2025-10-15), open complaint      -> warning, paused
       5-1803  unpaid since 2025-03 (3 months), a fixed defect, an ended plan -> visit"""
    bill(lg, "3-1906", "2025-05")
    add_complaint(lg, "3-1906", "TS20250601009", "investigate", category="neighbours")
    bills(lg, "3-1907", "2024-06", 13)
    approved_plan(lg, "3-1907", [(date(2025, 6, 30), "500"), (date(2025, 7, 31), "500")], "分两期")
    bills(lg, "5-101", "2025-03", 3)
    add_complaint(lg, "5-101", "TS20250601001", "investigate")
    bills(lg, "5-2201", "2025-04", 2)
    add_defect(lg, "5-2201")
    bill(lg, "3-106", "2023-01")
    bill(lg, "5-1801", "2022-09")
    add_complaint(lg, "5-1801", "TS20250601002", "closed")
    bill(lg, "5-1802", "2022-10")
    add_complaint(lg, "5-1802", "TS20250601003", "received")
    bills(lg, "5-1803", "2025-03", 3)
    add_defect(lg, "5-1803", status="fixed")
    with UnitOfWork(lg.engine) as uow:   # a plan of before 0021 (no instalments) that ended yesterday
        uow.session.add(PaymentPlan(unit_id=lg.units["5-1803"], starts=date(2025, 1, 1), ends=date(2025, 6, 19),
                                    note="已结束", created_by="chen", status="approved"))
        uow.commit()


def test_unit_debts_carry_the_pause_reasons(ledger):
    ladder_ledger(ledger)
    debts = {d.unit_id: d for d in store.unit_debts(ledger.engine, EVERYWHERE, TODAY)}
    u = ledger.units
    assert u["3-106"] not in debts   # developer-held stock is not dunned
    assert debts[u["3-1907"]].pauses == (dunning.PauseReason.PAYMENT_PLAN,)
    assert debts[u["5-101"]].pauses == (dunning.PauseReason.DISPUTE,)
    assert debts[u["5-2201"]].pauses == (dunning.PauseReason.OPEN_DEFECT,)
    assert debts[u["5-1802"]].pauses == (dunning.PauseReason.DISPUTE,)
    for room in ("3-1906", "5-1801", "5-1803"):
        assert debts[u[room]].pauses == ()
    # a neighbour's noise is no dispute about our service or fees: history, not a pause
    assert debts[u["3-1906"]].history == ("TS20250601009",)
    assert all(debts[u[room]].history == () for room in ("5-101", "5-1801", "5-1802", "5-1803"))
    assert debts[u["3-1907"]].oldest_due == date(2024, 6, 15) and debts[u["3-1907"]].arrears == 13 * 25480
    assert debts[u["5-1803"]].arrears == 3 * 23270


def test_worklist_says_who_is_due_what_and_where_they_live(ledger):
    ladder_ledger(ledger)
    wl = store.worklist(ledger.engine, EVERYWHERE, TODAY)
    assert wl["room_no"].tolist() == ["5-1801", "5-1802", "5-1803", "3-1906"]
    first = wl.iloc[0]
    assert (first["project"], first["building"], first["floor"], first["owner"], first["phone"]) == \
           ("深圳·翠湖园", "5", 18, "刘洋", "13600001801")
    assert first["steps"] == "lawsuit,lawyer,visit,phone,notice"
    assert bool(first["warning"]) and not bool(first["expired"]) and first["expires"] == date(2025, 9, 15)
    paused = wl.iloc[1]
    assert (paused["steps"], paused["paused_by"], bool(paused["warning"])) == ("", "dispute", True)
    assert paused["expires"] == date(2025, 10, 15)
    assert (wl.iloc[2]["steps"], wl.iloc[2]["arrears"], wl.iloc[2]["months"]) == ("visit,phone,notice", 69810, 3)
    assert (wl.iloc[3]["building"], wl.iloc[3]["floor"], wl.iloc[3]["owner"], wl.iloc[3]["steps"]) == \
           ("3", 19, "王伟", "notice")
    assert wl.iloc[3]["history"] == "TS20250601009" and wl.iloc[0]["history"] == ""
    assert store.limitation_warnings(ledger.engine, EVERYWHERE, TODAY) == 2
    assert store.worklist(ledger.engine, Actor("gz", Role.MANAGER, (ledger.gz,)), TODAY).empty


def test_the_paused_units_are_listed_with_the_rule_that_paused_each(ledger):
    ladder_ledger(ledger)
    today = store.ladder_today(ledger.engine, EVERYWHERE, TODAY)
    assert today.work["room_no"].tolist() == store.worklist(ledger.engine, EVERYWHERE, TODAY)["room_no"].tolist()
    paused = today.paused.set_index("room_no")
    assert paused["paused_by"].to_dict() == {"3-1907": "payment_plan", "5-101": "dispute", "5-2201": "open_defect"}
    # what each pause holds back: 3-1907 a year overdue, 5-101 three months, 5-2201 two
    assert paused.loc["3-1907", "steps"] == "lawsuit,lawyer,visit,phone,notice"
    assert paused.loc["5-101", "steps"] == "visit,phone,notice" and paused.loc["5-2201", "steps"] == "phone,notice"
    assert not paused["warning"].any() and paused["staff"].notna().all()
    assert store.ladder_today(ledger.engine, Actor("gz", Role.MANAGER, (ledger.gz,)), TODAY).paused.empty


def test_recorded_actions_move_the_ladder_and_a_delivered_demand_the_clock(ledger):
    e, u = ledger.engine, ledger.units
    ladder_ledger(ledger)
    before = written(e)
    # a lawyer's letter by registered post, with its tracking number: the limitation clock restarts on 06-19
    store.record_action(e, DESK, u["5-1801"], "lawyer", "delivered", date(2025, 6, 19), delivered=True,
                        proof_kind="courier", courier="ems", tracking_no="EA123456789CN", today=TODAY)
    # a visit nobody answered cannot count as delivered: said so, and recorded without it
    with pytest.raises(ValidationError) as refused:
        store.record_action(e, DESK, u["5-1802"], "visit", "unreachable", date(2025, 6, 19), delivered=True,
                            proof_kind="courier", courier="ems", tracking_no="EA123456789CN", today=TODAY)
    assert [x.key for x in refused.value.errors] == ["err.delivered_unreachable"]
    store.record_action(e, DESK, u["5-1802"], "visit", "unreachable", date(2025, 6, 19), today=TODAY)
    # the owner of 5-1803 promised to pay by 07-01
    store.record_action(e, DESK, u["5-1803"], "visit", "promised", date(2025, 6, 20), date(2025, 7, 1), today=TODAY)
    assert written(e)["dunning_actions"] == before["dunning_actions"] + 3
    assert written(e)["audit_log"] == before["audit_log"] + 3
    wl = store.worklist(e, EVERYWHERE, TODAY).set_index("room_no")
    assert wl.index.tolist() == ["5-1802", "5-1801", "5-1803", "3-1906"]
    assert bool(wl.loc["5-1802", "warning"])                          # unreachable: the clock still runs
    assert not bool(wl.loc["5-1801", "warning"]) and wl.loc["5-1801", "expires"] == date(2028, 6, 19)
    assert wl.loc["5-1801", "steps"] == "lawsuit,visit,phone,notice"   # the lawyer's letter is done
    assert wl.loc["5-1803", "steps"] == "phone,notice"
    _, _, actions = store.unit_ledger(e, EVERYWHERE, u["5-1803"])
    assert actions[["step", "outcome", "promised_on", "staff"]].values.tolist() == \
           [["visit", "promised", date(2025, 7, 1), "chen"]]
    with e.connect() as conn:
        delivered = dict(conn.execute(select(DunningAction.unit_id, DunningAction.delivered)).all())
    assert delivered == {u["5-1801"]: True, u["5-1802"]: False, u["5-1803"]: False}


def test_record_action_refuses_what_validation_refuses_and_writes_nothing(ledger):
    e, u = ledger.engine, ledger.units
    bill(ledger, "3-1906", "2025-05")
    before = written(e)
    for args, key in (((u["3-1906"], "visit", "refused", date(2025, 6, 19)), "err.refusal_reason"),
                      ((u["3-1906"], "phone", "promised", date(2025, 6, 19)), "err.required"),
                      ((u["3-1906"], "sms", "delivered", date(2025, 6, 19)), "err.required"),
                      ((u["3-1906"], "phone", "delivered", date(2025, 6, 21)), "err.date_future")):
        with pytest.raises(ValidationError) as info:
            store.record_action(e, DESK, *args, today=TODAY)
        assert info.value.key == key
    with pytest.raises(DomainError):
        store.record_action(e, DESK, 999_999, "phone", "delivered", date(2025, 6, 19), today=TODAY)
    assert written(e) == before
    with pytest.raises(ValidationError):
        store.add_payment_plan(e, CHIEF, u["3-1906"], [(date(2025, 7, 1), "1"), (date(2025, 6, 30), "1")], "",
                               today=TODAY)


def test_a_waiver_needs_reason_and_approver_and_at_most_what_is_owed(ledger):
    e = ledger.engine
    jan = bill(ledger, "3-1906", "2025-05")
    pay(ledger, "3-1906", "R0001", "100", date(2025, 5, 20))            # 132.70 ¥ still owed
    before = written(e)
    for cents, reason, approver, key in ((13270, "", "zhou", "err.required"),
                                         (13270, "   ", "zhou", "err.required"),
                                         (13270, "电梯停运一个月", "", "err.required"),
                                         (13271, "电梯停运一个月", "zhou", "err.waiver_amount"),
                                         (0, "电梯停运一个月", "zhou", "err.waiver_amount"),
                                         (-100, "电梯停运一个月", "zhou", "err.waiver_amount")):
        with pytest.raises(ValidationError) as info:
            store.waive(e, CHIEF, jan, cents, reason, approver)
        assert info.value.key == key
    assert written(e) == before and bill_state(e, [jan]) == [(10000, 0)]
    assert store.waive(e, CHIEF, jan, 13270, " 电梯停运一个月 ", "zhou") == 0   # nothing owed now
    assert bill_state(e, [jan]) == [(10000, 13270)]
    with e.connect() as conn:
        adj = conn.execute(select(Adjustment.cents, Adjustment.reason, Adjustment.approved_by, Adjustment.created_by)).all()
    assert [tuple(a) for a in adj] == [(13270, "电梯停运一个月", "zhou", "chen")]
    assert written(e)["audit_log"] == before["audit_log"] + 1
    # nothing owed any more: off the worklist; billed is what remains due after the waiver
    assert store.worklist(e, EVERYWHERE, TODAY).empty
    sums = store.period_sums(e, EVERYWHERE, "2025-05", "2025-05", (ledger.sz,)).iloc[0]
    assert (sums["billed"], sums["collected"]) == (10000, 10000)
    with pytest.raises(ValidationError):
        store.waive(e, CHIEF, jan, 1, "再减", "zhou")


def test_imported_bills_and_payments_are_allocated_oldest_first(ledger):
    e, lg = ledger.engine, ledger
    bill_rows, errors = store.validate_bill_import(
        e, ADMIN, lg.sz,
        [{"房号": "3-1906", "账期": "2025-04", "金额": "232.70"}, {"房号": "3-1906", "账期": "2025-03", "金额": "232.70"}],
        TODAY)
    assert errors == []
    assert store.import_bills(e, ADMIN, lg.sz, bill_rows) == 2
    assert queries.existing_bill_keys(e, lg.sz) == {("3-1906", "2025-03", "property"), ("3-1906", "2025-04", "property")}
    pay_rows, errors = store.validate_payment_import(
        e, ADMIN, lg.sz, [{"房号": "3-1906", "收据号": "R0001", "金额": "300", "日期": "2025-05-01"}], TODAY)
    assert errors == []
    store.import_payments(e, ADMIN, lg.sz, pay_rows)
    assert [(p, d, c) for _, _, p, d, c in allocations(e)] == [("2025-03", date(2025, 5, 1), 23270),
                                                               ("2025-04", date(2025, 5, 1), 6730)]
    assert queries.used_receipts(e) == {"R0001"}
    with e.connect() as conn:
        dues = conn.execute(select(Bill.period, Bill.due).order_by(Bill.period)).all()
    assert [tuple(d) for d in dues] == [("2025-03", date(2025, 3, 15)), ("2025-04", date(2025, 4, 15))]


# ------------------------------------------------------------------ demo ledger

def test_seeded_ledger_is_consistent_and_takes_new_payments(ledger):
    """On both databases, on a few units: every bill's paid amount is what was allocated to it, and a
    payment recorded after seeding gets a fresh id (the seed writes explicit ids; PostgreSQL's
    sequence must follow)."""
    e = ledger.engine
    assert seed_collections(e, now=datetime(2025, 6, 20, 4, tzinfo=timezone.utc)) > 0
    with e.connect() as conn:
        mismatched = conn.execute(
            select(Bill.id).outerjoin(Allocation, Allocation.bill_id == Bill.id).group_by(Bill.id, Bill.paid_cents)
            .having(func.coalesce(func.sum(Allocation.cents), 0) != Bill.paid_cents)).all()
        wrong_day = conn.scalar(select(func.count()).select_from(Allocation).join(Payment, Payment.id == Allocation.payment_id)
                                .where(Allocation.paid_on != Payment.paid_on))
        billed_rooms = set(conn.scalars(select(Unit.room_no).join(Bill, Bill.unit_id == Unit.id)
                                        .where(Unit.project_id == ledger.sz)))
        seeded_payments = conn.scalar(select(func.count()).select_from(Payment))
    assert mismatched == [] and wrong_day == 0 and seeded_payments > 0
    assert "3-1906" not in billed_rooms and "5-101" in billed_rooms  # sold, keys not handed over: no fee yet
    assert seed_collections(e) == 0                       # a second run adds nothing
    bills(ledger, "3-1906", "2025-06", 1)
    new_id = pay(ledger, "3-1906", "NEW-0001", "1", date(2025, 6, 20))
    with e.connect() as conn:
        assert label(conn.scalar(select(Payment.receipt_no).where(Payment.id == new_id))) == "NEW-0001"
        assert conn.scalar(select(func.count()).select_from(Allocation).where(Allocation.payment_id == new_id)) == 1


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory):
    """The default demo company (14 cities), once and on SQLite only: seeding it takes ~15 s."""
    from demo.company import seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('collections_demo') / 'app.db'}"
    upgrade(url)
    engine = make_engine(url)
    assert seed_demo(engine, hash_rounds=4) is True
    yield engine
    engine.dispose()


def demo_today() -> date:
    from core.clock import CHINA
    from db.models import utcnow

    return utcnow().astimezone(CHINA).date()


def test_demo_city_rates_match_the_training_deck(default_demo):
    today = demo_today()
    last_month = period_of(add_months(today.replace(day=1), -1))
    sums = store.period_sums(default_demo, EVERYWHERE, last_month, last_month)
    cities = sums.groupby("city")[["billed", "collected"]].sum()
    assert len(cities) == 14
    rates = cities["collected"] / cities["billed"]
    assert rates.between(0.70, 1.00).all(), rates.to_dict()
    assert abs(rates.mean() - 0.953) <= 0.015, rates.mean()
    assert rates.min() < 0.85     # the seed's one weak city (鞍山) shows up as weak
    # recovery is a different figure from the current-period rate
    assert (sums["arrears_start"] > 0).any() and (sums["recovered"] > 0).any()


def test_demo_worklist_has_debtors_at_every_step_and_limitation_warnings(default_demo):
    wl = store.worklist(default_demo, EVERYWHERE, demo_today())
    steps = Counter(s for cell in wl["steps"] for s in cell.split(",") if s)
    for step in ("notice", "phone", "visit", "lawyer"):
        assert steps[step] > 0, steps
    assert wl["warning"].sum() >= 1
    assert wl["owner"].notna().all() and (wl["arrears"] > 0).all()


# ------------------------------------------------------------------ once per request, every field at once

def requests(engine) -> int:
    return count(engine, RequestLog)


def test_a_resent_form_is_answered_with_the_first_payment(ledger):
    """The request key makes it the same submission: a form resent after the amount was
    corrected in another tab still records once."""
    e = ledger.engine
    bills(ledger, "3-1906", "2025-01", 2)
    first = pay(ledger, "3-1906", "R0001", "232.70", date(2025, 2, 1), key="form-9")
    assert pay(ledger, "3-1906", "R0009", "100", date(2025, 2, 2), key="form-9") == first
    assert count(e, Payment) == 1 and requests(e) == 1
    assert {label(r) for r in queries.used_receipts(e)} == {"R0001"}


def test_reminders_plans_and_waivers_are_written_once_per_request_key(ledger):
    e, u = ledger.engine, ledger.units
    jan = bill(ledger, "3-1906", "2025-05")
    before = written(e)
    one = store.record_action(e, DESK, u["3-1906"], "phone", "unreachable", date(2025, 6, 19), request_key="a-1",
                              today=TODAY)
    assert store.record_action(e, DESK, u["3-1906"], "phone", "unreachable", date(2025, 6, 19), request_key="a-1",
                               today=TODAY) == one
    plan = store.add_payment_plan(e, CHIEF, u["3-1906"], [(date(2025, 7, 1), "100")], "分三期",
                                  request_key="p-1", today=TODAY)
    assert store.add_payment_plan(e, CHIEF, u["3-1906"], [(date(2025, 7, 1), "100")], "分三期",
                                  request_key="p-1", today=TODAY) == plan
    assert store.waive(e, CHIEF, jan, 1000, "停水补偿", "zhou", request_key="w-1") == 23270 - 1000
    assert store.waive(e, CHIEF, jan, 1000, "停水补偿", "zhou", request_key="w-1") == 23270 - 1000
    after = written(e)
    assert after["dunning_actions"] == before["dunning_actions"] + 1
    assert after["bill_adjustments"] == before["bill_adjustments"] + 1 and count(e, PaymentPlan) == 1
    assert after["audit_log"] == before["audit_log"] + 3 and requests(e) == 3
    assert bill_state(e, [jan]) == [(0, 1000)]


def test_a_payment_form_names_every_wrong_field_at_once(ledger):
    before = written(ledger.engine)
    with pytest.raises(ValidationErrors) as info:
        store.record_payment(ledger.engine, DESK, ledger.units["3-1906"], "12.345", date(2025, 6, 21), "bitcoin",
                             today=TODAY)
    assert [(x.key, x.field) for x in info.value.errors] == [
        ("err.required", "method"), ("err.money_format", "amount"), ("err.date_future", "paid_on")]
    assert written(ledger.engine) == before


def test_a_waiver_or_plan_names_every_wrong_field_at_once(ledger):
    jan = bill(ledger, "3-1906", "2025-05")
    with pytest.raises(ValidationErrors) as info:
        store.waive(ledger.engine, CHIEF, jan, 0, " ", "")
    assert [x.field for x in info.value.errors] == ["reason", "approved_by", "amount"]
    with pytest.raises(ValidationErrors) as info:
        store.add_payment_plan(ledger.engine, CHIEF, ledger.units["3-1906"],
                               [(date(2025, 7, 1), "100"), (date(2025, 6, 1), "-5")], "长" * 301, today=TODAY)
    assert [x.key for x in info.value.errors] == ["err.money_format", "err.plan_due_past", "err.too_long"]
    with pytest.raises(NotFound):
        store.waive(ledger.engine, CHIEF, 999_999, 100, "停水补偿", "zhou")


def test_imports_check_the_store_again_and_write_nothing_when_refused(ledger):
    """A file validated a minute ago may meet bills or receipts recorded since: refused, nothing written."""
    from core.collections.entries import BillEntry, PaymentEntry

    e, lg = ledger.engine, ledger
    bill(lg, "3-1906", "2025-03")
    pay(lg, "3-1906", "R0001", "10", date(2025, 4, 1))
    before = written(e) | {"bills": count(e, Bill)}
    for rows, key in (([BillEntry("3-1907", "2025-03", "property", 100),
                        BillEntry("3-1906", "2025-03", "property", 100)], "err.bill_exists"),
                      ([BillEntry("9-999", "2025-03", "property", 100)], "err.unit_unknown_room")):
        with pytest.raises(ValidationError) as info:
            store.import_bills(e, ADMIN, lg.sz, rows)
        assert info.value.key == key
    for rows, key in (([PaymentEntry("3-1907", "R0002", 100, date(2025, 4, 1), "cash"),
                        PaymentEntry("3-1907", "P001-2025-000001", 100, date(2025, 4, 1), "cash")], "err.receipt_used"),
                      ([PaymentEntry("9-999", "R0003", 100, date(2025, 4, 1), "cash")], "err.unit_unknown_room")):
        with pytest.raises(ValidationError) as info:
            store.import_payments(e, ADMIN, lg.sz, rows)
        assert info.value.key == key
    assert written(e) | {"bills": count(e, Bill)} == before
    # the same file sent twice (one request key) is imported once
    rows = [BillEntry("3-1907", "2025-04", "property", 25480)]
    assert store.import_bills(e, ADMIN, lg.sz, rows, request_key="file-1") == 1
    assert store.import_bills(e, ADMIN, lg.sz, rows, request_key="file-1") == 1
    assert count(e, Bill) == before["bills"] + 1
    with e.connect() as conn:
        assert conn.scalar(select(Bill.due).where(Bill.period == "2025-04")) == due_date("2025-04") == date(2025, 4, 15)


def test_worklist_phones_are_shown_as_the_role_may_see_them(ledger):
    from core.auth.capabilities import Capability, can

    ladder_ledger(ledger)
    full = store.worklist(ledger.engine, EVERYWHERE, TODAY).set_index("room_no")["phone"]
    for role in Role:
        if not can(role, Capability.VIEW_COLLECTIONS):
            continue
        shown = store.worklist(ledger.engine, Actor("x", role), TODAY).set_index("room_no")["phone"]
        if can(role, Capability.SEE_FULL_PHONE):
            assert shown.equals(full), role
        else:
            assert (shown != full).all() and shown.str.contains(r"\*").all(), role


def test_figures_carry_core_rates_per_project_city_and_in_all(ledger):
    from core.collections.rates import PeriodSums, current_rate, recovery_rate

    march_ledger(ledger)
    fig = store.figures(ledger.engine, EVERYWHERE, "2025-03", "2025-01", date(2025, 4, 10))
    sz = fig.projects.set_index("project_id").loc[ledger.sz]
    sums = PeriodSums(int(sz["billed"]), int(sz["collected"]), int(sz["arrears_start"]), int(sz["recovered"]))
    assert (sz["current"], sz["recovery"]) == (current_rate(sums), recovery_rate(sums))
    assert fig.total == PeriodSums(48750 + 30680, 23270, 48750, 33270)
    assert (fig.current, fig.recovery) == (current_rate(fig.total), recovery_rate(fig.total))
    assert fig.cities.set_index("city")["current"].to_dict() == pytest.approx({"深圳": 23270 / 48750, "广州": 0.0})
    assert fig.city_average == pytest.approx((23270 / 48750 + 0.0) / 2)
    assert fig.prepaid == 0 and int(fig.aging["cents"].sum()) > 0
    headline = store.headline(ledger.engine, EVERYWHERE, "2025-03", date(2025, 4, 10))
    assert headline.rate == pytest.approx(23270 / (48750 + 30680))


# ------------------------------------------------------------------ proof of delivery (issue 15)

def png(size=(320, 200)) -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, (240, 240, 230)).save(buf, format="PNG")
    return buf.getvalue()


def staff(lg: Ledger) -> None:
    """Two desks and a supervisor in 深圳, a desk in 广州 only, a manager of every project, and a
    former desk of 深圳 whose account is off."""
    from services import users
    for name, display, role, projects, everywhere in (
            ("zhang", "张敏", "frontdesk", [lg.sz], False), ("lixin", "李强", "frontdesk", [lg.sz], False),
            ("wutao", "吴涛", "supervisor", [lg.sz], False), ("gzdesk", "郭静", "frontdesk", [lg.gz], False),
            ("boss", "周经理", "manager", [], True), ("gone", "离职员工", "frontdesk", [lg.sz], False)):
        users.create_user(lg.engine, ADMIN, name, display, role, "Proof-2026!x", projects, everywhere, hash_rounds=4)
    _deactivate(lg, "gone")


def _deactivate(lg: Ledger, username: str) -> None:
    from db.models import StaffUser
    with UnitOfWork(lg.engine) as uow:
        uow.session.query(StaffUser).filter_by(username=username).update({"active": False})
        uow.commit(None)


def expires(lg: Ledger, room: str):
    return store.unit_ledger(lg.engine, EVERYWHERE, lg.units[room], today=TODAY).limitation


def test_each_kind_of_proof_restarts_the_clock_and_the_ledger_shows_it(ledger):
    e, u = ledger.engine, ledger.units
    staff(ledger)
    for room in ("5-1801", "5-1802", "5-1803"):
        bill(ledger, room, "2022-09")
    start = expires(ledger, "5-1801")
    assert start == add_months(due_date("2022-09"), 36)
    store.record_action(e, DESK, u["5-1801"], "lawyer", "delivered", date(2025, 6, 10), delivered=True,
                        proof_kind="courier", courier="sf", tracking_no=" sf 1234 5678 90123 ", today=TODAY)
    store.record_action(e, DESK, u["5-1802"], "notice", "promised", date(2025, 6, 11), date(2025, 7, 1), delivered=True,
                        proof_kind="signed_copy", proof_file=png(), today=TODAY)
    store.record_action(e, DESK, u["5-1803"], "visit", "refused", date(2025, 6, 12), note="说维修没做完", delivered=True,
                        proof_kind="witnessed_refusal", witnesses=("zhang", "boss"), today=TODAY)
    assert [expires(ledger, r) for r in ("5-1801", "5-1802", "5-1803")] == [
        date(2028, 6, 10), date(2028, 6, 11), date(2028, 6, 12)]
    wl = store.worklist(e, EVERYWHERE, TODAY).set_index("room_no")
    assert wl.loc["5-1801", "expires"] == date(2028, 6, 10) and not bool(wl.loc["5-1801", "warning"])

    courier = store.unit_ledger(e, EVERYWHERE, u["5-1801"]).actions.iloc[0]
    assert (courier.proof_kind, courier.courier, courier.tracking_no) == ("courier", "sf", "SF1234567890123")
    signed = store.unit_ledger(e, EVERYWHERE, u["5-1802"]).actions.iloc[0]
    assert signed.proof_kind == "signed_copy" and signed.file_kind == "png"
    copy = store.delivery_proof_file(e, EVERYWHERE, int(signed.id))
    assert copy.data == png() and copy.mime == "image/png"
    witnessed = store.unit_ledger(e, EVERYWHERE, u["5-1803"])
    assert witnessed.actions.iloc[0].witnesses == "张敏、周经理" and witnessed.last_proven == date(2025, 6, 12)
    with e.connect() as conn:
        trail = conn.execute(select(AuditLog.action, AuditLog.after).where(AuditLog.action.in_(("dunning", "view")))
                             .order_by(AuditLog.id)).all()
    assert [a for a, _ in trail] == ["dunning", "dunning", "dunning", "view"]
    # the trail keeps the particulars and the file's hash, never its bytes
    assert trail[0][1]["tracking_no"] == "SF1234567890123" and trail[2][1]["witnesses"] == ["zhang", "boss"]
    assert trail[1][1]["file_sha256"] == hashlib.sha256(png()).hexdigest() and len(str(trail[1][1])) < 400


def test_a_tick_without_proof_from_before_0017_no_longer_restarts_the_clock(ledger):
    e, u = ledger.engine, ledger.units
    bill(ledger, "5-1801", "2022-09")
    with UnitOfWork(e) as uow:   # what migration 0017 leaves of a row ticked "delivered" before it
        uow.session.add(DunningAction(project_id=ledger.sz, unit_id=u["5-1801"], step="lawyer",
                                      taken_on=date(2025, 1, 5), outcome="delivered", delivered=True, note="",
                                      staff="chen"))
        uow.commit(None)
    ledger_ = store.unit_ledger(e, EVERYWHERE, u["5-1801"], today=TODAY)
    assert bool(ledger_.actions.iloc[0].delivered) and ledger_.actions.iloc[0].proof_kind is None
    assert ledger_.last_proven is None and ledger_.limitation == date(2025, 9, 15)
    wl = store.worklist(e, EVERYWHERE, TODAY).set_index("room_no")
    assert bool(wl.loc["5-1801", "warning"]) and wl.loc["5-1801", "expires"] == date(2025, 9, 15)


def errors_of(call) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        call()
    found = getattr(info.value, "errors", [info.value])
    return sorted((x.key, x.field) for x in found)


def test_bad_proofs_name_every_wrong_field_and_write_nothing(ledger):
    from db.collection_models import DeliveryProofFile
    e, u = ledger.engine, ledger.units
    staff(ledger)
    bill(ledger, "5-1801", "2022-09")
    before = written(e)
    unit = u["5-1801"]

    def record(**kw):
        args = dict(step="visit", outcome="delivered", taken_on=date(2025, 6, 19), delivered=True, today=TODAY)
        args.update(kw)
        return lambda: store.record_action(e, DESK, unit, **args)

    # ticked delivered, no proof chosen, and a refusal without its reason: both at once
    assert errors_of(record(outcome="refused")) == [("err.proof_kind_required", "proof_kind"),
                                                    ("err.refusal_reason", "note")]
    assert errors_of(record(delivered=False)) == [("err.proof_kind_required", "proof_kind")]   # the outcome says it
    assert errors_of(record(proof_kind="courier", tracking_no="12-34")) == [
        ("err.required", "courier"), ("err.tracking_format", "tracking_no")]
    assert errors_of(record(proof_kind="courier", courier="ems", tracking_no="")) == [("err.required", "tracking_no")]
    assert errors_of(record(proof_kind="witnessed_refusal", witnesses=("zhang", "zhang"))) == [
        ("err.witness_twice", "witness_2")]
    # a desk of another project, a former colleague, someone who does not exist, nobody
    assert errors_of(record(proof_kind="witnessed_refusal", witnesses=("gzdesk", "gone"))) == [
        ("err.witness_not_staff", "witness_1"), ("err.witness_not_staff", "witness_2")]
    assert errors_of(record(proof_kind="witnessed_refusal", witnesses=("ghost",))) == [
        ("err.required", "witness_2"), ("err.witness_not_staff", "witness_1")]
    assert errors_of(record(proof_kind="signed_copy", proof_file=b"%!PS-Adobe not a pdf")) == [
        ("err.upload_type", "proof_file")]
    assert errors_of(record(proof_kind="signed_copy", proof_file=b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024))) == [
        ("err.upload_too_big", "proof_file")]
    assert errors_of(record(proof_kind="signed_copy", proof_file=None, taken_on=date(2025, 6, 21))) == [
        ("err.date_future", "taken_on"), ("err.upload_empty", "proof_file")]
    assert written(e) == before and count(e, DeliveryProofFile) == 0
    assert expires(ledger, "5-1801") == date(2025, 9, 15)


def test_a_proof_sent_twice_is_kept_once(ledger):
    from db.collection_models import DeliveryProofFile
    e, u = ledger.engine, ledger.units
    bill(ledger, "5-1801", "2022-09")
    first = store.record_action(e, DESK, u["5-1801"], "notice", "delivered", date(2025, 6, 19), delivered=True,
                                proof_kind="signed_copy", proof_file=png(), request_key="proof-1", today=TODAY)
    again = store.record_action(e, DESK, u["5-1801"], "notice", "delivered", date(2025, 6, 19), delivered=True,
                                proof_kind="signed_copy", proof_file=png(), request_key="proof-1", today=TODAY)
    assert first == again and count(e, DeliveryProofFile) == 1 and count(e, DunningAction) == 1


def test_a_signed_copy_is_shown_only_within_the_viewers_projects(ledger):
    e, u = ledger.engine, ledger.units
    bill(ledger, "5-1801", "2022-09")
    action = store.record_action(e, DESK, u["5-1801"], "notice", "delivered", date(2025, 6, 19), delivered=True,
                                 proof_kind="signed_copy", proof_file=png(), today=TODAY)
    with pytest.raises(DomainError) as info:
        store.delivery_proof_file(e, Actor("gz", Role.MANAGER, (ledger.gz,)), action)
    assert info.value.key == "err.other_project"
    with pytest.raises(DomainError):
        store.delivery_proof_file(e, Actor("t", Role.TRAINER), action)
    with pytest.raises(NotFound):
        store.delivery_proof_file(e, EVERYWHERE, action + 1000)


def test_witnesses_offered_are_the_active_staff_of_the_units_projects(ledger):
    staff(ledger)
    offered = store.delivery_witnesses(ledger.engine, DESK, [ledger.units["5-1801"]])
    assert set(offered) == {"zhang", "lixin", "wutao", "boss"} and offered["zhang"] == "张敏"
    only_gz = store.delivery_witnesses(ledger.engine, Actor("g", Role.FRONTDESK, (ledger.gz,)),
                                       [ledger.units["5-1801"], ledger.gz_unit])
    assert set(only_gz) == {"gzdesk", "boss"}
