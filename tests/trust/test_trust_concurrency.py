"""Move-in day, complaint board and front desk writing at once (issue 7, item 1), on SQLite and on
PostgreSQL, through the real db functions:

* 8 tablets move households through the stations; two tablets share every household and race
  for each tap (check-in and every station), as when two staff tap the same family;
* 8 managers edit the same three complaints (record_root_cause), each with the version it loaded,
  reloading and retrying on a conflict;
* 8 front-desk sessions record payments on the same few units; six of them come in pairs that
  submit the very same payment form (one request key) at the same moment.

Afterwards: every household's station history is complete and in order, no complaint edit is lost
or counted twice, no payment is recorded or allocated twice, the receipt numbers the system gave
run 1..N without a gap or a twin, and no caller saw anything but a refusal of the domain (no
'database is locked', no OperationalError, no IntegrityError)."""
from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from core.auth.roles import Role
from core.clock import local_today
from core.auth.actor import SYSTEM
from core.collections.entries import BillEntry, PaymentEntry
from core.collections.money import yuan
from core.complaints.workflow import Actor
from core.errors import ConflictError, DomainError
from core.movein.model import BatchSettings
from core.org.model import UnitStatus
from services import org
from db.collection_models import Allocation, Bill, Payment
from db.engine import make_engine
from db.models import AuditLog, ComplaintEventRow, ComplaintRow, Unit
from db.movein_models import MoveinAppointment, MoveinBatch, MoveinStep
from ledger_check import ledger_month_drift
from services import collections as ledger
from services import complaints, movein
from trust_helpers import add_project, report, unit_rows

TABLET_PAIRS, MANAGERS, DESKS, DUP_PAIRS = 4, 8, 2, 3
SESSIONS = TABLET_PAIRS * 2 + MANAGERS + DESKS + DUP_PAIRS * 2   # 24 threads at once
HOUSEHOLDS = 32                 # 8 per pair of tablets
TICKETS = 3
PAYING_UNITS = 6
# Every worker does a fixed amount of work, not "as much as it can in N seconds": a loaded CI
# machine then takes longer instead of testing less.
EDITS_PER_MANAGER = 6
EDIT_RETRIES = 25
PAYMENTS_PER_DESK = 20
DUP_PAYMENTS_PER_PAIR = 12
PAID_ON = local_today() - timedelta(days=1)


@dataclass
class Tally:
    ops: Counter = field(default_factory=Counter)          # calls made, per kind
    refused: Counter = field(default_factory=Counter)      # DomainError keys
    failures: list = field(default_factory=list)           # anything else: must stay empty
    steps_done: list = field(default_factory=list)         # (appointment, station) that returned
    edits: list = field(default_factory=list)              # (number, tag, version returned)
    gave_up: int = 0
    payments: list = field(default_factory=list)           # (receipt, payment id, unit, cents, form or None)
    lock = threading.Lock()

    def call(self, kind: str, fn, *args, **kwargs):
        """Run one db call the way a page does: a DomainError is a refusal the user sees as a
        message; anything else is a failure of the store (lock errors included)."""
        with self.lock:
            self.ops[kind] += 1
        try:
            return True, fn(*args, **kwargs)
        except DomainError as e:
            with self.lock:
                self.refused[e.key] += 1
            return False, e
        except Exception as e:  # noqa: BLE001 - what must never reach a user, collected
            with self.lock:
                self.failures.append(f"{kind}: {type(e).__name__}: {e}"[:300])
            return False, e


def _setup(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("1", "2", "3"))
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, unit_rows("1", HOUSEHOLDS))                     # move-in
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, unit_rows("2", TICKETS, UnitStatus.OCCUPIED))    # complaints
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, unit_rows("3", PAYING_UNITS, UnitStatus.OCCUPIED))  # payments
    batch_id = movein.create_batch(engine, Actor("admin", Role.ADMIN), pid, "并发批次",
                                   BatchSettings(start=local_today(), days=1))
    with engine.connect() as conn:
        appts = list(conn.scalars(select(MoveinAppointment.id).where(MoveinAppointment.batch_id == batch_id)
                                  .order_by(MoveinAppointment.id)))
        stations = [s["code"] for s in conn.scalar(select(MoveinBatch.stations).where(MoveinBatch.id == batch_id))]
        complaint_units = list(conn.scalars(select(Unit.id).where(Unit.room_no.like("2-%")).order_by(Unit.id)))
    desk = Actor("chen", Role.FRONTDESK)
    numbers = [complaints.register(engine, desk, unit_id=u, channel="phone", complainant="测试投诉人",
                                   phone="13800000000", place="", content=f"楼道灯不亮 {i}", category="service")
               for i, u in enumerate(complaint_units)]
    rooms = [r.room_no for r in unit_rows("3", PAYING_UNITS)]
    first = local_today().replace(day=1)
    periods = []
    for back in range(6, 0, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        periods.append(f"{y:04d}-{m + 1:02d}")
    ledger.import_bills(engine, SYSTEM, pid, [BillEntry(room, p, "property", 30000) for room in rooms for p in periods])
    units = {r: org.find_unit(engine, SYSTEM, pid, r) for r in rooms}
    assert len(appts) == HOUSEHOLDS and len(numbers) == TICKETS
    return batch_id, appts, stations, numbers, units


def _tablet(engine, tally, batch_id, households, stations, start, n):
    tablet = Actor(f"tablet{n}", Role.SUPERVISOR)
    start.wait(timeout=60)
    for appt in households:
        tally.call("check_in", movein.check_in, engine, tablet, batch_id, appt)
        for station in stations:
            ok, _ = tally.call("advance", movein.advance, engine, tablet, batch_id, appt, station)
            if ok:
                with tally.lock:
                    tally.steps_done.append((appt, station))


def _manager(engine, tally, numbers, start, n):
    rng = random.Random(n)
    actor = Actor(f"mgr{n}", Role.MANAGER)
    start.wait(timeout=60)
    for i in range(EDITS_PER_MANAGER):
        number = numbers[(n + i) % len(numbers)]
        tag = f"m{n}-{i}"
        for _attempt in range(EDIT_RETRIES):
            ok, loaded = tally.call("load", complaints.load, engine, actor, number)
            if not ok:
                break
            time.sleep(rng.uniform(0, 0.004))   # the user reads the ticket before saving
            ok, result = tally.call("act", complaints.act, engine, actor, number, loaded.version,
                                    "record_root_cause", root_cause=tag, prevention=f"每周巡查 {tag}")
            if ok:
                with tally.lock:
                    tally.edits.append((number, tag, result.version))
                break
            if not isinstance(result, ConflictError):
                break
        else:
            with tally.lock:
                tally.gave_up += 1


def _pay(engine, actor: Actor, unit_id: int, entry: PaymentEntry, key: str | None = None):
    """The desk holds whatever is beyond the debt as prepayment (it confirmed); the system numbers it."""
    return ledger.record_payment(engine, actor, unit_id, yuan(entry.cents), entry.paid_on, entry.method,
                                 hold_credit=True, request_key=key)


def _desk(engine, tally, units, start, n):
    rng = random.Random(100 + n)
    desk, chief = Actor(f"desk{n}", Role.FRONTDESK), Actor(f"desk{n}", Role.MANAGER)   # waivers need a manager
    rooms = sorted(units)
    start.wait(timeout=60)
    for i in range(PAYMENTS_PER_DESK):
        room = rng.choice(rooms)
        if n % 2 and i % 2:
            # Every other action of this desk is a small waiver on the room's newest open bill: it
            # updates a bill and its month's sums while payments allocate to the same months.
            with engine.connect() as conn:
                bill_id = conn.scalar(select(Bill.id).where(Bill.unit_id == units[room], Bill.amount_cents > Bill.paid_cents
                                                            + Bill.waived_cents).order_by(Bill.period.desc()).limit(1))
            if bill_id is not None:
                tally.call("waive", ledger.waive, engine, chief, bill_id, 100, "停水一天", "zhou")
            continue
        entry = PaymentEntry(room, f"T{n:02d}-{i:04d}", rng.randrange(1000, 45000), PAID_ON, "cash")
        ok, done = tally.call("pay", _pay, engine, desk, units[room], entry)
        if ok:
            with tally.lock:
                tally.payments.append((done.receipt_no, done.payment_id, units[room], entry.cents, None))


def _duplicate_desk(engine, tally, units, start, pair_barrier, pair, side):
    """Two desks of a pair submit the same payment at the same moment, DUP_PAYMENTS_PER_PAIR times
    (bounded by count: both sides must reach every barrier)."""
    rng = random.Random(pair)          # the same sequence on both sides of the pair
    rooms = sorted(units)
    start.wait(timeout=60)
    for i in range(DUP_PAYMENTS_PER_PAIR):
        room = rng.choice(rooms)
        entry = PaymentEntry(room, f"D{pair}-{i:04d}", rng.randrange(1000, 45000), PAID_ON, "wechat")
        key = f"form-{pair}-{i}"
        pair_barrier.wait(timeout=60)
        ok, done = tally.call("pay", _pay, engine, Actor(f"dup{pair}{side}", Role.FRONTDESK), units[room], entry, key)
        if ok:
            with tally.lock:
                tally.payments.append((done.receipt_no, done.payment_id, units[room], entry.cents, key))


def test_twenty_four_sessions_write_at_once_and_nothing_is_lost(db_url, db_kind):
    # A pool as large as the crowd: every thread holds its own session at once.
    engine = make_engine(db_url, pool_size=SESSIONS + 2, max_overflow=4)
    try:
        batch_id, appts, stations, numbers, units = _setup(engine)
        tally = Tally()
        # all of them are released together, when the last thread is ready
        start = threading.Barrier(SESSIONS)

        threads = []

        def spawn(work):   # a worker that dies outside a db call (a broken barrier...) is a failure too
            threads.append(threading.Thread(target=_guarded(work, tally)))

        per_pair = HOUSEHOLDS // TABLET_PAIRS
        for p in range(TABLET_PAIRS):
            households = appts[p * per_pair:(p + 1) * per_pair]
            for side in range(2):
                spawn(lambda h=households, n=2 * p + side: _tablet(engine, tally, batch_id, h, stations, start, n))
        for n in range(MANAGERS):
            spawn(lambda n=n: _manager(engine, tally, numbers, start, n))
        for n in range(DESKS):
            spawn(lambda n=n: _desk(engine, tally, units, start, n))
        for pair in range(DUP_PAIRS):
            barrier = threading.Barrier(2)
            for side in range(2):
                spawn(lambda b=barrier, pr=pair, sd=side: _duplicate_desk(engine, tally, units, start, b, pr, sd))
        assert len(threads) == SESSIONS >= 20
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        elapsed = time.monotonic() - began
        assert not any(t.is_alive() for t in threads), "a writer hung"

        # 1. nobody saw the store fail: only refusals of the domain reached a caller
        assert tally.failures == [], tally.failures[:5]
        assert not any("locked" in k for k in tally.refused)
        assert set(tally.refused) <= {"err.conflict", "err.household_checked_in", "err.station_done_twice",
                                      "err.household_finished",
                                      "err.receipt_used", "err.waiver_amount"}, tally.refused

        lost = _check_households(engine, batch_id, appts, stations, tally)
        lost += _check_complaints(engine, numbers, tally)
        _check_payments(engine, units, tally)

        conflicts = tally.refused["err.conflict"]
        operations = sum(tally.ops.values())
        report(f"[{db_kind}] concurrency: sessions={SESSIONS} operations={operations} "
               f"({dict(tally.ops)}) in {elapsed:.1f}s; conflicts refused={conflicts}; "
               f"other refusals={ {k: v for k, v in tally.refused.items() if k != 'err.conflict'} }; "
               f"edits saved={len(tally.edits)} gave up={tally.gave_up}; lost updates={lost}")
        assert lost == 0
        # every call was made (no worker stopped early), and they really collided
        assert tally.ops["check_in"] == 2 * HOUSEHOLDS
        assert tally.ops["advance"] == 2 * HOUSEHOLDS * len(stations)
        assert tally.ops["act"] >= MANAGERS * EDITS_PER_MANAGER - tally.gave_up
        assert tally.ops["pay"] + tally.ops["waive"] >= DUP_PAIRS * 2 * DUP_PAYMENTS_PER_PAIR + PAYMENTS_PER_DESK
        assert len(tally.edits) >= TICKETS and conflicts >= 1 and tally.ops["waive"] >= 1
        assert tally.refused["err.station_done_twice"] + tally.refused["err.household_checked_in"] >= 1
    finally:
        engine.dispose()


def _guarded(work, tally):
    def run():
        try:
            work()
        except BaseException as e:  # noqa: BLE001 - reported by the test
            with tally.lock:
                tally.failures.append(f"worker: {type(e).__name__}: {e}")
    return run


def _check_households(engine, batch_id, appts, stations, tally) -> int:
    """Every household touched went through every station once, in the batch's order."""
    with engine.connect() as conn:
        steps = conn.execute(select(MoveinStep.appointment_id, MoveinStep.station, MoveinStep.seq,
                                    MoveinStep.finished_at)
                             .join(MoveinAppointment, MoveinAppointment.id == MoveinStep.appointment_id)
                             .where(MoveinAppointment.batch_id == batch_id)
                             .order_by(MoveinStep.appointment_id, MoveinStep.seq)).all()
        rows = {a.id: a for a in conn.execute(select(MoveinAppointment.__table__)
                                              .where(MoveinAppointment.batch_id == batch_id)).all()}
        handed_over = dict(conn.execute(select(Unit.id, Unit.status)).all())
    by_appt = defaultdict(list)
    for s in steps:
        by_appt[s.appointment_id].append(s)
    assert by_appt, "no household moved"
    for appt_id in appts:
        mine, appt = by_appt.get(appt_id, []), rows[appt_id]
        if not mine:
            assert appt.stations_done == 0 and appt.finished_at is None
            continue
        assert [s.seq for s in mine] == list(range(1, len(stations) + 1)), (appt_id, mine)
        assert [s.station for s in mine] == stations
        assert all(a.finished_at <= b.finished_at for a, b in zip(mine, mine[1:]))
        assert appt.stations_done == len(stations) and appt.finished_at is not None and appt.arrived_at is not None
        assert handed_over[appt.unit_id] == "handed_over"
    # each tap that returned success is one step row, and each step row was one successful tap
    recorded = Counter((s.appointment_id, s.station) for s in steps)
    returned = Counter(tally.steps_done)
    assert max(recorded.values()) == 1 and max(returned.values()) == 1
    return len(set(returned) ^ set(recorded))


def _check_complaints(engine, numbers, tally) -> int:
    """Every edit that returned success is in the ticket's timeline exactly once, and the version
    counts them: 1 at registration + one per saved edit."""
    lost = 0
    with engine.connect() as conn:
        for number in numbers:
            row = conn.execute(select(ComplaintRow.id, ComplaintRow.version, ComplaintRow.root_cause)
                               .where(ComplaintRow.number == number)).one()
            events = conn.execute(select(ComplaintEventRow.detail).where(
                ComplaintEventRow.complaint_id == row.id, ComplaintEventRow.action == "root_cause")
                .order_by(ComplaintEventRow.id)).scalars().all()
            in_timeline = Counter(e["root_cause"] for e in events)
            saved = [(tag, version) for n, tag, version in tally.edits if n == number]
            assert all(c == 1 for c in in_timeline.values()), in_timeline.most_common(3)
            lost += len({tag for tag, _ in saved} ^ set(in_timeline))
            assert row.version == 1 + len(saved)
            # the versions handed back are 2..n+1, each once: no two saves built on the same version
            assert sorted(v for _, v in saved) == list(range(2, len(saved) + 2))
            if events:
                assert row.root_cause == events[-1]["root_cause"]   # the last save is what the ticket shows
            audit = conn.scalar(select(func.count()).where(AuditLog.entity == "complaint",
                                                           AuditLog.entity_id == number,
                                                           AuditLog.action == "record_root_cause"))
            assert audit == len(saved)
    return lost


def _check_payments(engine, units, tally) -> None:
    """One payment per receipt, the receipts 1..N of the year without a gap; both desks of a
    duplicate pair got that payment back; a bill's paid amount is exactly what was allocated to it;
    a payment's allocations + credit are its amount."""
    by_receipt = defaultdict(set)
    for receipt, pid, unit, cents, _ in tally.payments:
        by_receipt[receipt].add((pid, unit, cents))
    with engine.connect() as conn:
        payments = conn.execute(select(Payment.id, Payment.receipt_no, Payment.unit_id, Payment.amount_cents,
                                       Payment.credit_cents)).all()
        stored = {r.receipt_no: r for r in payments}
        allocated_to_bill = dict(conn.execute(select(Allocation.bill_id, func.sum(Allocation.cents))
                                              .group_by(Allocation.bill_id)).all())
        allocated_of_payment = dict(conn.execute(select(Allocation.payment_id, func.sum(Allocation.cents))
                                                 .group_by(Allocation.payment_id)).all())
        bills = conn.execute(select(Bill.id, Bill.amount_cents, Bill.paid_cents, Bill.waived_cents)).all()
        audited = conn.scalar(select(func.count()).where(AuditLog.action == "payment"))
    assert len(payments) == len(stored), "two payments with one receipt"
    assert set(stored) == set(by_receipt), "a payment that returned is missing, or one appeared from nowhere"
    for receipt, seen in by_receipt.items():
        assert seen == {(stored[receipt].id, stored[receipt].unit_id, stored[receipt].amount_cents)}, receipt
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in stored)
    assert numbers == list(range(1, len(stored) + 1)), "a gap or a twin among the receipt numbers"
    forms = defaultdict(set)
    for receipt, _, _, _, key in tally.payments:
        if key is not None:
            forms[key].add(receipt)
    assert len(forms) == DUP_PAIRS * DUP_PAYMENTS_PER_PAIR and all(len(r) == 1 for r in forms.values())
    # each duplicate was returned to both desks as the same payment
    returned_twice = sum(1 for *_, key in tally.payments if key is not None)
    assert returned_twice == 2 * len(forms)
    for b in bills:
        assert int(allocated_to_bill.get(b.id, 0)) == b.paid_cents, f"bill {b.id} counted twice"
        assert 0 <= b.paid_cents + b.waived_cents <= b.amount_cents
    for p in stored.values():
        assert int(allocated_of_payment.get(p.id, 0)) + p.credit_cents == p.amount_cents
    assert audited == len(stored)
    # The month sums the triggers kept under all that traffic are the rows' own sums.
    assert ledger_month_drift(engine) == {}
