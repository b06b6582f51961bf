"""Read queries of the fee ledger: the figures (aggregated in SQL), what the dunning ladder needs,
a unit's ledger, the collectors of each project, and the keys an import is checked against.

The aging buckets are built from core's AGING_BUCKETS and the period sums follow core's
definitions (core/collections/rates.py); tests/services pin both to core on generated ledgers."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from core.collections import delivery, dunning
from core.collections import plans as plan_rules
from core.collections.ledger import Owed, period_bounds
from core.collections.plans import PlanStatus
from core.collections.rates import PeriodSums, aging_cutoffs
from core.complaints.model import Stage
from db.collection_models import (OUTSTANDING, UNPAID, Allocation, Bill, BillingRun, DeliveryProofFile, DunningAction,
                                  FeeRateRow, LedgerMonth, Payment, PaymentPlan, PlanInstalment, WaiverRequest,
                                  overdue_on)
from db.gc_pause import cycle_collector_paused
from db.models import Building, ComplaintRow, Owner, Project, StaffUser, Unit, UserProject
from db.movein_models import MoveinDefect

SUMS_COLUMNS = ["project_id", "project", "city", "billed", "collected", "arrears_start", "recovered"]


def _scope(stmt, column, project_ids):
    return stmt if project_ids is None else stmt.where(column.in_(project_ids))


# ---------------------------------------------------------------- figures

def period_sums(engine: Engine, first: str, last: str, project_ids=None) -> pd.DataFrame:
    """Per project, for bills of periods first..last (YYYY-MM): billed, collected within the span,
    arrears outstanding when it began, and arrears recovered during it (core's PeriodSums)."""
    start, end = period_bounds(first, last)
    with engine.connect() as conn:
        def grouped(stmt, column):
            return dict(conn.execute(_scope(stmt.group_by(column), column, project_ids)).all())

        # Billed (net of waivers) per bill month is what `ledger_months` keeps: a few rows per
        # project instead of every bill of the span. Its collected is "paid by the end of the bill's
        # own month", which is this span's definition only when the span is one month (the page's
        # and home's case); a longer span still sums its allocations.
        months = (LedgerMonth.period >= first, LedgerMonth.period <= last)
        billed = grouped(select(LedgerMonth.project_id, func.sum(LedgerMonth.billed_cents)).where(*months),
                         LedgerMonth.project_id)
        if first == last:
            collected = grouped(select(LedgerMonth.project_id, func.sum(LedgerMonth.collected_cents))
                                .where(*months), LedgerMonth.project_id)
        else:
            collected = grouped(select(Allocation.project_id, func.sum(Allocation.cents))
                                .where(Allocation.bill_period >= first, Allocation.bill_period <= last,
                                       Allocation.paid_on <= end), Allocation.project_id)
        # Arrears at the start = what earlier bills still owe now + what was paid on them since the
        # start. Both read small index ranges (unpaid bills; payments since the start date).
        owed_now = grouped(select(Bill.project_id, func.sum(OUTSTANDING)).where(Bill.period < first, UNPAID),
                           Bill.project_id)
        paid_since = grouped(select(Allocation.project_id, func.sum(Allocation.cents))
                             .where(Allocation.paid_on >= start, Allocation.bill_period < first),
                             Allocation.project_id)
        recovered = grouped(select(Allocation.project_id, func.sum(Allocation.cents))
                            .where(Allocation.paid_on >= start, Allocation.paid_on <= end,
                                   Allocation.bill_period < first), Allocation.project_id)
        projects = conn.execute(_scope(select(Project.id, Project.name, Project.city), Project.id, project_ids)
                                .order_by(Project.id)).all()

    def cents(sums, pid):
        return int(sums.get(pid) or 0)

    rows = []
    for p in projects:
        sums = PeriodSums(cents(billed, p.id), cents(collected, p.id),
                          cents(owed_now, p.id) + cents(paid_since, p.id), cents(recovered, p.id))
        rows.append((p.id, p.name, p.city, sums.billed, sums.collected_current, sums.arrears_at_start,
                     sums.arrears_recovered))
    return pd.DataFrame(rows, columns=SUMS_COLUMNS)


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


def _aging_bucket(today: date):
    """core's AGING_BUCKETS as a CASE over the due date (a bill overdue by d days falls in the
    first bucket whose upper bound d does not pass)."""
    cutoffs, oldest = aging_cutoffs(today)
    return case(*[(Bill.due >= cutoff, name) for cutoff, name in cutoffs], else_=oldest)


def aging(engine: Engine, today: date, project_ids=None) -> pd.DataFrame:
    """Outstanding money by how long it has been overdue, owned units and developer-held apart."""
    bucket = _aging_bucket(today)
    held = case((Unit.status == "unsold", "developer"), else_="owners")
    stmt = (select(bucket.label("bucket"), held.label("holder"), func.sum(OUTSTANDING).label("cents"),
                   func.count(func.distinct(Bill.unit_id)).label("units"))
            .join(Unit, Unit.id == Bill.unit_id).where(UNPAID, overdue_on(today))
            .group_by(bucket, held))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(_scope(stmt, Bill.project_id, project_ids)).all(),
                             columns=["bucket", "holder", "cents", "units"])
    return frame.astype({"cents": "int64", "units": "int64"})


def prepayments(engine: Engine, project_ids=None) -> int:
    with engine.connect() as conn:
        # Written as the partial index ix_payments_credit's condition: only payments with credit are read.
        return int(conn.scalar(_scope(select(func.coalesce(func.sum(Payment.credit_cents), 0))
                                      .where(Payment.credit_cents > 0), Payment.project_id, project_ids)) or 0)


# ---------------------------------------------------------------- the ladder

def _matters(conn, today: date, project_ids, owing: set[int] | None = None) -> dict[int, dunning.UnitMatters]:
    """The stop rules' inputs of every unit that has any: open complaints, open defects and the
    plans running today, each read with core's own condition (so only the few current rows).
    With `owing`, only those units' matters are built (the ladder asks of no other unit)."""
    complaints, defects, plans = defaultdict(list), defaultdict(list), defaultdict(list)
    # "Not closed" written as the list of the other stages: `stage != closed` cannot use an index
    # and read every ticket of the company's history; the IN reads ix_complaints_stage_deadline.
    unclosed = [s.value for s in Stage if s is not Stage.CLOSED]
    for unit_id, number, category, stage in conn.execute(_scope(
            select(ComplaintRow.unit_id, ComplaintRow.number, ComplaintRow.category, ComplaintRow.stage)
            .where(ComplaintRow.stage.in_(unclosed), ComplaintRow.unit_id.is_not(None)),
            ComplaintRow.project_id, project_ids)):
        complaints[unit_id].append((number, category, stage))
    for unit_id, status in conn.execute(select(MoveinDefect.unit_id, MoveinDefect.status)
                                        .where(MoveinDefect.status == dunning.OPEN_DEFECT_STATUS).distinct()):
        defects[unit_id].append(status)
    # Approved plans that may still pause today: begun, and not past their last instalment's grace
    # (core's plans.pauses decides); a plan without instalments ends on its last day.
    running = (PaymentPlan.status == PlanStatus.APPROVED.value, PaymentPlan.starts <= today,
               PaymentPlan.ends >= today - timedelta(days=plan_rules.GRACE_DAYS))
    for unit_id, plan in _plans(conn, running, project_ids).values():
        plans[unit_id].append(plan)
    having = set(complaints) | set(defects) | set(plans)
    return {u: dunning.UnitMatters(tuple(complaints[u]), tuple(defects[u]), tuple(plans[u]))
            for u in (having if owing is None else having & owing)}


def plans_matching(conn, where, project_ids=None) -> dict[int, tuple[int, plan_rules.Plan]]:
    """The plans matching `where` (a connection or a unit of work's session)."""
    return _plans(conn, where, project_ids)


def _plans(conn, where, project_ids=None) -> dict[int, tuple[int, plan_rules.Plan]]:
    """plan id -> (unit, core's Plan) of the plans matching `where`: instalments in order, and the
    money the unit paid since each plan began (payments not voided, dated from its first day on)."""
    rows = conn.execute(_scope(select(PaymentPlan.id, PaymentPlan.unit_id, PaymentPlan.status, PaymentPlan.starts,
                                      PaymentPlan.ends).join(Unit, Unit.id == PaymentPlan.unit_id).where(*where),
                               Unit.project_id, project_ids)).all()
    if not rows:
        return {}
    ids = [r.id for r in rows]
    instalments: dict[int, list] = defaultdict(list)
    for plan_id, due, cents in conn.execute(select(PlanInstalment.plan_id, PlanInstalment.due, PlanInstalment.cents)
                                            .where(PlanInstalment.plan_id.in_(ids))
                                            .order_by(PlanInstalment.plan_id, PlanInstalment.seq)):
        instalments[plan_id].append(plan_rules.Instalment(due, int(cents)))
    paid = dict(conn.execute(select(PaymentPlan.id, func.sum(Payment.amount_cents))
                             .join(Payment, (Payment.unit_id == PaymentPlan.unit_id)
                                   & (Payment.paid_on >= PaymentPlan.starts))
                             .where(PaymentPlan.id.in_(ids), Payment.voided_at.is_(None))
                             .group_by(PaymentPlan.id)).all())
    return {r.id: (r.unit_id, plan_rules.Plan(plan_rules.PlanStatus(r.status), r.starts, r.ends,
                                              tuple(instalments[r.id]), int(paid.get(r.id) or 0))) for r in rows}


def unit_debts(engine: Engine, today: date, project_ids=None) -> list[dunning.UnitDebt]:
    """Everything the ladder needs, in six grouped queries whatever the number of units; the stop
    rules are core's (dunning.stop_rules) over each unit's open matters."""
    with engine.connect() as conn:
        # Owners' debts only: developer-held (unsold) stock is settled with the developer, not dunned.
        owed = conn.execute(_scope(
            select(Bill.unit_id, func.min(Bill.due), func.sum(OUTSTANDING), func.count(func.distinct(Bill.period)))
            .join(Unit, Unit.id == Bill.unit_id)
            .where(UNPAID, overdue_on(today), Unit.status != "unsold").group_by(Bill.unit_id),
            Bill.project_id, project_ids)).all()
        if not owed:
            return []
        actions = conn.execute(_scope(
            select(DunningAction.unit_id, DunningAction.step, func.max(DunningAction.taken_on))
            .group_by(DunningAction.unit_id, DunningAction.step), DunningAction.project_id, project_ids)).all()
        demands = dict(conn.execute(_scope(
            # Only a demand with proof restarts limitation (core's PROVEN_KINDS), never a bare tick.
            select(DunningAction.unit_id, func.max(DunningAction.taken_on))
            .where(DunningAction.proof_kind.in_(sorted(delivery.PROVEN_KINDS)))
            .group_by(DunningAction.unit_id), DunningAction.project_id, project_ids)).all())
        matters = _matters(conn, today, project_ids, {row[0] for row in owed})
        # Civil Code art. 189: an approved plan of instalments moves the limitation start to its
        # last instalment's due date (core.collections.plans.limitation_start).
        plan_ends = dict(conn.execute(_scope(
            select(PaymentPlan.unit_id, func.max(PaymentPlan.ends)).join(Unit, Unit.id == PaymentPlan.unit_id)
            .where(PaymentPlan.status == PlanStatus.APPROVED.value, PaymentPlan.total_cents.is_not(None))
            .group_by(PaymentPlan.unit_id), Unit.project_id, project_ids)).all())
    last: dict[int, dict] = {}
    for unit_id, step, taken in actions:
        last.setdefault(unit_id, {})[dunning.Step(step)] = taken
    nothing = dunning.Stops((), ())
    out = []
    for unit_id, oldest, cents, periods in owed:
        stops = dunning.stop_rules(matters[unit_id], today) if unit_id in matters else nothing
        out.append(dunning.UnitDebt(unit_id, oldest, int(cents), last.get(unit_id, {}), demands.get(unit_id),
                                    stops.pauses, stops.history, plan_ends.get(unit_id), int(periods)))
    return out


WORK_COLUMNS = ["unit_id", "project", "building", "floor", "room_no", "owner", "phone", "current", "steps",
                "expires", "warning", "expired", "paused_by", "arrears", "months", "history"]


def worklist(engine: Engine, today: date, project_ids=None, ladder: dunning.Ladder = dunning.DEFAULT_LADDER) -> pd.DataFrame:
    """The day's worklist with where each unit is (project, building, floor, room, owner); the
    paused units are not worked out (home counts its limitation warnings from this alone)."""
    with cycle_collector_paused():
        work = dunning.worklist(unit_debts(engine, today, project_ids), today, ladder)
        return _frame(work, _places(engine, today, project_ids) if work else {})


def ladder_today(engine: Engine, today: date, project_ids=None,
                 ladder: dunning.Ladder = dunning.DEFAULT_LADDER) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the day's worklist, the paused units it leaves out with what their pause holds back), from
    one reading of the debts and of the indebted units' places."""
    with cycle_collector_paused():
        debts = unit_debts(engine, today, project_ids)
        work, held = dunning.worklist(debts, today, ladder), dunning.held_back(debts, today, ladder)
        where = _places(engine, today, project_ids) if work or held else {}
        return _frame(work, where), _frame(held, where)


def _places(engine: Engine, today: date, project_ids) -> dict[int, tuple]:
    """Where every indebted unit is, in one query (the owing units found in the unpaid-bills index),
    rather than tens of thousands of ids sent back to the database."""
    owing = select(Bill.unit_id).where(UNPAID, overdue_on(today))
    with engine.connect() as conn:
        # What the same units owe that is not yet due: shown beside their overdue money, labelled.
        current = dict(conn.execute(_scope(
            select(Bill.unit_id, func.sum(OUTSTANDING)).where(UNPAID, ~overdue_on(today), Bill.unit_id.in_(owing))
            .group_by(Bill.unit_id), Bill.project_id, project_ids)).all())
        return {r[0]: (*r[1:], int(current.get(r[0]) or 0)) for r in conn.execute(_scope(
            select(Unit.id, Project.name, Building.name, Unit.floor, Unit.room_no, Owner.name, Owner.phone)
            .join(Project, Project.id == Unit.project_id)
            .join(Building, Building.id == Unit.building_id)
            .outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(Unit.id.in_(owing)), Unit.project_id, project_ids)).all()}


def _frame(items: list[dunning.WorkItem], where: dict[int, tuple]) -> pd.DataFrame:
    rows = [(w.unit_id, *where[w.unit_id], ",".join(s.value for s in w.due_steps), w.expires, w.limitation_warning,
             w.expired, ",".join(p.value for p in w.paused_by), w.arrears, w.months_overdue, ",".join(w.history))
            for w in items]
    return pd.DataFrame(rows, columns=WORK_COLUMNS)


def collectors(engine: Engine, roles, project_ids=None) -> dict[str, list[str]]:
    """Per project (by name): the active staff of the given roles who may collect there, those
    assigned to it and those who work on every project. A project nobody may collect in maps to []."""
    staff = (StaffUser.role.in_([getattr(r, "value", r) for r in roles]), StaffUser.active.is_(True))
    with engine.connect() as conn:
        names = conn.scalars(_scope(select(Project.name), Project.id, project_ids)).all()
        everywhere = set(conn.scalars(select(StaffUser.username).where(*staff, StaffUser.all_projects.is_(True))))
        assigned = conn.execute(_scope(
            select(Project.name, StaffUser.username).join(UserProject, UserProject.project_id == Project.id)
            .join(StaffUser, StaffUser.id == UserProject.user_id).where(*staff), Project.id, project_ids)).all()
    out = {name: set(everywhere) for name in names}
    for name, username in assigned:
        out[name].add(username)
    return {name: sorted(people) for name, people in out.items()}


# ---------------------------------------------------------------- one unit

PAYMENT_COLUMNS = ["id", "receipt_no", "paid_on", "amount_cents", "credit_cents", "method", "recorded_by", "created_at",
                   "voided_at", "voided_by", "void_reason"]


ACTION_SELECT = (DunningAction.id, DunningAction.taken_on, DunningAction.step, DunningAction.outcome,
                 DunningAction.delivered, DunningAction.promised_on, DunningAction.note, DunningAction.staff,
                 DunningAction.proof_kind, DunningAction.courier, DunningAction.tracking_no, DunningAction.witness_1,
                 DunningAction.witness_2)
ACTION_COLUMNS = [c.key for c in ACTION_SELECT] + ["file_kind"]


def unit_ledger(engine: Engine, unit_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(bills, payments, dunning actions) of one unit, newest first."""
    with engine.connect() as conn:
        bills = pd.DataFrame(conn.execute(
            select(Bill.id, Bill.period, Bill.item, Bill.amount_cents, Bill.paid_cents, Bill.waived_cents,
                   OUTSTANDING.label("owed"), Bill.due)
            .where(Bill.unit_id == unit_id).order_by(Bill.period.desc(), Bill.item)).mappings().all(),
            columns=["id", "period", "item", "amount_cents", "paid_cents", "waived_cents", "owed", "due"])
        payments = pd.DataFrame(conn.execute(
            select(Payment.id, Payment.receipt_no, Payment.paid_on, Payment.amount_cents, Payment.credit_cents,
                   Payment.method, Payment.recorded_by, Payment.created_at, Payment.voided_at, Payment.voided_by,
                   Payment.void_reason)
            .where(Payment.unit_id == unit_id).order_by(Payment.paid_on.desc(), Payment.id.desc())).mappings().all(),
            columns=PAYMENT_COLUMNS)
        actions = pd.DataFrame(conn.execute(
            select(*ACTION_SELECT, DeliveryProofFile.kind.label("file_kind"))
            .outerjoin(DeliveryProofFile, DeliveryProofFile.action_id == DunningAction.id)   # not its bytes
            .where(DunningAction.unit_id == unit_id)
            .order_by(DunningAction.taken_on.desc(), DunningAction.id.desc())).mappings().all(),
            columns=ACTION_COLUMNS)
    return bills, payments, actions


def unit_project(engine: Engine, unit_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(Unit.project_id).where(Unit.id == unit_id))


# ---------------------------------------------------------------- what imports are checked against

def existing_bill_keys(engine: Engine, project_id: int) -> set[tuple[str, str, str]]:
    with engine.connect() as conn:
        return set(conn.execute(select(Unit.room_no, Bill.period, Bill.item).join(Unit, Unit.id == Bill.unit_id)
                                .where(Bill.project_id == project_id)).all())


def used_receipts(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Payment.receipt_no)))


# ---------------------------------------------------------------- fee schedules and runs

def fee_schedule(engine: Engine, project_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(FeeRateRow.id, FeeRateRow.item, FeeRateRow.basis, FeeRateRow.cents, FeeRateRow.effective_from,
                   FeeRateRow.developer_bp, FeeRateRow.created_by)
            .where(FeeRateRow.project_id == project_id)
            .order_by(FeeRateRow.item, FeeRateRow.effective_from.desc())).all(),
            columns=["id", "item", "basis", "cents", "effective_from", "developer_bp", "created_by"])


def billing_runs(engine: Engine, project_id: int) -> pd.DataFrame:
    """The project's runs, newest first."""
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(BillingRun.id, BillingRun.period, BillingRun.status, BillingRun.bills, BillingRun.cents,
                   BillingRun.credit_settled, BillingRun.created_by, BillingRun.created_at, BillingRun.undone_by,
                   BillingRun.undone_at)
            .where(BillingRun.project_id == project_id).order_by(BillingRun.id.desc())).all(),
            columns=["id", "period", "status", "bills", "cents", "credit_settled", "created_by", "created_at",
                     "undone_by", "undone_at"])


def project_staff(engine: Engine, project_id: int) -> dict[str, str]:
    """username -> display name of the active staff who work on the project (assigned to it or to
    every project): the people who may witness a refusal there."""
    with engine.connect() as conn:
        assigned = select(UserProject.user_id).where(UserProject.project_id == project_id)
        rows = conn.execute(select(StaffUser.username, StaffUser.display_name)
                            .where(StaffUser.active.is_(True),
                                   StaffUser.all_projects.is_(True) | StaffUser.id.in_(assigned))
                            .order_by(StaffUser.display_name, StaffUser.username)).all()
    return dict(rows)


def proof_file(engine: Engine, action_id: int) -> tuple[int, str, bytes] | None:
    """(project id, kind, bytes) of a demand's signed copy."""
    with engine.connect() as conn:
        row = conn.execute(select(DunningAction.project_id, DeliveryProofFile.kind, DeliveryProofFile.data)
                           .join(DunningAction, DunningAction.id == DeliveryProofFile.action_id)
                           .where(DeliveryProofFile.action_id == action_id)).first()
    return None if row is None else (row[0], row[1], bytes(row[2]))


# ---------------------------------------------------------------- owed: overdue and current apart

def _split(conn, where, today: date) -> Owed:
    overdue = func.coalesce(func.sum(case((overdue_on(today), OUTSTANDING), else_=0)), 0)
    current = func.coalesce(func.sum(case((overdue_on(today), 0), else_=OUTSTANDING)), 0)
    row = conn.execute(select(overdue, current).where(UNPAID, *where)).one()
    return Owed(int(row[0]), int(row[1]))


def unit_owed(engine: Engine, unit_id: int, today: date) -> Owed:
    """What one unit owes, overdue and current apart (core's split_owed, in SQL)."""
    with engine.connect() as conn:
        return _split(conn, (Bill.unit_id == unit_id,), today)


def owed_totals(engine: Engine, today: date, project_ids=None) -> Owed:
    """The same split over every unit of the projects (developer-held stock included, as in aging)."""
    with engine.connect() as conn:
        return _split(conn, () if project_ids is None else (Bill.project_id.in_(project_ids),), today)


# ---------------------------------------------------------------- plans and waivers

PLAN_COLUMNS = ["id", "unit_id", "status", "starts", "ends", "total_cents", "note", "created_by", "created_at",
                "decided_by", "decided_at", "decision_note"]


def unit_plans(engine: Engine, unit_id: int) -> tuple[pd.DataFrame, dict[int, plan_rules.Plan]]:
    """(the unit's plans newest first, plan id -> core's Plan with its instalments and money paid)."""
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(
            select(*(getattr(PaymentPlan, c) for c in PLAN_COLUMNS)).where(PaymentPlan.unit_id == unit_id)
            .order_by(PaymentPlan.id.desc())).all(), columns=PLAN_COLUMNS)
        rules = {pid: plan for pid, (_, plan) in _plans(conn, (PaymentPlan.unit_id == unit_id,)).items()}
    return frame, rules


def pending_plans(engine: Engine, project_ids=None) -> pd.DataFrame:
    """Plans waiting for a manager, oldest first, with where the unit is."""
    stmt = (select(PaymentPlan.id, PaymentPlan.unit_id, Project.name.label("project"), Unit.room_no,
                   PaymentPlan.total_cents, PaymentPlan.starts, PaymentPlan.ends, PaymentPlan.note,
                   PaymentPlan.created_by, PaymentPlan.created_at)
            .join(Unit, Unit.id == PaymentPlan.unit_id).join(Project, Project.id == Unit.project_id)
            .where(PaymentPlan.status == PlanStatus.PENDING.value).order_by(PaymentPlan.id))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(_scope(stmt, Unit.project_id, project_ids)).all(),
                            columns=["id", "unit_id", "project", "room_no", "total_cents", "starts", "ends", "note",
                                     "created_by", "created_at"])


WAIVER_COLUMNS = ["id", "bill_id", "unit_id", "project", "room_no", "period", "item", "cents", "reason", "status",
                  "requested_by", "requested_at", "decided_by", "decided_at", "decision_note"]


def _waivers(where, project_ids=None):
    return _scope(select(WaiverRequest.id, WaiverRequest.bill_id, WaiverRequest.unit_id, Project.name, Unit.room_no,
                         Bill.period, Bill.item, WaiverRequest.cents, WaiverRequest.reason, WaiverRequest.status,
                         WaiverRequest.requested_by, WaiverRequest.requested_at, WaiverRequest.decided_by,
                         WaiverRequest.decided_at, WaiverRequest.decision_note)
                  .join(Bill, Bill.id == WaiverRequest.bill_id).join(Unit, Unit.id == WaiverRequest.unit_id)
                  .join(Project, Project.id == WaiverRequest.project_id).where(*where),
                  WaiverRequest.project_id, project_ids)


def unit_waivers(engine: Engine, unit_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(_waivers((WaiverRequest.unit_id == unit_id,))
                                         .order_by(WaiverRequest.id.desc())).all(), columns=WAIVER_COLUMNS)


def pending_waivers(engine: Engine, project_ids=None) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(_waivers((WaiverRequest.status == PlanStatus.PENDING.value,), project_ids)
                                         .order_by(WaiverRequest.id)).all(), columns=WAIVER_COLUMNS)


def approved_plans(engine: Engine, project_ids=None) -> dict[int, tuple[int, plan_rules.Plan]]:
    """Every approved plan of instalments (plan id -> (unit, Plan)): what the alerts ask missed_on of."""
    with engine.connect() as conn:
        return _plans(conn, (PaymentPlan.status == PlanStatus.APPROVED.value, PaymentPlan.total_cents.is_not(None)),
                      project_ids)
