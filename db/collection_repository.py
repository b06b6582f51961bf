"""Load and save of the fee ledger inside a unit of work (the services' session): bills, payments
and their allocations, dunning actions, payment plans and waivers, with the locks that make
concurrent writers of one project take turns."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timezone

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from core.clock import CHINA
from core.collections.billing import Basis, Charge, FeeRate, RateEntry, UnitToBill
from core.collections.entries import ActionEntry, BillEntry, PaymentEntry, WaiverEntry, receipt_number
from core.collections.plans import PlanEntry as InstalmentPlan, PlanStatus
from core.collections.delivery import Proof
from core.collections.ledger import Credit, OpenBill, allocate, due_date, settle_credit
from db.collection_models import (OUTSTANDING, UNPAID, Adjustment, Allocation, Bill, BillingRun, DeliveryProofFile,
                                  DunningAction, FeeRateRow, Payment, PaymentPlan, PlanInstalment, ReceiptCounter,
                                  WaiverRequest)
from db.base import utcnow
from db.models import Project, Unit
from db.movein_models import MoveinAppointment


@dataclass(frozen=True)
class UnitPlace:
    unit_id: int
    project_id: int
    room_no: str


def unit_place(s: Session, unit_id: int) -> UnitPlace | None:
    row = s.execute(select(Unit.project_id, Unit.room_no).where(Unit.id == unit_id)).first()
    return None if row is None else UnitPlace(unit_id, row.project_id, row.room_no)


def bill_project(s: Session, bill_id: int) -> int | None:
    return s.scalar(select(Bill.project_id).where(Bill.id == bill_id))


def project_exists(s: Session, project_id: int) -> bool:
    return s.scalar(select(Project.id).where(Project.id == project_id)) is not None


def run_project(s: Session, run_id: int) -> int | None:
    return s.scalar(select(BillingRun.project_id).where(BillingRun.id == run_id))


def payment_project(s: Session, payment_id: int) -> int | None:
    return s.scalar(select(Payment.project_id).where(Payment.id == payment_id))


def unit_ids_by_room(s: Session, project_id: int) -> dict[str, int]:
    return dict(s.execute(select(Unit.room_no, Unit.id).where(Unit.project_id == project_id)).all())


def lock_ledger(s: Session, project_id: int | None) -> None:
    """Writers of one project's bills and allocations take turns on PostgreSQL. The triggers of
    migration 0010 add to the project's `ledger_months` rows; two writers reaching the same months
    in different orders (an import, a payment, a waiver) would deadlock. A transaction's lock on the
    project row orders them; NO KEY UPDATE leaves inserts that reference the project free.
    SQLite needs nothing: BEGIN IMMEDIATE already serialises writers."""
    s.execute(select(Project.id).where(Project.id == project_id).with_for_update(key_share=True)).all()


def lock_units(s: Session, unit_ids) -> None:
    """Payments on one unit take turns: its row is locked before its bills are read.
    Locks go in id order so two writers never hold each other's next row (a deadlock on
    PostgreSQL); NO KEY UPDATE still lets complaints and other rows reference the unit meanwhile."""
    s.execute(select(Unit.id).where(Unit.id.in_(set(unit_ids))).order_by(Unit.id)
              .with_for_update(key_share=True)).all()


def open_bills(s: Session, unit_ids) -> list[tuple[int, OpenBill]]:
    """(unit, open bill) of the given units (read from the unpaid-bills index)."""
    out = []
    ids = sorted(set(unit_ids))
    for chunk in range(0, len(ids), 5000):   # bound the IN list of a billing run
        out += [(b.unit_id, OpenBill(b.id, b.period, b.due, int(b.owed))) for b in s.execute(
            select(Bill.unit_id, Bill.id, Bill.period, Bill.due, OUTSTANDING.label("owed"))
            .where(Bill.unit_id.in_(ids[chunk:chunk + 5000]), UNPAID).order_by(Bill.id))]
    return out


def owed_and_credit(s: Session, unit_id: int) -> tuple[int, int]:
    """What the unit owes on every open bill (due or not), and the credit it holds."""
    owed = s.scalar(select(func.coalesce(func.sum(OUTSTANDING), 0)).where(Bill.unit_id == unit_id, UNPAID))
    credit = s.scalar(select(func.coalesce(func.sum(Payment.credit_cents), 0))
                      .where(Payment.unit_id == unit_id, Payment.credit_cents > 0))
    return int(owed or 0), int(credit or 0)


def _insert_ignoring_conflict(s: Session, table, **values) -> None:
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    s.execute(insert(table).values(**values).on_conflict_do_nothing())


def next_receipt(s: Session, project_id: int, year: int) -> str:
    """The project's next receipt number of the year. The counter row is created once (a twin
    creating it at the same moment waits on the key, then finds it) and incremented by an UPDATE
    that holds its row until this transaction ends. A number already carried by an imported
    historical receipt is passed over (it is in use, so the numbers in use still have no gap)."""
    _insert_ignoring_conflict(s, ReceiptCounter.__table__, project_id=project_id, year=year, last=0)
    code = s.scalar(select(Project.code).where(Project.id == project_id))
    counter = ReceiptCounter.__table__.c
    while True:
        n = s.execute(ReceiptCounter.__table__.update()
                      .where(counter.project_id == project_id, counter.year == year)
                      .values(last=counter.last + 1).returning(counter.last)).scalar_one()
        number = receipt_number(code, project_id, year, n)
        if s.scalar(select(Payment.id).where(Payment.receipt_no == number)) is None:
            return number


def add_payment(s: Session, unit_id: int, project_id: int, entry: PaymentEntry, actor: str) -> Payment:
    """The payment row and its allocations, oldest open bill first; what is left is credit."""
    bills = [b for _, b in open_bills(s, [unit_id])]
    allocations, credit = allocate(entry.cents, bills)
    payment = Payment(project_id=project_id, unit_id=unit_id, receipt_no=entry.receipt_no,
                      amount_cents=entry.cents, credit_cents=credit, paid_on=entry.paid_on,
                      method=entry.method, recorded_by=actor)
    s.add(payment)
    s.flush()
    periods = {b.bill_id: b.period for b in bills}
    for a in allocations:
        s.add(Allocation(payment_id=payment.id, bill_id=a.bill_id, project_id=project_id,
                         bill_period=periods[a.bill_id], paid_on=entry.paid_on, cents=a.cents))
        s.execute(update(Bill).where(Bill.id == a.bill_id).values(paid_cents=Bill.paid_cents + a.cents))
    s.flush()
    return payment


def bill_keys(s: Session, project_id: int) -> set[tuple[str, str, str]]:
    """(room, period, item) of every bill of the project."""
    return set(s.execute(select(Unit.room_no, Bill.period, Bill.item).join(Unit, Unit.id == Bill.unit_id)
                         .where(Bill.project_id == project_id)).all())


def receipts_taken(s: Session, receipts: list[str]) -> set[str]:
    taken: set[str] = set()
    for chunk in range(0, len(receipts), 5000):   # bound the IN list of a large import
        taken |= set(s.scalars(select(Payment.receipt_no).where(Payment.receipt_no.in_(receipts[chunk:chunk + 5000]))))
    return taken


def add_bills(s: Session, project_id: int, units: dict[str, int], rows: list[BillEntry]) -> None:
    """Each bill due on core's due date of its month."""
    for r in rows:
        s.add(Bill(project_id=project_id, unit_id=units[r.room_no], period=r.period, item=r.item,
                   amount_cents=r.cents, paid_cents=0, waived_cents=0, due=due_date(r.period)))
    s.flush()


def add_action(s: Session, place: UnitPlace, entry: ActionEntry, proof: Proof | None, staff: str) -> DunningAction:
    """The action and, with a signed copy, its file: one flush, inside the caller's transaction."""
    witnesses = tuple(proof.witnesses) + (None, None) if proof else (None, None)
    row = DunningAction(project_id=place.project_id, unit_id=place.unit_id, step=entry.step.value,
                        taken_on=entry.taken_on, outcome=entry.outcome.value, delivered=proof is not None,
                        promised_on=entry.promised_on, note=entry.note, staff=staff,
                        proof_kind=proof.kind.value if proof else None, courier=proof.courier if proof else None,
                        tracking_no=proof.tracking_no if proof else None,
                        witness_1=witnesses[0], witness_2=witnesses[1])
    s.add(row)
    s.flush()
    if proof is not None and proof.file is not None:
        s.add(DeliveryProofFile(action_id=row.id, kind=proof.file_kind.value, sha256=proof.sha256,
                                size=len(proof.file), data=proof.file))
        s.flush()
    return row


def add_plan(s: Session, unit_id: int, starts: date, entry: InstalmentPlan, actor: str) -> int:
    """A plan waiting for a manager, with its instalments in date order."""
    row = PaymentPlan(unit_id=unit_id, starts=starts, ends=entry.ends, note=entry.note, created_by=actor,
                      status=PlanStatus.PENDING.value, total_cents=entry.total)
    s.add(row)
    s.flush()
    s.add_all(PlanInstalment(plan_id=row.id, seq=i, due=inst.due, cents=inst.cents)
              for i, inst in enumerate(entry.instalments, start=1))
    s.flush()
    return row.id


def unit_plans(s: Session, unit_id: int) -> list[tuple[str, object]]:
    """(status, core's Plan) of the unit's plans, read inside the caller's transaction."""
    from db.collection_queries import plans_matching
    return [(plan.status.value, plan) for _, plan in plans_matching(s, (PaymentPlan.unit_id == unit_id,)).values()]


def plan_place(s: Session, plan_id: int) -> UnitPlace | None:
    row = s.execute(select(PaymentPlan.unit_id).where(PaymentPlan.id == plan_id)).first()
    return None if row is None else unit_place(s, row.unit_id)


def plan_for_update(s: Session, plan_id: int) -> PaymentPlan | None:
    return s.scalar(select(PaymentPlan).where(PaymentPlan.id == plan_id).with_for_update())


def decide(row, status: str, actor: str, note: str, at) -> None:
    """A plan or a waiver request approved or refused: by whom, when, why."""
    row.status, row.decided_by, row.decided_at, row.decision_note = status, actor, at, note or None


def add_waiver_request(s: Session, bill: Bill, cents: int, reason: str, actor: str) -> int:
    row = WaiverRequest(bill_id=bill.id, project_id=bill.project_id, unit_id=bill.unit_id, cents=cents, reason=reason,
                        status=PlanStatus.PENDING.value, requested_by=actor)
    s.add(row)
    s.flush()
    return row.id


def waiver_pending(s: Session, bill_id: int) -> int:
    """What requests still waiting on the bill ask for together."""
    return int(s.scalar(select(func.coalesce(func.sum(WaiverRequest.cents), 0))
                        .where(WaiverRequest.bill_id == bill_id, WaiverRequest.status == PlanStatus.PENDING.value))
               or 0)


def waiver_request_project(s: Session, request_id: int) -> int | None:
    return s.scalar(select(WaiverRequest.project_id).where(WaiverRequest.id == request_id))


def waiver_request_for_update(s: Session, request_id: int) -> WaiverRequest | None:
    return s.scalar(select(WaiverRequest).where(WaiverRequest.id == request_id).with_for_update())


def bill_for_update(s: Session, bill_id: int) -> Bill | None:
    return s.scalar(select(Bill).where(Bill.id == bill_id).with_for_update())


def owed(bill: Bill) -> int:
    return bill.amount_cents - bill.paid_cents - bill.waived_cents


def add_waiver(s: Session, bill: Bill, entry: WaiverEntry, actor: str) -> None:
    bill.waived_cents += entry.cents
    s.add(Adjustment(bill_id=bill.id, cents=entry.cents, reason=entry.reason, approved_by=entry.approved_by,
                     created_by=actor))
    s.flush()


def settle_credits(s: Session, project_id: int, unit_ids=None) -> int:
    """Credit of the project's units (all, or those given) set against their open bills by core's
    settle_credit; the cents settled. Found through the few payments with credit left
    (ix_payments_credit), so a billing run of 100,000 units reads only the units that prepaid."""
    wanted = None if unit_ids is None else set(unit_ids)
    credits: dict[int, list[Credit]] = {}
    for pid, unit_id, paid_on, cents in s.execute(
            select(Payment.id, Payment.unit_id, Payment.paid_on, Payment.credit_cents)
            .where(Payment.project_id == project_id, Payment.credit_cents > 0)):
        if wanted is None or unit_id in wanted:
            credits.setdefault(unit_id, []).append(Credit(pid, paid_on, int(cents)))
    if not credits:
        return 0
    lock_units(s, credits)
    bills: dict[int, list[OpenBill]] = {}
    for unit_id, bill in open_bills(s, credits):
        bills.setdefault(unit_id, []).append(bill)
    periods = {b.bill_id: b.period for unit in bills.values() for b in unit}
    settled = [st for unit_id, unit_bills in bills.items() for st in settle_credit(credits[unit_id], unit_bills)]
    if settled:
        # Three statements whatever the number of settlements (a billing run may make thousands).
        insert_rows(s, Allocation.__table__, [
            {"payment_id": st.payment_id, "bill_id": st.bill_id, "project_id": project_id,
             "bill_period": periods[st.bill_id], "paid_on": st.paid_on, "cents": st.cents} for st in settled])
        _add(s, Bill.__table__, "paid_cents", [(st.bill_id, st.cents) for st in settled])
        _add(s, Payment.__table__, "credit_cents", [(st.payment_id, -st.cents) for st in settled])
    return sum(st.cents for st in settled)


def _add(s: Session, table, column: str, deltas: list[tuple[int, int]]) -> None:
    """column += delta for each (id, delta), as one executemany."""
    c = table.c
    s.execute(table.update().where(c.id == bindparam("row_id")).values({column: c[column] + bindparam("delta")}),
              [{"row_id": i, "delta": d} for i, d in deltas])


@dataclass(frozen=True)
class StoredPaymentFull:
    payment_id: int
    project_id: int
    unit_id: int
    receipt_no: str
    cents: int
    credit: int
    created_at: object
    voided: bool


def payment_for_update(s: Session, payment_id: int) -> StoredPaymentFull | None:
    row = s.execute(select(Payment.id, Payment.project_id, Payment.unit_id, Payment.receipt_no, Payment.amount_cents,
                           Payment.credit_cents, Payment.created_at, Payment.voided_at)
                    .where(Payment.id == payment_id).with_for_update()).first()
    return None if row is None else StoredPaymentFull(*row[:7], row.voided_at is not None)


def void_payment(s: Session, payment_id: int, reason: str, actor: str, at) -> list[dict]:
    """Its allocations deleted (the bills owe again; the month sums follow by trigger), its credit
    0, the row kept with its receipt number, marked void by whom, when and why. Returns what was
    reversed (bill, period, paid on, cents) for the audit."""
    reversed_ = [{"bill_id": a.bill_id, "period": a.bill_period, "paid_on": a.paid_on.isoformat(), "cents": a.cents}
                 for a in s.scalars(select(Allocation).where(Allocation.payment_id == payment_id)
                                    .order_by(Allocation.id))]
    for a in reversed_:
        s.execute(update(Bill).where(Bill.id == a["bill_id"]).values(paid_cents=Bill.paid_cents - a["cents"]))
    s.execute(Allocation.__table__.delete().where(Allocation.payment_id == payment_id))
    s.execute(update(Payment).where(Payment.id == payment_id).values(
        credit_cents=0, voided_at=at, voided_by=actor, void_reason=reason))
    s.flush()
    return reversed_


# ---------------------------------------------------------------- fee schedules and billing runs

def fee_rates(s: Session, project_id: int) -> list[FeeRate]:
    return [FeeRate(r.item, Basis(r.basis), int(r.cents), r.effective_from, r.developer_bp)
            for r in s.execute(select(FeeRateRow.item, FeeRateRow.basis, FeeRateRow.cents, FeeRateRow.effective_from,
                                      FeeRateRow.developer_bp).where(FeeRateRow.project_id == project_id))]


def rate_row(s: Session, project_id: int, item: str, effective_from: date) -> FeeRateRow | None:
    """The rate entered for the item and month, locked for the rest of the transaction."""
    return s.scalar(select(FeeRateRow).where(FeeRateRow.project_id == project_id, FeeRateRow.item == item,
                                             FeeRateRow.effective_from == effective_from).with_for_update())


def set_rate(s: Session, project_id: int, entry: RateEntry, actor: str) -> tuple[int, dict | None]:
    """The item's rate from that month on, replacing one entered for the same month; (its id,
    what it replaced). Bills already made keep their amounts. `created_by`/`created_at` name the
    last one to set it (the table has no version: a stale save is found by that time)."""
    row = rate_row(s, project_id, entry.item, entry.effective_from)
    before = None
    if row is None:
        row = FeeRateRow(project_id=project_id, item=entry.item, effective_from=entry.effective_from)
        s.add(row)
    else:
        before = {"basis": row.basis, "cents": row.cents, "developer_bp": row.developer_bp}
    row.basis, row.cents, row.developer_bp, row.created_by = entry.basis.value, entry.cents, entry.developer_bp, actor
    row.created_at = utcnow()
    s.flush()
    return row.id, before


def units_to_bill(s: Session, project_id: int, after_id: int, size: int) -> list[UnitToBill]:
    """The project's next `size` units by id after `after_id`, each with the day of its recorded
    handover (the move-in that finished, in China's date) if any."""
    rows = s.execute(select(Unit.id, Unit.room_no, Unit.status, Unit.area_m2)
                     .where(Unit.project_id == project_id, Unit.id > after_id).order_by(Unit.id).limit(size)).all()
    if not rows:
        return []
    handed = dict(s.execute(
        select(MoveinAppointment.unit_id, func.min(MoveinAppointment.finished_at))
        .where(MoveinAppointment.unit_id.between(rows[0].id, rows[-1].id), MoveinAppointment.finished_at.is_not(None),
               MoveinAppointment.no_show.is_(False)).group_by(MoveinAppointment.unit_id)).all())
    return [UnitToBill(r.id, r.room_no, r.status, r.area_m2, _china_day(handed.get(r.id))) for r in rows]


def _china_day(moment) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:           # SQLite keeps no zone: the column is UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).date()


def billed_items(s: Session, period: str, first_unit: int, last_unit: int) -> dict[int, frozenset[str]]:
    """Per unit of the id range, the items it already has a bill of for the month (read from the
    unique (unit, period, item) index)."""
    out: dict[int, set[str]] = {}
    for unit_id, item in s.execute(select(Bill.unit_id, Bill.item).where(
            Bill.unit_id.between(first_unit, last_unit), Bill.period == period)):
        out.setdefault(unit_id, set()).add(item)
    return {u: frozenset(items) for u, items in out.items()}


def unit_count(s: Session, project_id: int) -> int:
    return int(s.scalar(select(func.count()).select_from(Unit).where(Unit.project_id == project_id)) or 0)


def start_run(s: Session, project_id: int, period: str, actor: str) -> BillingRun:
    run = BillingRun(project_id=project_id, period=period, status="done", bills=0, cents=0, credit_settled=0,
                     created_by=actor)
    s.add(run)
    s.flush()
    return run


def insert_rows(s: Session, table, rows: list[dict]) -> None:
    """Rows in batches of multi-row INSERTs (SQLAlchemy's "insertmanyvalues", which an INSERT with
    RETURNING gets). Not a plain executemany: PostgreSQL's driver sends that one statement per
    row, and the ledger_months triggers (per statement there) would update a month's row per bill."""
    if rows:
        s.execute(table.insert().returning(table.c.id), rows)


def insert_bills(s: Session, project_id: int, period: str, charges: list[Charge], run_id: int) -> None:
    """Each bill due on core's due date of its month."""
    due = due_date(period)
    insert_rows(s, Bill.__table__, [
        {"project_id": project_id, "unit_id": c.unit_id, "period": period, "item": c.item, "amount_cents": c.cents,
         "paid_cents": 0, "waived_cents": 0, "due": due, "run_id": run_id} for c in charges])


def run_units(s: Session, run_id: int) -> list[int]:
    return list(s.scalars(select(Bill.unit_id).where(Bill.run_id == run_id).distinct()))


def run_for_update(s: Session, run_id: int) -> BillingRun | None:
    return s.scalar(select(BillingRun).where(BillingRun.id == run_id).with_for_update())


def run_touched(s: Session, run: BillingRun) -> bool:
    """Has anything but the run's own credit settlement touched its bills: a waiver, or a
    payment recorded after the run?"""
    waived = s.scalar(select(Bill.id).where(Bill.run_id == run.id, Bill.waived_cents > 0).limit(1))
    paid_after = s.scalar(select(Allocation.id).join(Bill, Bill.id == Allocation.bill_id)
                          .join(Payment, Payment.id == Allocation.payment_id)
                          .where(Bill.run_id == run.id, Payment.created_at > run.created_at).limit(1))
    return waived is not None or paid_after is not None


def undo_run(s: Session, run: BillingRun, actor: str, at) -> tuple[int, int]:
    """The run's bills deleted (the month sums follow by trigger), the credit that settled them
    given back to its payments; (bills removed, credit given back)."""
    on_run = select(Bill.id).where(Bill.run_id == run.id)
    back = s.execute(select(Allocation.payment_id, func.sum(Allocation.cents))
                     .where(Allocation.bill_id.in_(on_run)).group_by(Allocation.payment_id)).all()
    for payment_id, cents in back:
        s.execute(update(Payment).where(Payment.id == payment_id).values(credit_cents=Payment.credit_cents + cents))
    s.execute(Allocation.__table__.delete().where(Allocation.bill_id.in_(on_run)))
    removed = s.execute(Bill.__table__.delete().where(Bill.run_id == run.id)).rowcount
    run.status, run.undone_by, run.undone_at = "undone", actor, at
    s.flush()
    return removed, sum(int(c) for _, c in back)
