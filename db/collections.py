"""Fee collection in the store: payments allocated to the oldest bills, dunning actions, the
figures (aggregated in SQL) and the ladder's worklist."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.clock import local_today
from core.collections import dunning
from core.collections.entries import PaymentEntry, validate_action
from core.collections.ledger import OpenBill, allocate
from core.collections.rates import PeriodSums
from core.complaints.model import Stage
from core.errors import DomainError, NotFound, ValidationError
from db.collection_models import Adjustment, Allocation, Bill, DunningAction, LedgerMonth, Payment, PaymentPlan
from db.gc_pause import cycle_collector_paused
from db.models import Building, ComplaintRow, Owner, Project, Unit
from db.movein_models import MoveinDefect
from db.uow import UnitOfWork

OUTSTANDING = Bill.amount_cents - Bill.paid_cents - Bill.waived_cents
# Written exactly as the partial index ix_bills_open's condition, so the planner can use it.
UNPAID = Bill.amount_cents > Bill.paid_cents + Bill.waived_cents


def _scope(stmt, column, project_ids):
    return stmt if project_ids is None else stmt.where(column.in_(project_ids))


# ---------------------------------------------------------------- payments

def record_payment(engine: Engine, actor: str, unit_id: int, entry: PaymentEntry, request_key: str | None = None) -> int:
    """One transaction: the payment, its allocations oldest bill first, the credit left over.
    The same form submitted twice (same request key) returns the first payment's id."""
    try:
        with UnitOfWork(engine, actor=actor) as uow:
            s = uow.session
            unit = s.get(Unit, unit_id)
            if unit is None:
                raise ValidationError("err.unit_unknown_room", field="room_no", room=entry.room_no)
            # Taken first: a twin submission waits here, then finds the payment the first one made.
            _lock_ledger(s, unit.project_id)
            _lock_units(s, [unit_id])
            if request_key:
                existing = s.scalar(select(Payment.id).where(Payment.request_key == request_key))
                if existing:
                    return existing
            same = s.execute(select(Payment.id, Payment.unit_id, Payment.amount_cents, Payment.paid_on)
                             .where(Payment.receipt_no == entry.receipt_no)).first()
            if same is not None:
                if (same.unit_id, same.amount_cents, same.paid_on) == (unit_id, entry.cents, entry.paid_on):
                    return same.id  # the same payment submitted again: recorded once
                raise ValidationError("err.receipt_used", field="receipt_no", receipt=entry.receipt_no)
            payment = _allocate_payment(s, unit_id, unit.project_id, entry, actor, request_key)
            uow.audit("payment", "unit", unit_id, after={"receipt": entry.receipt_no, "cents": entry.cents,
                                                        "allocated": entry.cents - payment.credit_cents,
                                                        "credit": payment.credit_cents})
            uow.commit()
            return payment.id
    except IntegrityError:
        # A concurrent double submission lost the race on the unique receipt or request key:
        # answer with the payment that won, when it is the same payment.
        # (Without a key, `request_key == None` would match every keyless payment: not the winner.)
        match = Payment.receipt_no == entry.receipt_no
        if request_key:
            match = match | (Payment.request_key == request_key)
        with engine.connect() as conn:
            rows = conn.execute(select(Payment.id, Payment.unit_id, Payment.amount_cents).where(match)).all()
        for same in rows:
            if (same.unit_id, same.amount_cents) == (unit_id, entry.cents):
                return same.id
        raise ValidationError("err.receipt_used", field="receipt_no", receipt=entry.receipt_no) from None


def _lock_ledger(s, project_id: int | None) -> None:
    """Writers of one project's bills and allocations take turns on PostgreSQL. The triggers of
    migration 0010 add to the project's `ledger_months` rows; two writers reaching the same months
    in different orders (an import, a payment, a waiver) would deadlock. A transaction's lock on the
    project row orders them; NO KEY UPDATE leaves inserts that reference the project free.
    SQLite needs nothing: BEGIN IMMEDIATE already serialises writers."""
    s.execute(select(Project.id).where(Project.id == project_id).with_for_update(key_share=True)).all()


def _lock_units(s, unit_ids) -> None:
    """Payments on one unit take turns: its row is locked before its bills are read.
    Locks go in id order so two writers never hold each other's next row (a deadlock on
    PostgreSQL); NO KEY UPDATE still lets complaints and other rows reference the unit meanwhile.
    SQLite has no row locks and needs none: BEGIN IMMEDIATE already serialises writers."""
    s.execute(select(Unit.id).where(Unit.id.in_(set(unit_ids))).order_by(Unit.id)
              .with_for_update(key_share=True)).all()


def _allocate_payment(s, unit_id: int, project_id: int, entry: PaymentEntry, actor: str,
                      request_key: str | None) -> Payment:
    """The payment row and its allocations, oldest open bill first; what is left is credit."""
    bills = s.execute(select(Bill.id, Bill.period, Bill.due, OUTSTANDING.label("owed"))
                      .where(Bill.unit_id == unit_id, UNPAID).order_by(Bill.id)).all()
    allocations, credit = allocate(entry.cents, [OpenBill(b.id, b.period, b.due, int(b.owed)) for b in bills])
    payment = Payment(project_id=project_id, unit_id=unit_id, receipt_no=entry.receipt_no,
                      amount_cents=entry.cents, credit_cents=credit, paid_on=entry.paid_on,
                      method=entry.method, recorded_by=actor, request_key=request_key)
    s.add(payment)
    s.flush()
    periods = {b.id: b.period for b in bills}
    for a in allocations:
        s.add(Allocation(payment_id=payment.id, bill_id=a.bill_id, project_id=project_id,
                         bill_period=periods[a.bill_id], paid_on=entry.paid_on, cents=a.cents))
        bill = s.get(Bill, a.bill_id)
        bill.paid_cents = bill.paid_cents + a.cents
    s.flush()
    return payment


def record_action(engine: Engine, actor: str, unit_id: int, step: str, outcome: str, taken_on: date | None,
                  promised_on: date | None = None, note: str = "", delivered: bool = False,
                  today: date | None = None) -> int:
    entry = validate_action(step, outcome, taken_on, promised_on, note, today or local_today())
    with UnitOfWork(engine, actor=actor) as uow:
        unit = uow.session.get(Unit, unit_id)
        if unit is None:
            raise DomainError("err.unit_unknown_room", room="")
        row = DunningAction(project_id=unit.project_id, unit_id=unit_id, step=entry.step.value, taken_on=entry.taken_on,
                            outcome=entry.outcome.value, delivered=delivered and entry.outcome.value != "unreachable",
                            promised_on=entry.promised_on, note=entry.note, staff=actor)
        uow.session.add(row)
        uow.session.flush()
        uow.audit("dunning", "unit", unit_id, after={"step": entry.step.value, "outcome": entry.outcome.value,
                                                    "delivered": row.delivered})
        uow.commit()
        return row.id


def add_payment_plan(engine: Engine, actor: str, unit_id: int, starts: date, ends: date, note: str) -> int:
    if ends < starts:
        raise ValidationError("err.plan_dates", field="ends")
    with UnitOfWork(engine, actor=actor) as uow:
        row = PaymentPlan(unit_id=unit_id, starts=starts, ends=ends, note=(note or "")[:300], created_by=actor)
        uow.session.add(row)
        uow.session.flush()
        uow.audit("payment_plan", "unit", unit_id, after={"starts": starts.isoformat(), "ends": ends.isoformat()})
        uow.commit()
        return row.id


def waive(engine: Engine, actor: str, bill_id: int, cents: int, reason: str, approved_by: str) -> None:
    """A waiver or adjustment needs a reason and the name of who approved it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("err.required", field="reason")
    if not approved_by:
        raise ValidationError("err.required", field="approved_by")
    with UnitOfWork(engine, actor=actor) as uow:
        _lock_ledger(uow.session, uow.session.scalar(select(Bill.project_id).where(Bill.id == bill_id)))
        bill = uow.session.scalar(select(Bill).where(Bill.id == bill_id).with_for_update())
        if bill is None:
            raise NotFound("err.bill_unknown")
        owed = bill.amount_cents - bill.paid_cents - bill.waived_cents
        if not 0 < cents <= owed:
            raise ValidationError("err.waiver_amount", field="amount")
        bill.waived_cents += cents
        uow.session.add(Adjustment(bill_id=bill_id, cents=cents, reason=reason[:300], approved_by=approved_by,
                                   created_by=actor))
        uow.audit("waive", "bill", bill_id, after={"cents": cents, "approved_by": approved_by})
        uow.commit()


# ---------------------------------------------------------------- figures

def _month_bounds(first: str, last: str) -> tuple[date, date]:
    y, m = map(int, first.split("-"))
    start = date(y, m, 1)
    y, m = map(int, last.split("-"))
    end = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))
    return start, end


def period_sums(engine: Engine, first: str, last: str, project_ids=None) -> pd.DataFrame:
    """Per project, for bills of periods first..last (YYYY-MM): billed, collected within the span,
    arrears outstanding when it began, and arrears recovered during it."""
    start, end = _month_bounds(first, last)
    with engine.connect() as conn:
        billed = dict(conn.execute(_scope(
            select(Bill.project_id, func.sum(Bill.amount_cents - Bill.waived_cents))
            .where(Bill.period >= first, Bill.period <= last)
            .group_by(Bill.project_id), Bill.project_id, project_ids)).all())
        collected = dict(conn.execute(_scope(
            select(Allocation.project_id, func.sum(Allocation.cents))
            .where(Allocation.bill_period >= first, Allocation.bill_period <= last, Allocation.paid_on <= end)
            .group_by(Allocation.project_id), Allocation.project_id, project_ids)).all())
        # Arrears at the start = what earlier bills still owe now + what was paid on them since the
        # start. Both read small index ranges (unpaid bills; payments since the start date).
        owed_now = dict(conn.execute(_scope(
            select(Bill.project_id, func.sum(OUTSTANDING))
            .where(Bill.period < first, UNPAID).group_by(Bill.project_id),
            Bill.project_id, project_ids)).all())
        paid_since = dict(conn.execute(_scope(
            select(Allocation.project_id, func.sum(Allocation.cents))
            .where(Allocation.paid_on >= start, Allocation.bill_period < first).group_by(Allocation.project_id),
            Allocation.project_id, project_ids)).all())
        recovered = dict(conn.execute(_scope(
            select(Allocation.project_id, func.sum(Allocation.cents))
            .where(Allocation.paid_on >= start, Allocation.paid_on <= end, Allocation.bill_period < first)
            .group_by(Allocation.project_id), Allocation.project_id, project_ids)).all())
        projects = conn.execute(_scope(select(Project.id, Project.name, Project.city), Project.id, project_ids)
                                .order_by(Project.id)).all()
    rows = []
    for p in projects:
        sums = PeriodSums(int(billed.get(p.id) or 0), int(collected.get(p.id) or 0),
                          int(owed_now.get(p.id) or 0) + int(paid_since.get(p.id) or 0), int(recovered.get(p.id) or 0))
        rows.append({"project_id": p.id, "project": p.name, "city": p.city, "billed": sums.billed,
                     "collected": sums.collected_current, "arrears_start": sums.arrears_at_start,
                     "recovered": sums.arrears_recovered})
    return pd.DataFrame(rows, columns=["project_id", "project", "city", "billed", "collected", "arrears_start", "recovered"])


def monthly_trend(engine: Engine, first: str, last: str, project_ids=None) -> pd.DataFrame:
    """Per month: billed, and collected by the end of that month for that month's bills. Read from
    `ledger_months` (kept by triggers): a few hundred rows instead of two years of bills."""
    stmt = (select(LedgerMonth.period, func.sum(LedgerMonth.billed_cents), func.sum(LedgerMonth.collected_cents))
            .where(LedgerMonth.period >= first, LedgerMonth.period <= last)
            .group_by(LedgerMonth.period).order_by(LedgerMonth.period))
    with engine.connect() as conn:
        out = pd.DataFrame(conn.execute(_scope(stmt, LedgerMonth.project_id, project_ids)).all(),
                           columns=["period", "billed", "collected"])
    return out.astype({"billed": "int64", "collected": "int64"})


def aging(engine: Engine, today: date, project_ids=None) -> pd.DataFrame:
    """Outstanding money by how long it has been overdue, owned units and developer-held apart."""
    d = {n: today - timedelta(days=n) for n in (30, 90, 180, 365, 730)}
    bucket = case((Bill.due >= d[30], "0-30"), (Bill.due >= d[90], "31-90"), (Bill.due >= d[180], "91-180"),
                  (Bill.due >= d[365], "181-365"), (Bill.due >= d[730], "1-2y"), else_="2y+")
    held = case((Unit.status == "unsold", "developer"), else_="owners")
    stmt = (select(bucket.label("bucket"), held.label("holder"), func.sum(OUTSTANDING).label("cents"),
                   func.count(func.distinct(Bill.unit_id)).label("units"))
            .join(Unit, Unit.id == Bill.unit_id).where(UNPAID, Bill.due < today)
            .group_by(bucket, held))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(_scope(stmt, Bill.project_id, project_ids)).all(),
                             columns=["bucket", "holder", "cents", "units"])
    frame["cents"] = frame["cents"].astype("int64")
    return frame


def prepayments(engine: Engine, project_ids=None) -> int:
    with engine.connect() as conn:
        # Written as the partial index ix_payments_credit's condition: only payments with credit are read.
        return int(conn.scalar(_scope(select(func.coalesce(func.sum(Payment.credit_cents), 0))
                                      .where(Payment.credit_cents > 0), Payment.project_id, project_ids)) or 0)


# ---------------------------------------------------------------- the ladder

def unit_debts(engine: Engine, today: date, project_ids=None) -> list[dunning.UnitDebt]:
    """Everything the ladder needs, in five grouped queries whatever the number of units."""
    with engine.connect() as conn:
        # Owners' debts only: developer-held (unsold) stock is settled with the developer, not dunned.
        owed = conn.execute(_scope(
            select(Bill.unit_id, func.min(Bill.due), func.sum(OUTSTANDING))
            .join(Unit, Unit.id == Bill.unit_id)
            .where(UNPAID, Bill.due < today, Unit.status != "unsold").group_by(Bill.unit_id),
            Bill.project_id, project_ids)).all()
        if not owed:
            return []
        actions = conn.execute(_scope(
            select(DunningAction.unit_id, DunningAction.step, func.max(DunningAction.taken_on))
            .group_by(DunningAction.unit_id, DunningAction.step), DunningAction.project_id, project_ids)).all()
        demands = dict(conn.execute(_scope(
            select(DunningAction.unit_id, func.max(DunningAction.taken_on)).where(DunningAction.delivered.is_(True))
            .group_by(DunningAction.unit_id), DunningAction.project_id, project_ids)).all())
        plans = set(conn.scalars(select(PaymentPlan.unit_id).where(PaymentPlan.starts <= today, PaymentPlan.ends >= today)))
        complaints = set(conn.scalars(select(ComplaintRow.unit_id).where(
            ComplaintRow.stage != Stage.CLOSED.value, ComplaintRow.unit_id.is_not(None)).distinct()))
        defects = set(conn.scalars(select(MoveinDefect.unit_id).where(MoveinDefect.status == "open").distinct()))
    last: dict[int, dict] = {}
    for unit_id, step, taken in actions:
        last.setdefault(unit_id, {})[dunning.Step(step)] = taken
    out = []
    for unit_id, oldest, cents in owed:
        pauses = tuple(r for r, hit in ((dunning.PauseReason.PAYMENT_PLAN, unit_id in plans),
                                        (dunning.PauseReason.OPEN_COMPLAINT, unit_id in complaints),
                                        (dunning.PauseReason.OPEN_DEFECT, unit_id in defects)) if hit)
        out.append(dunning.UnitDebt(unit_id, oldest, int(cents), last.get(unit_id, {}), demands.get(unit_id), pauses))
    return out


def worklist(engine: Engine, today: date, project_ids=None, ladder: dunning.Ladder = dunning.DEFAULT_LADDER) -> pd.DataFrame:
    """The day's worklist with where each unit is (project, building, floor, room, owner)."""
    with cycle_collector_paused():
        return _worklist(engine, today, project_ids, ladder)


def _worklist(engine: Engine, today: date, project_ids, ladder: dunning.Ladder) -> pd.DataFrame:
    items = dunning.worklist(unit_debts(engine, today, project_ids), today, ladder)
    cols = ["unit_id", "project", "building", "floor", "room_no", "owner", "phone", "steps", "expires",
            "warning", "expired", "paused_by", "arrears", "months"]
    if not items:
        return pd.DataFrame(columns=cols)
    # Where every indebted unit is, in one query (the owing units found in the unpaid-bills index),
    # rather than tens of thousands of ids sent back to the database.
    owing = select(Bill.unit_id).where(UNPAID, Bill.due < today)
    with engine.connect() as conn:
        where = {r[0]: r[1:] for r in conn.execute(_scope(
            select(Unit.id, Project.name, Building.name, Unit.floor, Unit.room_no, Owner.name, Owner.phone)
            .join(Project, Project.id == Unit.project_id)
            .join(Building, Building.id == Unit.building_id)
            .outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(Unit.id.in_(owing)), Unit.project_id, project_ids)).all()}
    rows = [(w.unit_id, *where[w.unit_id], ",".join(s.value for s in w.due_steps), w.expires, w.limitation_warning,
             w.expired, ",".join(p.value for p in w.paused_by), w.arrears, w.months_overdue) for w in items]
    return pd.DataFrame(rows, columns=cols)


def unit_ledger(engine: Engine, unit_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with engine.connect() as conn:
        bills = pd.DataFrame(conn.execute(
            select(Bill.id, Bill.period, Bill.item, Bill.amount_cents, Bill.paid_cents, Bill.waived_cents,
                   OUTSTANDING.label("owed"), Bill.due)
            .where(Bill.unit_id == unit_id).order_by(Bill.period.desc(), Bill.item)).mappings().all(),
            columns=["id", "period", "item", "amount_cents", "paid_cents", "waived_cents", "owed", "due"])
        payments = pd.DataFrame(conn.execute(
            select(Payment.receipt_no, Payment.paid_on, Payment.amount_cents, Payment.credit_cents, Payment.method,
                   Payment.recorded_by).where(Payment.unit_id == unit_id).order_by(Payment.paid_on.desc())).mappings().all(),
            columns=["receipt_no", "paid_on", "amount_cents", "credit_cents", "method", "recorded_by"])
        actions = pd.DataFrame(conn.execute(
            select(DunningAction.taken_on, DunningAction.step, DunningAction.outcome, DunningAction.delivered,
                   DunningAction.promised_on, DunningAction.note, DunningAction.staff)
            .where(DunningAction.unit_id == unit_id).order_by(DunningAction.taken_on.desc())).mappings().all(),
            columns=["taken_on", "step", "outcome", "delivered", "promised_on", "note", "staff"])
    return bills, payments, actions


def collectors(engine: Engine, project_ids=None) -> dict[str, list[str]]:
    """Per project (by name): the active front-desk staff who may collect there, those assigned to
    it and those who work on every project. A project nobody may collect in maps to []."""
    from db.models import StaffUser, UserProject
    desk = (StaffUser.role == "frontdesk", StaffUser.active.is_(True))
    with engine.connect() as conn:
        names = conn.scalars(_scope(select(Project.name), Project.id, project_ids)).all()
        everywhere = set(conn.scalars(select(StaffUser.username).where(*desk, StaffUser.all_projects.is_(True))))
        assigned = conn.execute(_scope(
            select(Project.name, StaffUser.username).join(UserProject, UserProject.project_id == Project.id)
            .join(StaffUser, StaffUser.id == UserProject.user_id).where(*desk), Project.id, project_ids)).all()
    out = {name: set(everywhere) for name in names}
    for name, username in assigned:
        out[name].add(username)
    return {name: sorted(people) for name, people in out.items()}


def import_bills(engine: Engine, actor: str, project_id: int, rows) -> int:
    """Validated bill rows in one transaction; due on the 15th of their month."""
    with UnitOfWork(engine, actor=actor) as uow:
        s = uow.session
        _lock_ledger(s, project_id)
        units = dict(s.execute(select(Unit.room_no, Unit.id).where(Unit.project_id == project_id)).all())
        for r in rows:
            y, m = map(int, r.period.split("-"))
            s.add(Bill(project_id=project_id, unit_id=units[r.room_no], period=r.period, item=r.item,
                       amount_cents=r.cents, paid_cents=0, waived_cents=0, due=date(y, m, 15)))
        uow.audit("import", "bills", project_id, after={"rows": len(rows)})
        uow.commit()
    return len(rows)


def import_payments(engine: Engine, actor: str, project_id: int, rows) -> int:
    """Validated payment rows, each allocated oldest bill first, all in one transaction."""
    with UnitOfWork(engine, actor=actor) as uow:
        s = uow.session
        _lock_ledger(s, project_id)
        units = dict(s.execute(select(Unit.room_no, Unit.id).where(Unit.project_id == project_id)).all())
        _lock_units(s, [units[entry.room_no] for entry in rows])
        for entry in rows:
            _allocate_payment(s, units[entry.room_no], project_id, entry, actor, None)
        uow.audit("import", "payments", project_id, after={"rows": len(rows)})
        uow.commit()
    return len(rows)


def existing_bill_keys(engine: Engine, project_id: int) -> set[tuple[str, str, str]]:
    with engine.connect() as conn:
        return set(conn.execute(select(Unit.room_no, Bill.period, Bill.item).join(Unit, Unit.id == Bill.unit_id)
                                .where(Bill.project_id == project_id)).all())


def used_receipts(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Payment.receipt_no)))


def limitation_warnings(engine: Engine, today: date, project_ids=None) -> int:
    return int(worklist(engine, today, project_ids)["warning"].sum())
