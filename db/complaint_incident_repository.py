"""Incidents inside a service's unit of work: add one, load one (locked) with its member tickets as
the rules see them, link a ticket, save. Never commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.complaints.incidents import Incident
from core.complaints.model import Category
from core.errors import ConflictError
from db import complaint_repository
from db.complaint_incident_models import ComplaintIncidentMemberRow as Member
from db.complaint_incident_models import ComplaintIncidentRow
from db.models import ComplaintRow

_FIELDS = ("id", "project_id", "building_id", "title", "cause", "opened_by", "opened_at", "fix", "prevention",
           "fixed_by", "fixed_at", "closed_by", "closed_at", "version")


def to_domain(row: ComplaintIncidentRow) -> Incident:
    return Incident(category=Category(row.category), **{f: getattr(row, f) for f in _FIELDS})


def add(session: Session, inc: Incident) -> ComplaintIncidentRow:
    row = ComplaintIncidentRow(project_id=inc.project_id, building_id=inc.building_id, title=inc.title,
                               category=inc.category.value, cause=inc.cause, fix="", prevention="",
                               opened_by=inc.opened_by, opened_at=inc.opened_at)
    session.add(row)
    session.flush()
    return row


def get(session: Session, incident_id: int, for_update: bool = False) -> ComplaintIncidentRow | None:
    stmt = select(ComplaintIncidentRow).where(ComplaintIncidentRow.id == incident_id)
    return session.scalar(stmt.with_for_update() if for_update else stmt)


def save(session: Session, row: ComplaintIncidentRow, inc: Incident) -> int:
    for f in ("fix", "prevention", "fixed_by", "fixed_at", "closed_by", "closed_at"):
        setattr(row, f, getattr(inc, f))
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError() from None
    return row.version


def incident_of(session: Session, complaint_id: int) -> int | None:
    return session.scalar(select(Member.incident_id).where(Member.complaint_id == complaint_id))


def link(session: Session, incident_id: int, complaint_id: int, by: str, at: datetime) -> None:
    session.add(Member(incident_id=incident_id, complaint_id=complaint_id, added_by=by, added_at=at))
    session.flush()


def children(session: Session, incident_id: int, for_update: bool = False) -> list[complaint_repository.Loaded]:
    """The member tickets, oldest first, loaded (and locked) for a change."""
    stmt = (select(ComplaintRow.number).join(Member, Member.complaint_id == ComplaintRow.id)
            .where(Member.incident_id == incident_id).order_by(ComplaintRow.received_at, ComplaintRow.id))
    return [complaint_repository.get(session, n, for_update=for_update) for n in session.scalars(stmt).all()]
