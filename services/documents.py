"""Documents as PDF, each made from stored data and counted: a receipt for a payment (a second
print says 补打, a void payment's says 作废), payment notices in bulk for a round, reminder and
lawyer's letters from the templates an admin edits, the move-in handover form and defect list,
and the training handouts with their sign-in sheet.

Every document issued is a row of `documents` (kind, number, what it is about, who printed it,
for a reprint the first print, for a letter the template version), written in the same
transaction that reads its data; the PDF is set from that data before the commit, so a document
that failed to render was never recorded. Bulk notices are laid out outside any transaction (a
minute of layout must not hold the store's write lock): their number is taken first and given
back if the layout fails."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.cases.handout import handout_cases
from core.clock import CHINA, local_today
from core.collections.ledger import due_date
from core.collections.money import yuan
from core.documents.capitals import amount_in_capitals
from core.documents.letters import PLACEHOLDERS, LetterTemplate, letter_kind, validate_template
from core.documents.numbers import Kind, looks_like_document_number, normalise_number
from core.documents.rounds import round_key
from core.errors import NotFound, PermissionDenied, ValidationError
from core.i18n import translate
from core.templates import fill
from db import document_queries as queries
from db import document_repository as repo
from db.uow import UnitOfWork
from documents import pdf as paper
from documents.papers import (Attendee, BillLine, DefectLine, DefectList, Handout, Handover, Letter, Notice, Paper,
                              Receipt, ReceiptLine, SignIn, StationDone)

C = Capability
MAX_HOW_TO_PAY = 500
SIGN_IN_BLANK_LINES = 5      # for walk-ins who were not on the list
LETTER_DAYS_TO_PAY = 15      # a letter asks for payment within this many days
_PERIOD_CHARS = set("0123456789-")


@dataclass(frozen=True)
class Issued:
    """A document as handed to the screen: its row and its bytes."""
    document_id: int | None      # None: a preview, never recorded
    number: str
    kind: str
    pdf: bytes
    reprint_of: int | None = None
    count: int = 1               # notices in a bulk PDF


def _china_day(moment) -> date:
    return moment.astimezone(CHINA).date()


def _paper(c, kind: str, number: str, ref: str, issued_on: date, lang: str, project: str = "",
           title_key: str | None = None, title: str | None = None, preview: bool = False) -> Paper:
    return Paper(queries.company_name(c), title or translate(title_key or f"doc.title.{kind}", lang), number, ref,
                 issued_on, project, preview)


def _done(uow: UnitOfWork):
    """The document this request key already issued (a resent form prints the same number again)."""
    done = uow.done_before()
    return None if done is None else repo.get(uow.session, done["document_id"])


def _finish(uow: UnitOfWork, row, new: bool, kind: str, pdf: bytes, **audit) -> Issued:
    if new:
        uow.audit("issue", "document", row.id, after={"kind": kind, "number": row.number, "ref": row.record_ref,
                                                       **audit})
        uow.commit({"document_id": row.id})
    return Issued(row.id, row.number, kind, pdf, row.reprint_of)


# ---------------------------------------------------------------- receipts

def issue_receipt(engine: Engine, actor: Actor, payment_id: int, lang: str = "zh",
                  request_key: str | None = None) -> Issued:
    """The receipt of a payment. The first print is the original; every later one is marked 补打
    with the day it was printed and which print it is; a void payment prints as 作废 with the day
    and reason of the void, listing what it had settled."""
    actor.require(C.RECORD_PAYMENT)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        s = uow.session
        facts = queries.payment_facts(s, payment_id)
        if facts is None:
            raise NotFound("err.payment_unknown")
        actor.require_project(facts.unit.project_id)
        row = _done(uow)
        new = row is None
        if new:
            first, _ = repo.prints_before(s, Kind.RECEIPT.value, facts.receipt_no)
            row = repo.issue(s, Kind.RECEIPT.value, local_today().year, facts.receipt_no, actor.username,
                             project_id=facts.unit.project_id, unit_id=facts.unit.unit_id, reprint_of=first,
                             detail={"payment_id": payment_id, "void": facts.voided_at is not None})
        printed_on, n = _china_day(row.issued_at), repo.print_no(s, row)
        cashier = queries.display_names(s, [facts.recorded_by]).get(facts.recorded_by, facts.recorded_by)
        receipt = Receipt(
            facts.receipt_no, facts.unit.room_no, facts.unit.owner, facts.paid_on, facts.method, cashier, facts.cents,
            tuple(ReceiptLine(item, period, int(cents)) for item, period, cents in facts.lines), facts.credit_cents,
            facts.unit_credit, void=facts.voided_at is not None,
            void_on=_china_day(facts.voided_at) if facts.voided_at else None, void_reason=facts.void_reason,
            reprint_on=printed_on if row.reprint_of else None, print_no=n)
        pdf = paper.receipt_pdf(_paper(s, "receipt", row.number, facts.receipt_no, printed_on, lang,
                                       facts.unit.project), receipt, lang)
        return _finish(uow, row, new, Kind.RECEIPT.value, pdf, reprint=row.reprint_of is not None, void=receipt.void)


# ---------------------------------------------------------------- payment notices in bulk

def _period(value: object) -> str:
    text = str(value or "").strip()
    if len(text) != 7 or text[4] != "-" or not set(text) <= _PERIOD_CHARS or not 1 <= int(text[5:]) <= 12:
        raise ValidationError("err.period_format", field="period")
    return text


def _bill_lines(rows) -> tuple[BillLine, ...]:
    return tuple(BillLine(p, item, int(a), int(settled), int(owed), due) for p, item, a, settled, owed, due in rows)


def _notices(rows: list[tuple], company: str, project: str, number: str, today: date, lang: str) -> list[Notice]:
    """One notice per unit, in round order: building, floor, door."""
    by_unit: dict[int, list] = {}
    place: dict[int, tuple] = {}
    for unit_id, building, floor, room, owner, *bill in rows:
        by_unit.setdefault(unit_id, []).append(bill)
        place[unit_id] = (building, int(floor), room, owner or translate("doc.owner_unknown", lang))
    order = sorted(by_unit, key=lambda u: round_key(place[u][0], place[u][1], place[u][2]))
    title = translate("doc.title.notice", lang)
    return [Notice(Paper(company, title, f"{number}-{i:04d}", f"unit:{place[u][2]}", today, project),
                   place[u][3], place[u][2], place[u][0], place[u][1], _bill_lines(by_unit[u]))
            for i, u in enumerate(order, start=1)]


def payment_notices(engine: Engine, actor: Actor, project_id: int, period: object, building_id: int | None = None,
                    lang: str = "zh", progress: Callable[[int, int], None] | None = None,
                    request_key: str | None = None, today: date | None = None) -> Issued:
    """One PDF for a project (or one of its buildings) and a period: a notice per unit that owes
    anything billed up to the period, with its arrears by period, the total in figures and in
    capitals, the period's due date, how to pay (the project's text, else the catalogue's), sorted
    for a door-to-door round. One document row for the PDF; each notice carries its number with
    the notice's place in the round (TZ-2026-0000042-0007). `progress(done, total)` as it goes."""
    actor.require(C.RECORD_DUNNING)
    month = _period(period)
    today = today or local_today()
    with engine.connect() as conn:
        if building_id is not None and queries.project_of_building(conn, building_id) != project_id:
            raise NotFound("err.document_unknown")
        project = queries.project_name(conn, project_id)
        if project is None:
            raise NotFound("err.project_unknown")
        actor.require_project(project_id)
        rows = queries.notice_rows(conn, project_id, month, building_id)
        company = queries.company_name(conn)
        how = queries.how_to_pay(conn, project_id) or translate("doc.notice.how_default", lang)
    if not rows:
        raise ValidationError("err.notices_none")
    with UnitOfWork(engine, actor.username, request_key) as uow:
        row = _done(uow)
        new = row is None
        if new:
            row = repo.issue(uow.session, Kind.NOTICES.value, today.year, f"project:{project_id}:{month}",
                             actor.username, project_id=project_id,
                             detail={"period": month, "building_id": building_id})
            uow.audit("issue", "document", row.id, after={"kind": Kind.NOTICES.value, "number": row.number,
                                                           "period": month, "building_id": building_id})
            uow.commit({"document_id": row.id})
        number, document_id = row.number, row.id
    notices = _notices(rows, company, project, number, today, lang)
    try:
        pdf = paper.notices_pdf(notices, month, due_date(month), how, lang, progress)
    except Exception:
        if new:
            _give_back(engine, actor, document_id)
        raise
    if new:
        _count(engine, actor, document_id, len(notices))
    return Issued(document_id, number, Kind.NOTICES.value, pdf, count=len(notices))


def _give_back(engine: Engine, actor: Actor, document_id: int) -> None:
    with UnitOfWork(engine, actor.username) as uow:
        row = repo.get(uow.session, document_id)
        if row is not None:
            uow.session.delete(row)
            uow.audit("withdraw", "document", document_id, before={"number": row.number})
        uow.commit()


def _count(engine: Engine, actor: Actor, document_id: int, count: int) -> None:
    with UnitOfWork(engine, actor.username) as uow:
        row = repo.get(uow.session, document_id)
        row.detail = {**(row.detail or {}), "count": count}
        uow.commit()


def set_how_to_pay(engine: Engine, actor: Actor, project_id: int, text: object,
                   request_key: str | None = None) -> str:
    """How to pay, printed on the project's notices; empty: back to the catalogue's text."""
    actor.require(C.MANAGE_DOCUMENTS)
    value = str(text or "").replace("\r\n", "\n").strip()
    if len(value) > MAX_HOW_TO_PAY:
        raise ValidationError("err.too_long", field="how_to_pay", max=MAX_HOW_TO_PAY)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        actor.require_project(project_id)
        if queries.project_name(uow.session, project_id) is None:
            raise NotFound("err.project_unknown")
        before = repo.set_how_to_pay(uow.session, project_id, value or None, actor.username)
        uow.audit("how_to_pay", "project", project_id, before={"text": before}, after={"text": value or None})
        return uow.commit(value)


def how_to_pay(engine: Engine, actor: Actor, project_id: int, lang: str = "zh") -> tuple[str, bool]:
    """(the text the notices print, whether it is the project's own)."""
    actor.require_project(project_id)
    with engine.connect() as conn:
        own = queries.how_to_pay(conn, project_id)
    return (own, True) if own else (translate("doc.notice.how_default", lang), False)


# ---------------------------------------------------------------- letters

def _default(kind: str, lang: str) -> LetterTemplate:
    return LetterTemplate(kind, translate(f"letter.default_title.{kind}", lang),
                          translate(f"letter.default_body.{kind}", lang), 0)


def _may_read_templates(actor: Actor) -> None:
    if not (actor.can(C.MANAGE_DOCUMENTS) or actor.can(C.RECORD_DUNNING)):
        raise PermissionDenied("err.not_allowed")


def letter_template(engine: Engine, actor: Actor, kind: str, lang: str = "zh") -> LetterTemplate:
    """The template in use: the newest saved version, else the built-in default (version 0)."""
    _may_read_templates(actor)
    kind = letter_kind(kind)
    with engine.connect() as conn:
        return repo.template(conn, kind) or _default(kind, lang)


def placeholders(kind: str) -> tuple[str, ...]:
    return PLACEHOLDERS[letter_kind(kind)]


def save_letter_template(engine: Engine, actor: Actor, kind: object, title: object, body: object,
                         request_key: str | None = None) -> int:
    """A new version of the kind's template; an unknown placeholder is refused with its name, an
    empty or overlong text with the field. Letters issued before keep the version they used."""
    actor.require(C.MANAGE_DOCUMENTS)
    kind_, title_, body_ = validate_template(kind, title, body)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        version = repo.add_template(uow.session, kind_, title_, body_, actor.username)
        uow.audit("letter_template", "letter_template", f"{kind_}:{version}",
                  after={"kind": kind_, "version": version, "title": title_, "chars": len(body_)})
        return uow.commit(version)


def _letter_values(unit: queries.UnitFacts, company: str, lines: tuple[BillLine, ...], number: str,
                   today: date) -> dict[str, object]:
    total = sum(b.owed for b in lines)
    return {"owner": unit.owner, "room": unit.room_no, "project": unit.project, "project_address": unit.address,
            "company": company, "arrears": yuan(total), "arrears_capitals": amount_in_capitals(total),
            "first_period": lines[0].period, "last_period": lines[-1].period,
            "months": len({b.period for b in lines}), "pay_by": today + timedelta(days=LETTER_DAYS_TO_PAY),
            "today": today, "document_no": number}


SAMPLE_UNIT = queries.UnitFacts(0, 0, "翠湖园", "SAMPLE", "深圳市南山区示例路 1 号", "3", 19, "3-1906", "89.50", "张三")
SAMPLE_LINES = (BillLine("2025-11", "property", 23270, 0, 23270, date(2025, 11, 15)),
                BillLine("2025-12", "property", 23270, 0, 23270, date(2025, 12, 15)),
                BillLine("2026-01", "property", 23270, 0, 23270, date(2026, 1, 15)))


def preview_letter(engine: Engine, actor: Actor, kind: object, title: object, body: object, lang: str = "zh",
                   today: date | None = None) -> Issued:
    """The letter as it would print, on sample data and marked as a preview; checked as saving would
    check it. Nothing is recorded."""
    actor.require(C.MANAGE_DOCUMENTS)
    kind_, title_, body_ = validate_template(kind, title, body)
    today = today or local_today()
    with engine.connect() as conn:
        company = queries.company_name(conn)
    number = translate("doc.preview_mark", lang)
    values = _letter_values(SAMPLE_UNIT, company, SAMPLE_LINES, number, today)
    letter = Letter(SAMPLE_UNIT.owner, SAMPLE_UNIT.room_no, fill(body_, values), SAMPLE_LINES, 0)
    pdf = paper.letter_pdf(Paper(company, fill(title_, values), number, "preview", today, SAMPLE_UNIT.project,
                                 preview=True), letter, lang)
    return Issued(None, number, kind_, pdf)


def issue_letter(engine: Engine, actor: Actor, unit_id: int, kind: object, lang: str = "zh",
                 request_key: str | None = None, today: date | None = None) -> Issued:
    """A reminder or lawyer's letter for a unit that owes, from the newest template of the kind,
    with the unit's unpaid bills listed; the document row keeps the template version."""
    actor.require(C.RECORD_DUNNING)
    kind_ = letter_kind(kind)
    today = today or local_today()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        s = uow.session
        unit = queries.unit_facts(s, unit_id)
        if unit is None:
            raise ValidationError("err.unit_unknown_room", field="room_no", room="")
        actor.require_project(unit.project_id)
        lines = _bill_lines(queries.unit_arrears(s, unit_id))
        if not lines:
            raise ValidationError("err.no_arrears")
        row = _done(uow)
        new = row is None
        template = repo.template(s, kind_, row.template_version if row else None) or _default(kind_, lang)
        if new:
            row = repo.issue(s, kind_, today.year, f"unit:{unit_id}", actor.username, project_id=unit.project_id,
                             unit_id=unit_id, template_version=template.version,
                             detail={"arrears": sum(b.owed for b in lines)})
        company = queries.company_name(s)
        values = _letter_values(unit, company, lines, row.number, _china_day(row.issued_at))
        letter = Letter(unit.owner or translate("doc.owner_unknown", lang), unit.room_no, fill(template.body, values),
                        lines, template.version)
        pdf = paper.letter_pdf(_paper(s, kind_, row.number, f"unit:{unit.room_no}", _china_day(row.issued_at), lang,
                                      unit.project, title=fill(template.title, values)), letter, lang)
        return _finish(uow, row, new, kind_, pdf, template_version=template.version)


# ---------------------------------------------------------------- move-in papers

def _handover_facts(s, actor: Actor, appointment_id: int) -> queries.HandoverFacts:
    facts = queries.handover_facts(s, appointment_id)
    if facts is None:
        raise NotFound("err.appointment_unknown")
    actor.require_project(facts.project_id)
    return facts


def _moment(at) -> str | None:
    return None if at is None else at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def issue_handover(engine: Engine, actor: Actor, appointment_id: int, lang: str = "zh",
                   request_key: str | None = None) -> Issued:
    """The handover form of a household: each station of its batch with when and by whom it was
    done, the keys and meters to fill in and sign on the spot, the documents received, the open
    defects counted, and signature lines."""
    actor.require(C.RUN_MOVEIN_HALL)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        s = uow.session
        f = _handover_facts(s, actor, appointment_id)
        row = _done(uow)
        new = row is None
        if new:
            row = repo.issue(s, Kind.HANDOVER.value, local_today().year, f"appointment:{appointment_id}",
                             actor.username, project_id=f.project_id, unit_id=f.unit.unit_id)
        staff = queries.display_names(s, [st for _, st in f.steps.values()])
        stations = tuple(StationDone(code, _moment(f.steps[code][0]) if code in f.steps else None,
                                     staff.get(f.steps[code][1], f.steps[code][1]) if code in f.steps else None)
                         for code in f.stations)
        handover = Handover(f.unit.room_no, f.unit.owner, f.batch, f.day, str(f.unit.area_m2), _moment(f.arrived_at),
                            stations, sum(1 for d in f.defects if d[5] == "open"), "signing" in f.steps)
        pdf = paper.handover_pdf(_paper(s, "handover", row.number, f"unit:{f.unit.room_no}", _china_day(row.issued_at),
                                        lang, f.unit.project), handover, lang)
        return _finish(uow, row, new, Kind.HANDOVER.value, pdf)


def issue_defect_list(engine: Engine, actor: Actor, appointment_id: int, lang: str = "zh",
                      request_key: str | None = None) -> Issued:
    """Every defect logged for the household in its batch, for the owner to sign."""
    actor.require(C.RUN_MOVEIN_HALL)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        s = uow.session
        f = _handover_facts(s, actor, appointment_id)
        row = _done(uow)
        new = row is None
        if new:
            row = repo.issue(s, Kind.DEFECTS.value, local_today().year, f"appointment:{appointment_id}",
                             actor.username, project_id=f.project_id, unit_id=f.unit.unit_id,
                             detail={"defects": len(f.defects)})
        defects = DefectList(f.unit.room_no, f.unit.owner, f.batch, f.day, tuple(DefectLine(*d) for d in f.defects))
        pdf = paper.defects_pdf(_paper(s, "defects", row.number, f"unit:{f.unit.room_no}", _china_day(row.issued_at),
                                       lang, f.unit.project), defects, lang)
        return _finish(uow, row, new, Kind.DEFECTS.value, pdf)


def appointment_of(engine: Engine, actor: Actor, batch_id: int, unit_id: int) -> int | None:
    actor.require(C.RUN_MOVEIN_HALL)
    with engine.connect() as conn:
        return queries.appointment_of(conn, batch_id, unit_id)


# ---------------------------------------------------------------- training papers

def _session(s, session_id: int) -> queries.SessionFacts:
    facts = queries.session_facts(s, session_id)
    if facts is None:
        raise NotFound("err.session_unknown")
    return facts


def issue_handout(engine: Engine, actor: Actor, session_id: int, version: str, lang: str = "zh",
                  request_key: str | None = None) -> Issued:
    """The session's handout: `trainee` (cases and questions, room to write) or `trainer` (with the
    outcome, the lesson and the method steps of each case)."""
    actor.require(C.RUN_TRAINING)
    kind = {"trainee": Kind.HANDOUT_TRAINEE.value, "trainer": Kind.HANDOUT_TRAINER.value}.get(version)
    if kind is None:
        raise ValidationError("err.required", field="version")
    with UnitOfWork(engine, actor.username, request_key) as uow:
        s = uow.session
        f = _session(s, session_id)
        row = _done(uow)
        new = row is None
        if new:
            row = repo.issue(s, kind, local_today().year, f"session:{session_id}", actor.username)
        trainer = queries.display_names(s, [f.trainer]).get(f.trainer, f.trainer)
        handout = Handout(f.title, f.held_on, trainer, version, handout_cases(f.cases, version))
        pdf = paper.handout_pdf(_paper(s, kind, row.number, f"session:{session_id}", _china_day(row.issued_at), lang),
                                handout, lang)
        return _finish(uow, row, new, kind, pdf)


def issue_sign_in(engine: Engine, actor: Actor, session_id: int, lang: str = "zh",
                  request_key: str | None = None) -> Issued:
    """The sign-in sheet: the session's attendees by name, and blank lines for walk-ins."""
    actor.require(C.RUN_TRAINING)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        s = uow.session
        f = _session(s, session_id)
        row = _done(uow)
        new = row is None
        if new:
            row = repo.issue(s, Kind.SIGN_IN.value, local_today().year, f"session:{session_id}", actor.username)
        names = queries.display_names(s, [f.trainer, *f.attendees])
        sheet = SignIn(f.title, f.held_on, names.get(f.trainer, f.trainer),
                       tuple(Attendee(names.get(u, u), u) for u in f.attendees), SIGN_IN_BLANK_LINES)
        pdf = paper.sign_in_pdf(_paper(s, "sign_in", row.number, f"session:{session_id}", _china_day(row.issued_at),
                                       lang), sheet, lang)
        return _finish(uow, row, new, Kind.SIGN_IN.value, pdf)


# ---------------------------------------------------------------- finding a document again

# Who may see which kind of document when it is looked up by number.
_READ = {Kind.RECEIPT.value: C.VIEW_COLLECTIONS, Kind.NOTICES.value: C.VIEW_COLLECTIONS,
         Kind.REMINDER.value: C.VIEW_COLLECTIONS, Kind.LAWYER.value: C.VIEW_COLLECTIONS,
         Kind.HANDOVER.value: C.RUN_MOVEIN_HALL, Kind.DEFECTS.value: C.RUN_MOVEIN_HALL,
         Kind.HANDOUT_TRAINEE.value: C.RUN_TRAINING, Kind.HANDOUT_TRAINER.value: C.RUN_TRAINING,
         Kind.SIGN_IN.value: C.RUN_TRAINING}


@dataclass(frozen=True)
class Found:
    document_id: int
    kind: str
    number: str
    record_ref: str
    room_no: str | None
    template_version: int | None
    reprint: bool
    issued_by: str
    issued_at: object
    payment_id: int | None = None
    unit_id: int | None = None


def find_document(engine: Engine, actor: Actor, text: object) -> list[Found]:
    """What a number typed or scanned at the desk names: a document number (a notice's own number
    names its bulk PDF), or a receipt number (every print of it, and the payment even when no
    receipt was printed yet). Only the documents the actor may see, in their projects."""
    number = normalise_number(text)
    if not number:
        return []
    parts = number.split("-")
    if len(parts) == 4 and looks_like_document_number("-".join(parts[:3])):
        number = "-".join(parts[:3])         # TZ-2026-0000042-0007: one notice of a bulk PDF
    with engine.connect() as conn:
        rows = queries.find(conn, number)
        payment = queries.payment_by_receipt(conn, number)
    found = [Found(r[0], r[1], r[2], r[3], r[5], r[6], r[7] is not None, r[8], r[9])
             for r in rows if actor.sees(r[4]) and actor.can(_READ.get(r[1], C.MANAGE_DOCUMENTS))]
    if payment is not None and actor.sees(payment[1]) and actor.can(C.VIEW_COLLECTIONS):
        found = [Found(f.document_id, f.kind, f.number, f.record_ref, f.room_no, f.template_version, f.reprint,
                       f.issued_by, f.issued_at, payment[0], payment[2]) for f in found] or \
                [Found(0, Kind.RECEIPT.value, "", number, None, None, False, "", None, payment[0], payment[2])]
    return found
