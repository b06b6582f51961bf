"""Reads the documents are set from: a payment with what it settled, a unit's arrears, the units
of a notice round, a household's handover, a training session. Each takes a connection or the
unit of work's session, so an issued document and its row come from one transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from db.case_models import CaseRow, SessionAttendee, SessionCase, TrainingSession
from db.collection_models import OUTSTANDING, UNPAID, Allocation, Bill, Payment
from db.document_models import DocumentRow, DocumentSettings
from db.models import AuditLog, Building, Company, Owner, Project, StaffUser, Unit
from db.movein_models import MoveinAppointment, MoveinBatch, MoveinDefect, MoveinStep


def company_name(c) -> str:
    return c.scalar(select(Company.name).order_by(Company.id).limit(1)) or ""


def display_names(c, usernames) -> dict[str, str]:
    names = set(u for u in usernames if u)
    if not names:
        return {}
    return dict(c.execute(select(StaffUser.username, StaffUser.display_name).where(StaffUser.username.in_(names))).all())


@dataclass(frozen=True)
class UnitFacts:
    unit_id: int
    project_id: int
    project: str
    project_code: str
    address: str
    building: str
    floor: int
    room_no: str
    area_m2: object
    owner: str


def _unit_select():
    return (select(Unit.id, Unit.project_id, Project.name, Project.code, Project.address, Building.name, Unit.floor,
                   Unit.room_no, Unit.area_m2, Owner.name)
            .join(Project, Project.id == Unit.project_id).join(Building, Building.id == Unit.building_id)
            .outerjoin(Owner, Owner.id == Unit.owner_id))


def _facts(row) -> UnitFacts:
    return UnitFacts(row[0], row[1], row[2], row[3], row[4] or "", row[5], int(row[6]), row[7], row[8], row[9] or "")


def unit_facts(c, unit_id: int) -> UnitFacts | None:
    row = c.execute(_unit_select().where(Unit.id == unit_id)).first()
    return None if row is None else _facts(row)


# ---------------------------------------------------------------- receipts

@dataclass(frozen=True)
class PaymentFacts:
    payment_id: int
    unit: UnitFacts
    receipt_no: str
    cents: int
    credit_cents: int
    paid_on: date
    method: str
    recorded_by: str
    voided_at: datetime | None
    void_reason: str
    lines: list            # (item, period, cents) it settled; for a void payment, what it had settled
    unit_credit: int       # the unit's prepaid balance now


def payment_facts(c, payment_id: int) -> PaymentFacts | None:
    row = c.execute(select(Payment.id, Payment.unit_id, Payment.receipt_no, Payment.amount_cents, Payment.credit_cents,
                           Payment.paid_on, Payment.method, Payment.recorded_by, Payment.voided_at, Payment.void_reason)
                    .where(Payment.id == payment_id)).first()
    if row is None:
        return None
    unit = unit_facts(c, row.unit_id)
    if row.voided_at is None:
        lines = [tuple(r) for r in c.execute(
            select(Bill.item, Bill.period, func.sum(Allocation.cents)).join(Bill, Bill.id == Allocation.bill_id)
            .where(Allocation.payment_id == payment_id).group_by(Bill.item, Bill.period)
            .order_by(Bill.period, Bill.item)).all()]
    else:
        lines = _voided_lines(c, payment_id)
    credit = c.scalar(select(func.coalesce(func.sum(Payment.credit_cents), 0)).where(Payment.unit_id == row.unit_id))
    return PaymentFacts(row.id, unit, row.receipt_no, int(row.amount_cents), int(row.credit_cents), row.paid_on,
                        row.method, row.recorded_by, row.voided_at, row.void_reason or "", lines, int(credit or 0))


def _voided_lines(c, payment_id: int) -> list:
    """A void payment's allocations are gone; the void's audit row kept what they were."""
    before = c.scalar(select(AuditLog.before).where(AuditLog.entity == "payment", AuditLog.entity_id == str(payment_id),
                                                    AuditLog.action == "void_payment").order_by(AuditLog.id.desc()).limit(1))
    allocations = (before or {}).get("allocations", [])
    items = dict(c.execute(select(Bill.id, Bill.item).where(Bill.id.in_([a["bill_id"] for a in allocations]))).all()) \
        if allocations else {}
    sums: dict[tuple[str, str], int] = {}
    for a in allocations:
        key = (items.get(a["bill_id"], "other"), a["period"])
        sums[key] = sums.get(key, 0) + int(a["cents"])
    return sorted(((item, period, cents) for (item, period), cents in sums.items()), key=lambda r: (r[1], r[0]))


# ---------------------------------------------------------------- arrears (letters and notices)

BILL_LINE = (Bill.period, Bill.item, Bill.amount_cents, Bill.paid_cents + Bill.waived_cents, OUTSTANDING, Bill.due)


def unit_arrears(c, unit_id: int, upto: str | None = None) -> list[tuple]:
    """(period, item, amount, settled, owed, due) of the unit's unpaid bills, oldest first."""
    stmt = select(*BILL_LINE).where(Bill.unit_id == unit_id, UNPAID)
    if upto:
        stmt = stmt.where(Bill.period <= upto)
    return [tuple(r) for r in c.execute(stmt.order_by(Bill.period, Bill.item)).all()]


def notice_rows(c, project_id: int, period: str, building_id: int | None = None) -> list[tuple]:
    """Every unpaid bill of the project up to the period, with its unit's place and owner:
    (unit_id, building, floor, room_no, owner, period, item, amount, settled, owed, due)."""
    stmt = (select(Unit.id, Building.name, Unit.floor, Unit.room_no, Owner.name, *BILL_LINE)
            .join(Unit, Unit.id == Bill.unit_id).join(Building, Building.id == Unit.building_id)
            .outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(Bill.project_id == project_id, Bill.period <= period, UNPAID))
    if building_id is not None:
        stmt = stmt.where(Unit.building_id == building_id)
    return [tuple(r) for r in c.execute(stmt.order_by(Unit.id, Bill.period, Bill.item)).all()]


def project_of_building(c, building_id: int) -> int | None:
    return c.scalar(select(Building.project_id).where(Building.id == building_id))


def project_name(c, project_id: int) -> str | None:
    return c.scalar(select(Project.name).where(Project.id == project_id))


def how_to_pay(c, project_id: int) -> str | None:
    return c.scalar(select(DocumentSettings.how_to_pay).where(DocumentSettings.project_id == project_id))


# ---------------------------------------------------------------- move-in

@dataclass(frozen=True)
class HandoverFacts:
    appointment_id: int
    batch_id: int
    batch: str
    project_id: int
    unit: UnitFacts
    day: date
    arrived_at: datetime | None
    stations: list          # codes in the batch's order
    steps: dict             # station -> (finished_at, staff)
    defects: list           # (location, kind, severity, responsible, note, status)


def handover_facts(c, appointment_id: int) -> HandoverFacts | None:
    row = c.execute(select(MoveinAppointment.id, MoveinAppointment.batch_id, MoveinBatch.name, MoveinBatch.project_id,
                           MoveinAppointment.unit_id, MoveinAppointment.day, MoveinAppointment.arrived_at,
                           MoveinBatch.stations)
                    .join(MoveinBatch, MoveinBatch.id == MoveinAppointment.batch_id)
                    .where(MoveinAppointment.id == appointment_id)).first()
    if row is None:
        return None
    steps = {s.station: (s.finished_at, s.staff) for s in c.execute(
        select(MoveinStep.station, MoveinStep.finished_at, MoveinStep.staff)
        .where(MoveinStep.appointment_id == appointment_id)).all()}
    defects = [tuple(d) for d in c.execute(
        select(MoveinDefect.location, MoveinDefect.kind, MoveinDefect.severity, MoveinDefect.responsible,
               MoveinDefect.note, MoveinDefect.status)
        .where(MoveinDefect.batch_id == row.batch_id, MoveinDefect.unit_id == row.unit_id)
        .order_by(MoveinDefect.id)).all()]
    return HandoverFacts(row.id, row.batch_id, row.name, row.project_id, unit_facts(c, row.unit_id), row.day,
                         row.arrived_at, [s["code"] for s in row.stations or []], steps, defects)


def appointment_of(c, batch_id: int, unit_id: int) -> int | None:
    return c.scalar(select(MoveinAppointment.id).where(MoveinAppointment.batch_id == batch_id,
                                                       MoveinAppointment.unit_id == unit_id))


# ---------------------------------------------------------------- training

@dataclass(frozen=True)
class SessionFacts:
    session_id: int
    title: str
    held_on: date
    trainer: str
    cases: list             # dicts as the case library stores them, in teaching order
    attendees: list         # usernames


def session_facts(c, session_id: int) -> SessionFacts | None:
    row = c.execute(select(TrainingSession.id, TrainingSession.title, TrainingSession.held_on, TrainingSession.trainer)
                    .where(TrainingSession.id == session_id)).first()
    if row is None:
        return None
    cases = [dict(r) for r in c.execute(
        select(CaseRow.title, CaseRow.story, CaseRow.outcome, CaseRow.lesson, CaseRow.questions, CaseRow.method_steps)
        .join(SessionCase, SessionCase.case_id == CaseRow.id).where(SessionCase.session_id == session_id)
        .order_by(SessionCase.position)).mappings().all()]
    attendees = list(c.scalars(select(SessionAttendee.username).where(SessionAttendee.session_id == session_id)
                               .order_by(SessionAttendee.id)))
    return SessionFacts(row.id, row.title, row.held_on, row.trainer, cases, attendees)


# ---------------------------------------------------------------- finding a document again

DOCUMENT_COLUMNS = ["id", "kind", "number", "record_ref", "project_id", "room_no", "template_version", "reprint_of",
                    "issued_by", "issued_at"]


def find(c, number: str, limit: int = 50) -> list[tuple]:
    """Documents whose number is `number`, or that belong to the record `number` names (a receipt
    number finds every print of that receipt)."""
    stmt = (select(DocumentRow.id, DocumentRow.kind, DocumentRow.number, DocumentRow.record_ref, DocumentRow.project_id,
                   Unit.room_no, DocumentRow.template_version, DocumentRow.reprint_of, DocumentRow.issued_by,
                   DocumentRow.issued_at)
            .outerjoin(Unit, Unit.id == DocumentRow.unit_id)
            .where((DocumentRow.number == number) | (DocumentRow.record_ref == number))
            .order_by(DocumentRow.id).limit(limit))
    return [tuple(r) for r in c.execute(stmt).all()]


def payment_by_receipt(c, receipt_no: str) -> tuple[int, int, int] | None:
    """(payment id, project id, unit id) of a receipt number."""
    row = c.execute(select(Payment.id, Payment.project_id, Payment.unit_id).where(Payment.receipt_no == receipt_no)).first()
    return None if row is None else tuple(row)

