"""Read side of incidents: the incident a ticket belongs to, with its member tickets, and a project's
open incidents (to register a caller against one)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.complaint_incident_models import ComplaintIncidentMemberRow as Member
from db.complaint_incident_models import ComplaintIncidentRow as I
from db.complaint_incident_repository import to_domain
from db.models import ComplaintRow, Unit


def incident_of_ticket(engine: Engine, number: str):
    """The Incident the ticket belongs to, or None."""
    with Session(engine) as s:
        row = s.scalar(select(I).join(Member, Member.incident_id == I.id)
                       .join(ComplaintRow, ComplaintRow.id == Member.complaint_id)
                       .where(ComplaintRow.number == number))
        return None if row is None else to_domain(row)


def incident(engine: Engine, incident_id: int):
    with Session(engine) as s:
        row = s.get(I, incident_id)
        return None if row is None else to_domain(row)


def members(engine: Engine, incident_id: int) -> list[dict]:
    """The member tickets, oldest first: number, room, stage, complainant, the last call-back's score."""
    stmt = (select(ComplaintRow.number, Unit.room_no, ComplaintRow.stage, ComplaintRow.complainant,
                   ComplaintRow.satisfaction, ComplaintRow.callback_attempts, ComplaintRow.closed_as)
            .join(Member, Member.complaint_id == ComplaintRow.id)
            .outerjoin(Unit, Unit.id == ComplaintRow.unit_id)
            .where(Member.incident_id == incident_id).order_by(ComplaintRow.received_at, ComplaintRow.id))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def open_incidents(engine: Engine, project_ids=None, limit: int = 20) -> list:
    stmt = select(I).where(I.closed_at.is_(None)).order_by(I.opened_at.desc()).limit(limit)
    if project_ids is not None:
        stmt = stmt.where(I.project_id.in_(project_ids))
    with Session(engine) as s:
        return [to_domain(r) for r in s.scalars(stmt)]
