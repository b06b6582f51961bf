"""Fee schedules and the monthly billing run (services.collections), on SQLite and PostgreSQL: the
preview (units, totals by item, exceptions) writes nothing; the confirmed run bills every unit by
core's rules in one transaction, settles prepaid credit at once, is audited, bills nothing twice
(a second run says so), and is undone whole while no payment or waiver has touched it."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import func, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.collections.ledger import due_date
from core.errors import NotFound, ValidationError, ValidationErrors
from core.org.model import UnitStatus
from db.collection_models import Allocation, Bill, BillingRun, FeeRateRow, Payment
from db.models import AuditLog, Unit
from db.movein_models import MoveinAppointment, MoveinBatch
from ledger_check import ledger_month_drift
from services import collections as store
from services import org
from store_helpers import add_project, count, row

TODAY = date(2025, 3, 20)
CHIEF = Actor("zhou", Role.MANAGER)
DESK = Actor("chen", Role.FRONTDESK)
ADMIN = Actor("admin", Role.ADMIN)


@pytest.fixture
def site(engine):
    """深圳·翠湖园: 3-101 lived in (89.50 m²), 3-102 handed over on 10 March at move-in (98.00 m²),
    3-103 unsold (128.25 m²), 3-104 sold, keys not handed over; 广州 has a unit too. Property fee
    2.60 ¥/m² from 2025-01 (the developer pays 70 % for unsold units), 2.80 from 2025-04;
    parking 300 ¥ from 2025-01 (not for unsold units)."""
    sz = add_project(engine, "SZ01", "深圳·翠湖园", "深圳", buildings=("3",))
    gz = add_project(engine, "GZ01", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, ADMIN, sz, [row("3-101", "王伟", "13812345678", UnitStatus.OCCUPIED, "89.50"),
                                         row("3-102", "李娜", "13912345678", UnitStatus.HANDED_OVER, "98.00"),
                                         row("3-103", None, None, UnitStatus.UNSOLD, "128.25"),
                                         row("3-104", "张伟", "13700001111", UnitStatus.SOLD, "143.00")])
    org.import_units(engine, ADMIN, gz, [row("3-101", "赵敏", "13600002222", UnitStatus.OCCUPIED, "118.00")])
    with engine.connect() as conn:
        units = dict(conn.execute(select(Unit.room_no, Unit.id).where(Unit.project_id == sz)).all())
    with engine.begin() as conn:
        batch = conn.execute(MoveinBatch.__table__.insert().values(
            project_id=sz, name="一期交付", start=date(2025, 3, 10), days=1, opens=time(9), closes=time(17),
            hall_m2=400.0, m2_per_person=1.2, target_p90_min=15.0, weekend_factor=1.9, no_show_rate=0.05,
            stations=[], staffing={}, zones=[], version=1)).inserted_primary_key[0]
        conn.execute(MoveinAppointment.__table__.insert().values(
            batch_id=batch, unit_id=units["3-102"], day=date(2025, 3, 10), slot_hour=9, stations_done=5, no_show=False,
            arrived_at=datetime(2025, 3, 10, 1, tzinfo=timezone.utc),
            finished_at=datetime(2025, 3, 9, 23, 30, tzinfo=timezone.utc), version=1))   # 07:30 on the 10th in China
    for item, basis, amount, month, share in (("property", "area", "2.60", "2025-01", "70"),
                                              ("property", "area", "2.80", "2025-04", "70"),
                                              ("parking", "fixed", "300", "2025-01", "0")):
        store.set_fee_rate(engine, CHIEF, sz, item, basis, amount, month, share, today=TODAY)
    store.set_fee_rate(engine, CHIEF, gz, "property", "area", "3.00", "2025-01", today=TODAY)
    return engine, sz, gz, units


# 3-101: 89.50 × 2.60 = 232.70 and parking 300; 3-102 from the 10th, 22 of 31 days: 254.80 × 22/31 =
# 180.83 and 300 × 22/31 = 212.90; 3-103: 70 % of 333.45 = 233.42 (no parking); 3-104: none.
MARCH = {("3-101", "property"): 23270, ("3-101", "parking"): 30000, ("3-102", "property"): 18083,
         ("3-102", "parking"): 21290, ("3-103", "property"): 23342}


def bills_of(engine, project_id, period) -> dict:
    with engine.connect() as conn:
        return {(room, item): cents for room, item, cents in conn.execute(
            select(Unit.room_no, Bill.item, Bill.amount_cents).join(Unit, Unit.id == Bill.unit_id)
            .where(Bill.project_id == project_id, Bill.period == period))}


def test_the_schedule_keeps_each_rate_from_its_month_and_a_second_entry_replaces_it(site):
    engine, sz, _, _ = site
    before = count(engine, AuditLog)
    store.set_fee_rate(engine, CHIEF, sz, "parking", "fixed", "320", "2025-01", "0", today=TODAY)
    schedule = store.fee_schedule(engine, DESK, sz)
    assert schedule[["item", "basis", "cents", "effective_from", "developer_bp"]].values.tolist() == [
        ["parking", "fixed", 32000, date(2025, 1, 1), 0],
        ["property", "area", 280, date(2025, 4, 1), 7000], ["property", "area", 260, date(2025, 1, 1), 7000]]
    with engine.connect() as conn:
        audit = conn.execute(select(AuditLog.before, AuditLog.after).order_by(AuditLog.id.desc())).first()
    assert audit.before == {"basis": "fixed", "cents": 30000, "developer_bp": 0} and audit.after["cents"] == 32000
    assert count(engine, AuditLog) == before + 1 and count(engine, FeeRateRow) == 4
    with pytest.raises(ValidationErrors) as info:
        store.set_fee_rate(engine, CHIEF, sz, "gas", "area", "-1", "2025-13", "101", today=TODAY)
    assert [e.field for e in info.value.errors] == ["item", "rate", "period", "developer_share"]
    with pytest.raises(NotFound):
        store.set_fee_rate(engine, ADMIN, 999_999, "parking", "fixed", "300", "2025-01", today=TODAY)


def test_the_preview_says_what_the_run_would_bill_and_writes_nothing(site):
    engine, sz, _, _ = site
    before = {m.__tablename__: count(engine, m) for m in (Bill, BillingRun, AuditLog)}
    p = store.preview_billing(engine, CHIEF, sz, "2025-03", TODAY)
    assert (p.units, p.bills, p.cents) == (3, 5, sum(MARCH.values()))
    assert p.by_item == {"property": 23270 + 18083 + 23342, "parking": 30000 + 21290}
    assert p.by_how == {"full": 2, "prorated": 2, "developer": 1}
    assert p.exempt == {"not_handed_over": 1} and p.examples == [["3-104", "not_handed_over"]]
    assert (p.already, p.run_id) == (0, None)
    assert {m.__tablename__: count(engine, m) for m in (Bill, BillingRun, AuditLog)} == before
    # April at April's rate, 3-102 for the whole month: 89.50 × 2.80 = 250.60, 98.00 × 2.80 = 274.40,
    # 70 % of 128.25 × 2.80 = 70 % of 359.10 = 251.37
    assert store.preview_billing(engine, CHIEF, sz, "2025-04", date(2025, 4, 1)).by_item["property"] == \
           25060 + 27440 + 25137
    with pytest.raises(ValidationError) as info:
        store.preview_billing(engine, CHIEF, sz, "2025-04", TODAY)           # a month not begun
    assert info.value.key == "err.period_future"


def test_a_run_bills_the_month_once_in_one_transaction_and_says_so_the_second_time(site):
    engine, sz, gz, units = site
    seen = []
    done = store.run_billing(engine, CHIEF, sz, "2025-03", request_key="run-1", today=TODAY,
                             progress=lambda n, total: seen.append((n, total)))
    assert (done.bills, done.cents, done.units) == (5, sum(MARCH.values()), 3) and done.run_id is not None
    assert bills_of(engine, sz, "2025-03") == MARCH and bills_of(engine, gz, "2025-03") == {}
    assert seen == [(4, 4)]
    with engine.connect() as conn:
        assert set(conn.scalars(select(Bill.due).where(Bill.run_id == done.run_id))) == {due_date("2025-03")}
        run = conn.execute(select(BillingRun.period, BillingRun.status, BillingRun.bills, BillingRun.cents,
                                  BillingRun.created_by)).one()
        audit = conn.execute(select(AuditLog.actor, AuditLog.after).where(AuditLog.action == "billing_run")).all()
    assert tuple(run) == ("2025-03", "done", 5, sum(MARCH.values()), "zhou")
    assert len(audit) == 1 and audit[0].actor == "zhou" and audit[0].after["bills"] == 5
    assert ledger_month_drift(engine) == {}
    # the same confirmation sent again (a double tap): the same answer, nothing more
    assert store.run_billing(engine, CHIEF, sz, "2025-03", request_key="run-1", today=TODAY) == done
    # a second run of the month: nothing billed twice, and it says how much was there already
    again = store.run_billing(engine, CHIEF, sz, "2025-03", request_key="run-2", today=TODAY)
    assert (again.bills, again.cents, again.already, again.run_id) == (0, 0, 5, None)
    assert count(engine, BillingRun) == 1 and len(bills_of(engine, sz, "2025-03")) == 5
    assert store.preview_billing(engine, CHIEF, sz, "2025-03", TODAY).already == 5
    runs = store.billing_runs(engine, CHIEF, sz)
    assert runs[["period", "status", "bills"]].values.tolist() == [["2025-03", "done", 5]]


def test_a_unit_imported_with_its_bill_is_not_billed_again_by_the_run(site):
    from core.collections.entries import BillEntry

    engine, sz, _, _ = site
    store.import_bills(engine, ADMIN, sz, [BillEntry("3-101", "2025-03", "property", 99)])
    done = store.run_billing(engine, CHIEF, sz, "2025-03", today=TODAY)
    assert (done.bills, done.already) == (4, 1)
    assert bills_of(engine, sz, "2025-03")[("3-101", "property")] == 99


def test_prepaid_credit_settles_the_new_bills_at_once_and_the_rate_counts_it(site):
    """3-101 prepaid 1,000.00 on 02-20, before March existed: the run's two bills (532.70) are paid
    from it, dated 03-01; March's current-period rate counts them; 467.30 stays as credit."""
    engine, sz, _, units = site
    store.record_payment(engine, DESK, units["3-101"], "1000", date(2025, 2, 20), "cash", hold_credit=True,
                         today=TODAY)
    done = store.run_billing(engine, CHIEF, sz, "2025-03", today=TODAY)
    assert done.credit_settled == 23270 + 30000
    with engine.connect() as conn:
        allocated = conn.execute(select(Allocation.bill_period, Allocation.paid_on, Allocation.cents)
                                 .order_by(Allocation.id)).all()
        credit = conn.scalar(select(Payment.credit_cents))
    assert [tuple(a) for a in allocated] == [("2025-03", date(2025, 3, 1), 23270), ("2025-03", date(2025, 3, 1), 30000)]
    assert credit == 100000 - 53270
    sums = store.period_sums(engine, CHIEF, "2025-03", "2025-03", (sz,)).iloc[0]
    assert (sums["billed"], sums["collected"]) == (sum(MARCH.values()), 53270)
    assert ledger_month_drift(engine) == {}


def test_a_run_is_undone_whole_until_a_payment_or_a_waiver_touches_it(site):
    engine, sz, _, units = site
    store.record_payment(engine, DESK, units["3-101"], "100", date(2025, 2, 20), "cash", hold_credit=True,
                         today=TODAY)
    first = store.run_billing(engine, CHIEF, sz, "2025-03", today=TODAY)
    assert first.credit_settled == 10000
    assert store.undo_billing(engine, CHIEF, first.run_id, request_key="undo-1") == 5
    assert store.undo_billing(engine, CHIEF, first.run_id, request_key="undo-1") == 5      # a double tap
    assert bills_of(engine, sz, "2025-03") == {} and count(engine, Allocation) == 0
    with engine.connect() as conn:
        assert conn.scalar(select(Payment.credit_cents)) == 10000                          # the credit is back
        assert conn.execute(select(BillingRun.status, BillingRun.undone_by)).one() == ("undone", "zhou")
    assert ledger_month_drift(engine) == {}
    with pytest.raises(ValidationError) as info:
        store.undo_billing(engine, CHIEF, first.run_id)
    assert info.value.key == "err.run_undone"
    # billed again (the credit settles again); a payment recorded afterwards pins it
    second = store.run_billing(engine, CHIEF, sz, "2025-03", today=TODAY)
    assert second.bills == 5 and second.credit_settled == 10000
    store.record_payment(engine, DESK, units["3-102"], "10", date(2025, 3, 20), "cash", today=TODAY)
    with pytest.raises(ValidationError) as info:
        store.undo_billing(engine, CHIEF, second.run_id)
    assert info.value.key == "err.run_touched"
    # so does a waiver
    third = store.run_billing(engine, CHIEF, store_project(engine, "GZ01"), "2025-03", today=TODAY)
    with engine.connect() as conn:
        bill = conn.scalar(select(Bill.id).where(Bill.run_id == third.run_id))
    store.waive(engine, CHIEF, bill, 100, "停水一天", "zhou")
    with pytest.raises(ValidationError) as info:
        store.undo_billing(engine, CHIEF, third.run_id)
    assert info.value.key == "err.run_touched"
    with pytest.raises(NotFound):
        store.undo_billing(engine, CHIEF, 999_999)


def store_project(engine, code) -> int:
    from db.models import Project

    with engine.connect() as conn:
        return conn.scalar(select(Project.id).where(Project.code == code))


def test_a_run_is_all_or_nothing(site, monkeypatch):
    """Chunk by chunk (three units at a time here), and a failure after the first chunk leaves no
    bill, no run and no audit row behind."""
    engine, sz, _, _ = site
    monkeypatch.setattr(store, "CHUNK", 3)
    before = {m.__tablename__: count(engine, m) for m in (Bill, BillingRun, AuditLog)}

    def fail(done, total):
        if done >= 3:
            raise RuntimeError("the server went away")

    with pytest.raises(RuntimeError):
        store.run_billing(engine, CHIEF, sz, "2025-03", today=TODAY, progress=fail)
    assert {m.__tablename__: count(engine, m) for m in (Bill, BillingRun, AuditLog)} == before
    seen = []
    done = store.run_billing(engine, CHIEF, sz, "2025-03", today=TODAY, progress=lambda n, t: seen.append((n, t)))
    assert seen == [(3, 4), (4, 4)] and done.bills == 5
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Bill).where(Bill.run_id == done.run_id)) == 5
