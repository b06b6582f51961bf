"""Load and save of cases and training sessions inside a unit of work (the services' session), and
what a case needs to read of a closed complaint."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.cases.model import CaseDraft, tags
from db.case_models import CaseRow, SessionAttendee, SessionCase, TrainingSession
from db.models import ComplaintRow, Owner, StaffUser, Unit

EDITABLE = ("title", "title_en", "summary_en", "story", "outcome", "lesson", "kind", "source", "status")


def slugs(session: Session) -> set[str]:
    return set(session.scalars(select(CaseRow.slug).where(CaseRow.slug.is_not(None))))


def get(session: Session, case_id: int) -> CaseRow | None:
    return session.get(CaseRow, case_id)


def add(session: Session, d: CaseDraft, created_by: str, from_complaint: str | None = None) -> int:
    row = CaseRow(slug=d.slug, title=d.title, title_en=d.title_en, summary_en=d.summary_en, story=d.story,
                  outcome=d.outcome, lesson=d.lesson, questions=list(d.questions), kind=d.kind,
                  topics=tags(d.topics), method_steps=tags(d.method_steps), source=d.source, status=d.status,
                  created_by=created_by, from_complaint=from_complaint)
    session.add(row)
    session.flush()
    return row.id


def update(row: CaseRow, d: CaseDraft) -> None:
    for name in EDITABLE:
        setattr(row, name, getattr(d, name))
    row.questions, row.topics, row.method_steps = list(d.questions), tags(d.topics), tags(d.method_steps)


def published_among(session: Session, case_ids: list[int]) -> set[int]:
    return set(session.scalars(select(CaseRow.id).where(CaseRow.id.in_(case_ids), CaseRow.status == "published")))


def add_session(session: Session, title: str, held_on: date, trainer: str, notes: str,
                case_ids: list[int], attendees: list[str]) -> int:
    training = TrainingSession(title=title, held_on=held_on, trainer=trainer, notes=notes)
    session.add(training)
    session.flush()
    for i, cid in enumerate(dict.fromkeys(case_ids)):
        session.add(SessionCase(session_id=training.id, case_id=cid, position=i))
    for name in dict.fromkeys(attendees):
        session.add(SessionAttendee(session_id=training.id, username=name))
    return training.id


@dataclass(frozen=True)
class ComplaintSource:
    """What a case is written from: the ticket's texts and every name to take out of them."""
    number: str
    project_id: int | None
    stage: str
    category: str
    content: str
    cause: str
    agreed_steps: str
    implementation: str
    root_cause: str
    prevention: str
    people: tuple[str, ...]      # complainant, owner, who was complained about
    staff: tuple[str, ...]       # receiver, handler, sign-off, every account's login and name


def complaint_source(session: Session, number: str) -> ComplaintSource | None:
    c = session.scalar(select(ComplaintRow).where(ComplaintRow.number == number))
    if c is None:
        return None
    owner = session.scalar(select(Owner.name).join(Unit, Unit.owner_id == Owner.id)
                           .where(Unit.id == c.unit_id)) if c.unit_id else None
    staff = [c.receiver, c.handler or "", c.signoff_by or ""]
    staff += [n for row in session.execute(select(StaffUser.username, StaffUser.display_name)) for n in row]
    return ComplaintSource(c.number, c.project_id, c.stage, c.category, c.content or "", c.cause or "",
                           c.agreed_steps or "", c.implementation or "", c.root_cause or "", c.prevention or "",
                           (c.complainant, owner or "", c.subject or ""), tuple(staff))


def case_of_complaint(session: Session, number: str) -> int | None:
    return session.scalar(select(CaseRow.id).where(CaseRow.from_complaint == number))


def lock_case_of_complaint(session: Session, number: str) -> None:
    """Until the transaction ends, nobody else turns this complaint into a case: two trainers'
    first clicks at once queue here (an advisory lock on PostgreSQL; SQLite's writes already take
    the one write lock at BEGIN IMMEDIATE), so the second finds the first's draft."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"case_from_complaint:{number}"))))
