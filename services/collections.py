"""Fee collection use cases: payments (settling the oldest bills first, numbered by the system per
project and year, more than is owed only when the desk confirms it) and their same-day void,
dunning actions, payment plans, waivers, the bill and payment imports, fee schedules and the
monthly billing run (preview, run, undo); prepaid credit settles a unit's oldest bills as soon as
bills exist. And the reads of the collection pages (the figures with core's rates, the dunning
worklist with its collectors and the paused units, a unit's ledger, the home headline).

Every write checks the actor's capability and the project of the unit or bill it touches, and runs
at most once per request key (the unit of work's request log)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import NamedTuple

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth.privacy import phone_as_seen
from core.auth.actor import Actor
from core.auth.capabilities import Capability, roles_with
from core.clock import CHINA, local_today
from core.collections.billing import (RunPlan, check_undo, plan_chunk, rates_in_force, validate_rate,
                                      validate_run_period)
from core.collections.delivery import Proof, last_proven_demand, validate_delivery
from core.collections.dunning import add_months, assign_collector, expiry
from core.collections.ledger import Owed, period_of, split_owed
from core.collections import plans as plan_rules
from core.collections.entries import (BillEntry, PaymentEntry, WaiverEntry, check_overpayment, check_waiver,
                                      validate_action, validate_bill_rows, validate_payment_form,
                                      validate_payment_rows, validate_void, validate_waiver,
                                      validate_waiver_request, voidable)
from core.collections.plans import PlanStatus, check_decision, validate_plan_entry
from core.collections.rates import PeriodSums, current_rate, recovery_rate
from core.errors import DomainError, NotFound, ValidationError, ValidationErrors
from core.importing.units import RowError
from core.org.rules import mask_phone
from core.uploads import UploadKind
from db import collection_queries as queries
from db import collection_repository as repo
from db import org_queries, user_queries
from db.base import utcnow
from db.uow import UnitOfWork

C = Capability
UNASSIGNED = "—"  # the collector of a building whose project has no front desk to collect


def _unknown_unit() -> ValidationError:
    return ValidationError("err.unit_unknown_room", field="room_no", room="")


# ---------------------------------------------------------------- payments

@dataclass(frozen=True)
class Recorded:
    """A payment as the desk sees it once saved."""
    payment_id: int
    receipt_no: str      # made by the system: per project and year, without gaps
    cents: int
    allocated: int       # set against the unit's bills, oldest first
    credit: int          # held as prepayment


def record_payment(engine: Engine, actor: Actor, unit_id: int, amount: object, paid_on: date | None, method: object,
                   hold_credit: bool = False, request_key: str | None = None, today: date | None = None) -> Recorded:
    """One transaction: the payment with the project's next receipt number of the year, its
    allocations oldest bill first, the credit left over. More than the unit owes is refused
    unless the desk confirmed holding the rest as prepayment (`hold_credit`)."""
    actor.require(C.RECORD_PAYMENT)
    today = today or local_today()
    cents, day, method_ = validate_payment_form(amount, paid_on, method, today)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return Recorded(**done)
        s = uow.session
        place = repo.unit_place(s, unit_id)
        if place is None:
            raise _unknown_unit()
        actor.require_project(place.project_id)
        repo.lock_ledger(s, place.project_id)
        repo.lock_units(s, [unit_id])
        # Credit left beside an open bill (a ledger from before credit settled) is settled first.
        repo.settle_credits(s, place.project_id, [unit_id])
        check_overpayment(cents, *repo.owed_and_credit(s, unit_id), hold_credit)
        receipt = repo.next_receipt(s, place.project_id, today.year)
        payment = repo.add_payment(s, unit_id, place.project_id, PaymentEntry(place.room_no, receipt, cents, day,
                                                                             method_), actor.username)
        done = Recorded(payment.id, receipt, cents, cents - payment.credit_cents, payment.credit_cents)
        uow.audit("payment", "unit", unit_id, after={"receipt": receipt, "cents": cents, "allocated": done.allocated,
                                                    "credit": done.credit})
        uow.commit(asdict(done))
        return done


def void_payment(engine: Engine, actor: Actor, payment_id: int, reason: object, request_key: str | None = None,
                 today: date | None = None) -> int:
    """A payment voided on the day it was recorded, with a reason: its allocations reversed (the
    bills owe again, unless other credit of the unit settles them), the receipt number kept and
    marked void, who voided it recorded. Returns what the unit owes afterwards."""
    actor.require(C.VOID_PAYMENT)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        project_id = repo.payment_project(s, payment_id)
        actor.require_record(project_id, "err.payment_unknown")
        repo.lock_ledger(s, project_id)
        payment = repo.payment_for_update(s, payment_id)
        repo.lock_units(s, [payment.unit_id])
        why = validate_void(reason, payment.created_at.astimezone(CHINA).date(), payment.voided,
                            today or local_today())
        reversed_ = repo.void_payment(s, payment_id, why, actor.username, utcnow())
        repo.settle_credits(s, project_id, [payment.unit_id])
        uow.audit("void_payment", "payment", payment_id,
                  before={"receipt": payment.receipt_no, "cents": payment.cents, "credit": payment.credit,
                          "allocations": reversed_},
                  after={"void": True, "reason": why})
        return uow.commit(repo.owed_and_credit(s, payment.unit_id)[0])


# ---------------------------------------------------------------- the ladder's record

def record_action(engine: Engine, actor: Actor, unit_id: int, step: str, outcome: str, taken_on: date | None,
                  promised_on: date | None = None, note: str = "", delivered: bool = False,
                  proof_kind: str | None = None, courier: str = "", tracking_no: str = "",
                  proof_file: bytes | None = None, witnesses: tuple[str, ...] = (),
                  request_key: str | None = None, today: date | None = None) -> int:
    """A reminder and its outcome. One recorded as delivered (ticked, or the outcome "delivered")
    needs its proof: a courier and tracking number, the signed copy's photo or scan (checked from
    its bytes and kept with the action), or two different staff of the project who witnessed a
    refusal. Only such a proof restarts the limitation clock. Every wrong field at once; the
    action, its proof and its file in one transaction."""
    actor.require(C.RECORD_DUNNING)
    project_id = queries.unit_project(engine, unit_id)
    if project_id is None:
        raise _unknown_unit()
    actor.require_project(project_id)
    staff = queries.project_staff(engine, project_id) if witnesses else {}
    entry, proof = ValidationErrors.collect(
        lambda: validate_action(step, outcome, taken_on, promised_on, note, today or local_today()),
        lambda: validate_delivery(outcome, delivered, proof_kind, courier, tracking_no, proof_file, tuple(witnesses),
                                  staff))
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        place = repo.unit_place(uow.session, unit_id)
        if place is None:
            raise _unknown_unit()
        actor.require_project(place.project_id)
        row = repo.add_action(uow.session, place, entry, proof, actor.username)
        uow.audit("dunning", "unit", unit_id, after={"step": entry.step.value, "outcome": entry.outcome.value,
                                                    "delivered": row.delivered, **_proof_audit(proof)})
        return uow.commit(row.id)


def _proof_audit(proof: Proof | None) -> dict:
    """What the trail keeps of a proof: its kind and particulars, the file by its hash, not its bytes."""
    if proof is None:
        return {}
    return {k: v for k, v in {"proof": proof.kind.value, "courier": proof.courier, "tracking_no": proof.tracking_no,
                              "witnesses": list(proof.witnesses) or None, "file_sha256": proof.sha256,
                              "file_kind": proof.file_kind.value if proof.file_kind else None}.items()
            if v is not None}


def delivery_witnesses(engine: Engine, actor: Actor, unit_ids: list[int]) -> dict[str, str]:
    """username -> name of the active staff of the units' projects (a refusal's possible witnesses;
    the write checks again that both work on the unit's own project)."""
    actor.require(C.RECORD_DUNNING)
    out: dict[str, str] = {}
    for project_id in sorted({p for p in (queries.unit_project(engine, u) for u in unit_ids) if p is not None}):
        if actor.sees(project_id):
            out.update(queries.project_staff(engine, project_id))
    return dict(sorted(out.items(), key=lambda kv: (kv[1], kv[0])))


@dataclass(frozen=True)
class ProofFile:
    kind: str
    mime: str
    data: bytes


def delivery_proof_file(engine: Engine, actor: Actor, action_id: int) -> ProofFile:
    """The signed copy of a demand, for whoever may see the unit's ledger. It shows the owner's
    name and signature: each look is logged."""
    actor.require(C.VIEW_COLLECTIONS)
    found = queries.proof_file(engine, action_id)
    if found is None:
        raise NotFound("err.proof_unknown")
    project_id, kind, data = found
    actor.require_project(project_id)
    with UnitOfWork(engine, actor.username) as uow:
        uow.audit("view", "dunning_action", action_id, after={"proof_file": kind})
        uow.commit(None)
    return ProofFile(kind, UploadKind(kind).mime, data)


def add_payment_plan(engine: Engine, actor: Actor, unit_id: int, instalments: list[tuple[object, object]],
                     note: str = "", request_key: str | None = None, today: date | None = None) -> int:
    """A plan of instalments (due date, amount) the owner agreed to, entered by the desk or a
    collector; it waits for a manager (decide_payment_plan) and pauses nothing until approved.
    Every wrong field at once: dates in order and not before today, amounts positive, the total
    no more than the unit owes. One plan waiting or kept per unit at a time."""
    actor.require(C.ADD_PAYMENT_PLAN)
    today = today or local_today()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        place = repo.unit_place(s, unit_id)
        if place is None:
            raise _unknown_unit()
        actor.require_project(place.project_id)
        repo.lock_units(s, [unit_id])
        owed, _ = repo.owed_and_credit(s, unit_id)
        entry = validate_plan_entry(instalments, note, owed, today)
        if any(status == PlanStatus.PENDING.value or plan_rules.progress(plan, today) == plan_rules.Progress.KEPT
               for status, plan in repo.unit_plans(s, unit_id)):
            raise ValidationError("err.plan_open", field="instalments")
        plan_id = repo.add_plan(s, unit_id, today, entry, actor.username)
        uow.audit("payment_plan", "payment_plan", plan_id,
                  after={"unit_id": unit_id, "status": PlanStatus.PENDING.value, "total": entry.total,
                         "instalments": [[i.due.isoformat(), i.cents] for i in entry.instalments], "note": entry.note})
        return uow.commit(plan_id)


def decide_payment_plan(engine: Engine, actor: Actor, plan_id: int, approve: bool, note: str = "",
                        request_key: str | None = None) -> str:
    """A manager approves a waiting plan (from then on it pauses the ladder while kept, and the
    limitation clock runs from its last instalment, Civil Code art. 189) or refuses it with a
    reason. Not one's own plan: the approval is a second person's. Returns the new status."""
    actor.require(C.APPROVE_PAYMENT_PLAN)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        place = repo.plan_place(s, plan_id)
        if place is None:
            raise NotFound("err.plan_unknown")
        actor.require_project(place.project_id)
        plan = repo.plan_for_update(s, plan_id)
        why = _decision(plan.status, plan.created_by, actor, approve, note)
        status = (PlanStatus.APPROVED if approve else PlanStatus.REFUSED).value
        repo.decide(plan, status, actor.username, why, utcnow())
        uow.audit("decide_payment_plan", "payment_plan", plan_id, before={"status": PlanStatus.PENDING.value},
                  after={"status": status, "note": why, "unit_id": place.unit_id})
        return uow.commit(status)


def _decision(status: str, requested_by: str, actor: Actor, approve: bool, note: object) -> str:
    def own():
        if requested_by == actor.username:
            raise ValidationError("err.own_request", field="decision")

    why, _ = ValidationErrors.collect(lambda: check_decision(status, approve, note), own)
    return why


def request_waiver(engine: Engine, actor: Actor, bill_id: int, amount: object, reason: object,
                   request_key: str | None = None) -> int:
    """A waiver or discount asked for on one bill, with its reason; the bill is untouched until a
    manager approves it (decide_waiver). At most the bill's open amount, less what requests still
    waiting on it ask."""
    actor.require(C.REQUEST_WAIVER)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        project_id = repo.bill_project(s, bill_id)
        actor.require_record(project_id, "err.bill_unknown")
        bill = repo.bill_for_update(s, bill_id)
        cents, why = validate_waiver_request(amount, reason, repo.owed(bill) - repo.waiver_pending(s, bill_id))
        request_id = repo.add_waiver_request(s, bill, cents, why, actor.username)
        uow.audit("waiver_request", "bill", bill_id, after={"request": request_id, "cents": cents, "reason": why})
        return uow.commit(request_id)


def decide_waiver(engine: Engine, actor: Actor, request_id: int, approve: bool, note: str = "",
                  request_key: str | None = None) -> int:
    """A manager approves a waiting waiver (the bill's waived amount grows by it, within what the
    bill still owes now) or refuses it with a reason; not one's own request. Returns what the bill
    owes afterwards."""
    actor.require(C.WAIVE_FEE)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        project_id = repo.waiver_request_project(s, request_id)
        actor.require_record(project_id, "err.waiver_unknown")
        repo.lock_ledger(s, project_id)
        row = repo.waiver_request_for_update(s, request_id)
        why = _decision(row.status, row.requested_by, actor, approve, note)
        bill = repo.bill_for_update(s, row.bill_id)
        status = (PlanStatus.APPROVED if approve else PlanStatus.REFUSED).value
        if approve:
            # Paid since it was asked for: no more than the bill still owes can be waived.
            check_waiver(WaiverEntry(int(row.cents), row.reason, actor.username), repo.owed(bill))
            repo.add_waiver(s, bill, WaiverEntry(int(row.cents), row.reason, actor.username), row.requested_by)
        repo.decide(row, status, actor.username, why, utcnow())
        uow.audit("decide_waiver", "bill", row.bill_id, before={"request": request_id, "status": "pending"},
                  after={"status": status, "cents": int(row.cents), "note": why})
        return uow.commit(repo.owed(bill))


def waive(engine: Engine, actor: Actor, bill_id: int, cents: int, reason: str, approved_by: str,
          request_key: str | None = None) -> int:
    """A manager's own waiver or adjustment, approved as it is made (by whoever holds WAIVE_FEE,
    named in `approved_by`): at most what the bill owes, with a reason; it is listed with the
    requests, already approved. Returns what the bill still owes."""
    actor.require(C.WAIVE_FEE)
    entry = validate_waiver(cents, reason, approved_by)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        project_id = repo.bill_project(s, bill_id)
        actor.require_record(project_id, "err.bill_unknown")
        repo.lock_ledger(s, project_id)
        bill = repo.bill_for_update(s, bill_id)
        check_waiver(entry, repo.owed(bill))
        repo.add_waiver(s, bill, entry, actor.username)
        row_id = repo.add_waiver_request(s, bill, entry.cents, entry.reason, actor.username)
        repo.decide(repo.waiver_request_for_update(s, row_id), PlanStatus.APPROVED.value, entry.approved_by, "",
                    utcnow())
        uow.audit("waive", "bill", bill_id, after={"cents": entry.cents, "approved_by": entry.approved_by})
        return uow.commit(repo.owed(bill))


# ---------------------------------------------------------------- imports

def validate_bill_import(engine: Engine, actor: Actor, project_id: int, raw_rows: list[dict],
                         today: date | None = None) -> tuple[list[BillEntry], list[RowError]]:
    """Every row of a bills file checked against the project's rooms and the bills it already has."""
    actor.require(C.IMPORT_DATA)
    actor.require_project(project_id)
    return validate_bill_rows(raw_rows, org_queries.rooms_of(engine, project_id),
                              queries.existing_bill_keys(engine, project_id), today or local_today())


def validate_payment_import(engine: Engine, actor: Actor, project_id: int, raw_rows: list[dict],
                            today: date | None = None) -> tuple[list[PaymentEntry], list[RowError]]:
    """Every row of a payments file checked against the project's rooms and the receipts in use."""
    actor.require(C.IMPORT_DATA)
    actor.require_project(project_id)
    return validate_payment_rows(raw_rows, org_queries.rooms_of(engine, project_id), queries.used_receipts(engine),
                                 today or local_today())


def _rooms_known(units: dict[str, int], rows) -> None:
    for r in rows:
        if r.room_no not in units:
            raise ValidationError("err.unit_unknown_room", field="room_no", room=r.room_no)


def import_bills(engine: Engine, actor: Actor, project_id: int, rows: list[BillEntry],
                 request_key: str | None = None) -> int:
    """Validated bill rows in one transaction, each due on core's due date of its month; credit the
    units hold settles their oldest bills at once (core.collections.ledger.credit_settles_on). The
    store is checked again: someone may have billed a month since the file was validated."""
    actor.require(C.IMPORT_DATA)
    actor.require_project(project_id)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        repo.lock_ledger(s, project_id)
        units = repo.unit_ids_by_room(s, project_id)
        _rooms_known(units, rows)
        billed = repo.bill_keys(s, project_id)
        for r in rows:
            if (r.room_no, r.period, r.item) in billed:
                raise ValidationError("err.bill_exists", field="period", room=r.room_no, period=r.period)
        repo.add_bills(s, project_id, units, rows)
        settled = repo.settle_credits(s, project_id, {units[r.room_no] for r in rows})
        uow.audit("import", "bills", project_id, after={"rows": len(rows), "credit_settled": settled})
        return uow.commit(len(rows))


def import_payments(engine: Engine, actor: Actor, project_id: int, rows: list[PaymentEntry],
                    request_key: str | None = None) -> int:
    """Validated payment rows, each allocated oldest bill first, all in one transaction."""
    actor.require(C.IMPORT_DATA)
    actor.require_project(project_id)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        repo.lock_ledger(s, project_id)
        units = repo.unit_ids_by_room(s, project_id)
        _rooms_known(units, rows)
        taken = repo.receipts_taken(s, [r.receipt_no for r in rows])
        if taken:
            raise ValidationError("err.receipt_used", field="receipt_no", receipt=min(taken))
        repo.lock_units(s, [units[r.room_no] for r in rows])
        for entry in rows:
            repo.add_payment(s, units[entry.room_no], project_id, entry, actor.username)
        uow.audit("import", "payments", project_id, after={"rows": len(rows)})
        return uow.commit(len(rows))


# ---------------------------------------------------------------- fee schedules and the billing run

def set_fee_rate(engine: Engine, actor: Actor, project_id: int, item: object, basis: object, amount: object,
                 effective_month: object, developer_percent: object = "100", request_key: str | None = None,
                 today: date | None = None, opened_at: datetime | None = None) -> int:
    """A fee item's rate from a month on (per m² per month, or fixed per month), with the share the
    developer pays for its unsold units; replaces a rate entered for the same month, unless someone
    else set that rate after `opened_at` (when the editor opened the schedule, UTC): then refused."""
    actor.require(C.MANAGE_FEES)
    entry = validate_rate(item, basis, amount, effective_month, developer_percent, today or local_today())
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        actor.require_project(project_id)
        if repo.project_exists(uow.session, project_id) is False:
            raise NotFound("err.project_unknown")
        seen = repo.rate_row(uow.session, project_id, entry.item, entry.effective_from)
        if opened_at is not None and seen is not None and seen.created_at > opened_at:
            raise uow.changed_by(seen.created_by, seen.created_at)
        rate_id, before = repo.set_rate(uow.session, project_id, entry, actor.username)
        uow.audit("fee_rate", "project", project_id, before=before,
                  after={"item": entry.item, "basis": entry.basis.value, "cents": entry.cents,
                         "from": entry.effective_from.isoformat(), "developer_bp": entry.developer_bp})
        return uow.commit(rate_id)


def fee_schedule(engine: Engine, actor: Actor, project_id: int) -> pd.DataFrame:
    """The project's rates, newest month first per item."""
    actor.require(C.VIEW_COLLECTIONS)
    actor.require_project(project_id)
    return queries.fee_schedule(engine, project_id)


@dataclass(frozen=True)
class BillingOutcome:
    """A month's billing of a project: previewed (run_id None) or done."""
    project_id: int
    period: str
    units: int                   # units billed
    bills: int
    cents: int
    by_item: dict                # item -> cents
    by_how: dict                 # full / prorated / developer -> bills
    already: int                 # unit-items the month already had: not billed again
    exempt: dict                 # reason -> units without a bill
    examples: list               # (room, reason) of the first exceptions
    run_id: int | None = None
    credit_settled: int = 0      # prepaid money that settled the new bills at once


CHUNK = 5000   # units per step: memory stays flat however large the project


def _billing(s, project_id: int, period: str, write=None, progress=None) -> RunPlan:
    """The month's plan, chunk by chunk; `write(charges)` stores each chunk's bills."""
    plan = RunPlan(period)
    in_force = rates_in_force(repo.fee_rates(s, project_id), period)
    total, seen, after = repo.unit_count(s, project_id), 0, 0
    while units := repo.units_to_bill(s, project_id, after, CHUNK):
        charges = plan_chunk(plan, units, in_force, repo.billed_items(s, period, units[0].unit_id, units[-1].unit_id))
        if write is not None:
            write(charges)
        seen, after = seen + len(units), units[-1].unit_id
        if progress is not None:
            progress(seen, total)
    return plan


def _outcome(project_id: int, plan: RunPlan, run_id: int | None = None, settled: int = 0) -> BillingOutcome:
    return BillingOutcome(project_id, plan.period, plan.units, plan.bills, plan.cents, dict(plan.by_item),
                          dict(plan.by_how), plan.already, dict(plan.exempt), [list(e) for e in plan.examples],
                          run_id, settled)


def preview_billing(engine: Engine, actor: Actor, project_id: int, period: object,
                    today: date | None = None) -> BillingOutcome:
    """What confirming the run would bill: units, totals by item, the exceptions, and what the month
    already has (nothing is billed twice). Writes nothing."""
    actor.require(C.RUN_BILLING)
    actor.require_project(project_id)
    month = validate_run_period(period, today or local_today())
    with engine.connect() as conn:
        return _outcome(project_id, _billing(conn, project_id, month))


def run_billing(engine: Engine, actor: Actor, project_id: int, period: object, request_key: str | None = None,
                today: date | None = None, progress=None) -> BillingOutcome:
    """The month billed in one transaction, all or nothing: every unit's bills by core's rules,
    the units' prepaid credit set against them at once, one run row and one audit row. A second
    run of the month bills nothing twice: what it would bill again is counted as `already`, and a
    run with nothing to bill writes nothing. `progress(units_done, units)` after each chunk."""
    actor.require(C.RUN_BILLING)
    actor.require_project(project_id)
    month = validate_run_period(period, today or local_today())
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return BillingOutcome(**done)
        s = uow.session
        if repo.project_exists(s, project_id) is False:
            raise NotFound("err.project_unknown")
        repo.lock_ledger(s, project_id)
        runs: list = []

        def write(charges):
            if charges and not runs:
                runs.append(repo.start_run(s, project_id, month, actor.username))
            if charges:
                repo.insert_bills(s, project_id, month, charges, runs[0].id)

        plan = _billing(s, project_id, month, write, progress)
        if not runs:
            nothing = _outcome(project_id, plan)
            uow.commit(asdict(nothing))
            return nothing
        run = runs[0]
        settled = repo.settle_credits(s, project_id, repo.run_units(s, run.id))
        run.bills, run.cents, run.credit_settled = plan.bills, plan.cents, settled
        done = _outcome(project_id, plan, run.id, settled)
        uow.audit("billing_run", "project", project_id,
                  after={"run": run.id, "period": month, "bills": plan.bills, "cents": plan.cents,
                         "by_item": plan.by_item, "already": plan.already, "exempt": plan.exempt,
                         "credit_settled": settled})
        uow.commit(asdict(done))
        return done


def undo_billing(engine: Engine, actor: Actor, run_id: int, request_key: str | None = None) -> int:
    """A run taken back whole, while no payment recorded since and no waiver has touched its bills:
    its bills deleted, the prepaid credit that settled them given back. Returns the bills removed."""
    actor.require(C.RUN_BILLING)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        project_id = repo.run_project(s, run_id)
        actor.require_record(project_id, "err.run_unknown")
        repo.lock_ledger(s, project_id)
        run = repo.run_for_update(s, run_id)
        check_undo(run.status, repo.run_touched(s, run))
        removed, given_back = repo.undo_run(s, run, actor.username, utcnow())
        uow.audit("undo_billing_run", "project", project_id, before={"run": run_id, "period": run.period,
                                                                     "bills": removed},
                  after={"status": "undone", "credit_given_back": given_back})
        return uow.commit(removed)


def billing_runs(engine: Engine, actor: Actor, project_id: int) -> pd.DataFrame:
    actor.require(C.VIEW_COLLECTIONS)
    actor.require_project(project_id)
    return _people(queries.billing_runs(engine, project_id), user_queries.staff_names(engine), "created_by",
                   "undone_by")


# ---------------------------------------------------------------- the figures

def _nan(rate: float | None) -> float:
    return float("nan") if rate is None else rate


def _sums(row) -> PeriodSums:
    return PeriodSums(int(row.billed), int(row.collected), int(row.arrears_start), int(row.recovered))


def with_rates(sums: pd.DataFrame) -> pd.DataFrame:
    """The frame with core's 本期收缴率 (`current`) and 清欠率 (`recovery`) of each row (NaN where
    there is nothing to divide by)."""
    rows = [_sums(r) for r in sums.itertuples()]
    return sums.assign(current=[_nan(current_rate(s)) for s in rows], recovery=[_nan(recovery_rate(s)) for s in rows])


def period_sums(engine: Engine, actor: Actor, first: str, last: str,
                project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Per project of the actor's: billed, collected, arrears at the start, recovered, and the rates."""
    actor.require(C.VIEW_COLLECTIONS)
    return with_rates(queries.period_sums(engine, first, last, actor.scope(project_ids)))


def monthly_trend(engine: Engine, actor: Actor, first: str, last: str,
                  project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Per month: billed, collected by the end of that month, and that month's current-period rate."""
    actor.require(C.VIEW_COLLECTIONS)
    trend = queries.monthly_trend(engine, first, last, actor.scope(project_ids))
    rates = [_nan(current_rate(PeriodSums(int(b), int(c), 0, 0))) for b, c in zip(trend["billed"], trend["collected"])]
    return trend.assign(rate=rates)


def aging(engine: Engine, actor: Actor, today: date, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Overdue money by core's aging buckets, owners' and developer-held apart."""
    actor.require(C.VIEW_COLLECTIONS)
    return queries.aging(engine, today, actor.scope(project_ids))


def prepayments(engine: Engine, actor: Actor, project_ids: tuple[int, ...] | None = None) -> int:
    actor.require(C.VIEW_COLLECTIONS)
    return queries.prepayments(engine, actor.scope(project_ids))


@dataclass(frozen=True)
class Figures:
    """What the collections page draws, for one period."""
    projects: pd.DataFrame       # period sums and rates per project
    cities: pd.DataFrame         # the same per city
    total: PeriodSums            # the actor's projects together
    current: float | None        # their 本期收缴率
    recovery: float | None       # their 清欠率
    city_average: float | None   # the mean of the cities' current-period rates (the chart's line)
    trend: pd.DataFrame          # period, billed, collected, rate
    aging: pd.DataFrame          # bucket, holder, cents, units
    prepaid: int                 # cents received and not yet allocated to any bill


SUM_COLUMNS = ["billed", "collected", "arrears_start", "recovered"]


def figures(engine: Engine, actor: Actor, period: str, trend_from: str, today: date) -> Figures:
    actor.require(C.VIEW_COLLECTIONS)
    scope = actor.scope()
    projects = with_rates(queries.period_sums(engine, period, period, scope))
    cities = with_rates(projects.groupby("city", sort=False)[SUM_COLUMNS].sum().reset_index())
    total = PeriodSums(*(int(projects[c].sum()) for c in SUM_COLUMNS))
    average = cities["current"].mean()
    return Figures(projects, cities, total, current_rate(total), recovery_rate(total),
                   None if pd.isna(average) else float(average),
                   monthly_trend(engine, actor, trend_from, period), queries.aging(engine, today, scope),
                   queries.prepayments(engine, scope))


class Headline(NamedTuple):
    rate: float | None           # the current-period rate of `period` (home: the last complete month)
    warnings: int                # debts passing the limitation date within the warning window
    period: str = ""
    to_date: float | None = None     # this month's rate so far, labelled as the month to date
    owed: Owed = Owed(0, 0)          # open money of the actor's projects, overdue and current apart


def _current_rate(engine: Engine, actor: Actor, period: str) -> float | None:
    sums = queries.period_sums(engine, period, period, actor.scope())
    return current_rate(PeriodSums(int(sums["billed"].sum()), int(sums["collected"].sum()), 0, 0))


def last_complete_month(today: date) -> str:
    """The month home's rate is of: the last one that has ended."""
    return period_of(add_months(today.replace(day=1), -1))


def headline(engine: Engine, actor: Actor, period: str, today: date) -> Headline:
    """The rate of a month (home asks for the last complete one), this month's so far beside it,
    the limitation warnings, and what is owed split as everywhere else (core's split_owed)."""
    actor.require(C.VIEW_COLLECTIONS)
    this_month = period_of(today)
    to_date = _current_rate(engine, actor, this_month) if period != this_month else None
    return Headline(_current_rate(engine, actor, period), limitation_warnings(engine, actor, today), period, to_date,
                    queries.owed_totals(engine, today, actor.scope()))


# ---------------------------------------------------------------- the ladder

def unit_debts(engine: Engine, actor: Actor, today: date) -> list:
    actor.require(C.VIEW_COLLECTIONS)
    return queries.unit_debts(engine, today, actor.scope())


def collectors(engine: Engine, actor: Actor) -> dict[str, list[str]]:
    """Per project (by name): the staff who collect on rounds there (COLLECT_ON_ROUNDS)."""
    actor.require(C.VIEW_COLLECTIONS)
    return queries.collectors(engine, roles_with(C.COLLECT_ON_ROUNDS), actor.scope())


def _phones_as_seen(actor: Actor, frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.assign(phone=frame["phone"].map(lambda p: phone_as_seen(actor, p)))


def _with_collectors(actor: Actor, work: pd.DataFrame, staff: dict[str, list[str]]) -> pd.DataFrame:
    where = list(zip(work["project"], work["building"]))
    staff_of = {pb: assign_collector(*pb, staff.get(pb[0], [])) or UNASSIGNED for pb in set(where)}
    return _phones_as_seen(actor, work.assign(staff=[staff_of[pb] for pb in where]))


class LadderToday(NamedTuple):
    work: pd.DataFrame           # the ladder's work for today (limitation warnings, due steps)
    paused: pd.DataFrame         # paused units left out of it: the steps held back and the rules why


def ladder_today(engine: Engine, actor: Actor, today: date) -> LadderToday:
    """The worklist and the paused units, from one reading of the debts, each row with the
    collector of its building (one of its own project's), phones as the actor may see them."""
    actor.require(C.VIEW_COLLECTIONS)
    work, paused = queries.ladder_today(engine, today, actor.scope())
    staff = collectors(engine, actor)
    return LadderToday(_with_collectors(actor, work, staff), _with_collectors(actor, paused, staff))


def worklist(engine: Engine, actor: Actor, today: date) -> pd.DataFrame:
    """The ladder's work for today in the actor's projects, each row with the collector of its
    building (one of its own project's), phones as the actor may see them."""
    actor.require(C.VIEW_COLLECTIONS)
    return _with_collectors(actor, queries.worklist(engine, today, actor.scope()), collectors(engine, actor))


def limitation_warnings(engine: Engine, actor: Actor, today: date) -> int:
    actor.require(C.VIEW_COLLECTIONS)
    return int(queries.worklist(engine, today, actor.scope())["warning"].sum())


# ---------------------------------------------------------------- one unit

@dataclass(frozen=True, eq=False)
class UnitLedger:
    bills: pd.DataFrame
    payments: pd.DataFrame       # with recorded_on (China date), void (bool) and voidable today
    actions: pd.DataFrame
    plan_last_due: date | None = None   # last instalment of its approved plans (art. 189)

    def __iter__(self):
        """bills, payments, actions = ledger (as when it was a triple)."""
        return iter((self.bills, self.payments, self.actions))

    @property
    def owed(self) -> int:
        """Everything open, overdue and current together (what `settle all` pays)."""
        return int(self.bills["owed"].sum()) if not self.bills.empty else 0

    def owed_on(self, today: date) -> Owed:
        """The same money split as the worklist and home split it (core's split_owed)."""
        if self.bills.empty:
            return Owed(0, 0)
        return split_owed(zip(self.bills["due"], self.bills["owed"].astype(int)), today)

    @property
    def credit(self) -> int:
        """Prepaid money of the unit not yet set against a bill (void payments hold none)."""
        return int(self.payments["credit_cents"].sum()) if not self.payments.empty else 0

    @property
    def last_proven(self) -> date | None:
        """The latest demand delivered with proof (core's rule: a bare tick is none)."""
        if self.actions.empty:
            return None
        return last_proven_demand(zip(self.actions["taken_on"], self.actions["proof_kind"]))

    @property
    def limitation(self) -> date | None:
        """When the oldest unpaid bill would pass the limitation period, None when nothing is owed."""
        open_ = self.bills[self.bills["owed"] > 0] if not self.bills.empty else self.bills
        return None if open_.empty else expiry(min(open_["due"]), self.last_proven, plan_last_due=self.plan_last_due)


def unit_ledger(engine: Engine, actor: Actor, unit_id: int, today: date | None = None) -> UnitLedger:
    """A unit's bills, payments and dunning record (each action with its proof, and the names of
    its witnesses), newest first."""
    actor.require(C.VIEW_COLLECTIONS)
    project_id = queries.unit_project(engine, unit_id)
    if project_id is None:
        raise DomainError("err.unit_unknown_room", room="")
    actor.require_project(project_id)
    bills, payments, actions = queries.unit_ledger(engine, unit_id)
    today = today or local_today()
    recorded = [c.astimezone(CHINA).date() for c in payments["created_at"]]
    void = payments["voided_at"].notna().tolist()
    payments = payments.assign(recorded_on=recorded, void=void,
                               voidable=[voidable(r, v, today) for r, v in zip(recorded, void)])
    _, rules = queries.unit_plans(engine, unit_id)
    names = user_queries.staff_names(engine)
    return UnitLedger(bills, _people(payments, names, "recorded_by", "voided_by"),
                      _people(_with_witness_names(engine, actions), names, "staff"),
                      plan_rules.limitation_start(rules.values()))


def _people(frame: pd.DataFrame, names: dict[str, str], *columns: str) -> pd.DataFrame:
    """Who recorded, voided, asked or decided, as staff know them: the display name (the username
    where the account is gone; blank cells stay blank). Decisions that compare accounts read the
    stored usernames, never these."""
    if frame.empty:
        return frame
    return frame.assign(**{c: frame[c].map(lambda u: names.get(u, u) if isinstance(u, str) else u)
                           for c in columns if c in frame})


def _with_witness_names(engine: Engine, actions: pd.DataFrame) -> pd.DataFrame:
    """witnesses: '张敏、李强' (names as staff know them; the username where an account is gone)."""
    if actions.empty or actions["witness_1"].isna().all():
        return actions.assign(witnesses="")
    names = user_queries.staff_names(engine)
    return actions.assign(witnesses=["、".join(names.get(w, w) for w in pair if isinstance(w, str))
                                     for pair in zip(actions["witness_1"], actions["witness_2"])])


# ---------------------------------------------------------------- plans and waivers on screen

@dataclass(frozen=True)
class PlanView:
    """A unit's plan as its ledger shows it."""
    plan_id: int
    status: str                  # pending, approved, refused
    progress: str | None         # kept, missed, completed (approved plans)
    entered_on: date
    created_by: str
    total: int
    paid: int                    # paid since the plan began
    note: str
    decided_by: str | None
    decision_note: str | None
    instalments: tuple           # (due, cents, state) each
    missed_on: date | None


def _plan_view(row, plan: plan_rules.Plan, today: date) -> PlanView:
    states = plan_rules.instalment_states(plan, today)
    progress = plan_rules.progress(plan, today)
    text = (lambda v: v if isinstance(v, str) else None)
    return PlanView(int(row.id), row.status, progress.value if progress else None, row.starts, row.created_by,
                    int(row.total_cents) if pd.notna(row.total_cents) else sum(i.cents for i in plan.instalments),
                    plan.paid, row.note or "", text(row.decided_by), text(row.decision_note),
                    tuple((i.due, i.cents, st.value) for i, st in zip(plan.instalments, states)),
                    plan_rules.missed_on(plan, today))


def unit_plans(engine: Engine, actor: Actor, unit_id: int, today: date | None = None) -> list[PlanView]:
    """The unit's plans, newest first, each instalment paid, open or missed as of today."""
    actor.require(C.VIEW_COLLECTIONS)
    project_id = queries.unit_project(engine, unit_id)
    if project_id is None:
        raise DomainError("err.unit_unknown_room", room="")
    actor.require_project(project_id)
    today = today or local_today()
    frame, rules = queries.unit_plans(engine, unit_id)
    frame = _people(frame, user_queries.staff_names(engine), "created_by", "decided_by")
    return [_plan_view(r, rules[int(r.id)], today) for r in frame.itertuples()]


def unit_waivers(engine: Engine, actor: Actor, unit_id: int) -> pd.DataFrame:
    """The unit's waiver requests, newest first: asked, approved (on the bill) or refused."""
    actor.require(C.VIEW_COLLECTIONS)
    project_id = queries.unit_project(engine, unit_id)
    if project_id is None:
        raise DomainError("err.unit_unknown_room", room="")
    actor.require_project(project_id)
    return _people(queries.unit_waivers(engine, unit_id), user_queries.staff_names(engine), "requested_by",
                   "decided_by")


class Pending(NamedTuple):
    plans: pd.DataFrame
    waivers: pd.DataFrame


def pending_approvals(engine: Engine, actor: Actor) -> Pending:
    """Plans and waivers waiting for a manager in the actor's projects, oldest first."""
    actor.require(C.VIEW_COLLECTIONS)
    scope = actor.scope()
    names = user_queries.staff_names(engine)
    return Pending(_people(queries.pending_plans(engine, scope), names, "created_by"),
                   _people(queries.pending_waivers(engine, scope), names, "requested_by", "decided_by"))


def missed_plans(engine: Engine, actor: Actor, today: date) -> list[tuple[int, int, date]]:
    """(plan, unit, the day its pause ended) of every approved plan with an instalment missed:
    the ladder has resumed for those units. For the alerts (issue 17) to tell the collector."""
    actor.require(C.VIEW_COLLECTIONS)
    out = []
    for plan_id, (unit_id, plan) in queries.approved_plans(engine, actor.scope()).items():
        day = plan_rules.missed_on(plan, today)
        if day is not None:
            out.append((plan_id, unit_id, day))
    return sorted(out, key=lambda r: (r[2], r[0]))
