"""Read side of complaint attachments: a ticket's list with thumbnails (never the full files), a
unit's, and one file to open. Each answer carries the project, for the service's scope check."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.complaint_attachment_models import ComplaintAttachmentRow as A
from db.models import ComplaintRow

_LISTED = (A.id, A.kind, A.name, A.size, A.stage, A.thumb, A.uploaded_by, A.uploaded_at, ComplaintRow.number)


def for_ticket(engine: Engine, number: str) -> list[dict]:
    stmt = (select(*_LISTED).join(ComplaintRow, ComplaintRow.id == A.complaint_id)
            .where(ComplaintRow.number == number, A.removed_at.is_(None)).order_by(A.uploaded_at, A.id))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def for_unit(engine: Engine, unit_id: int, project_ids=None, limit: int = 60) -> list[dict]:
    """The unit's attachments over all its tickets, newest first."""
    stmt = (select(*_LISTED).join(ComplaintRow, ComplaintRow.id == A.complaint_id)
            .where(ComplaintRow.unit_id == unit_id, A.removed_at.is_(None))
            .order_by(A.uploaded_at.desc(), A.id.desc()).limit(limit))
    if project_ids is not None:
        stmt = stmt.where(ComplaintRow.project_id.in_(project_ids))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def one(engine: Engine, attachment_id: int) -> dict | None:
    """One attachment with its bytes and its ticket's project; None if unknown or removed."""
    stmt = (select(A.id, A.kind, A.name, A.size, A.data, A.uploaded_by, A.uploaded_at, A.removed_at,
                   ComplaintRow.number, ComplaintRow.project_id)
            .join(ComplaintRow, ComplaintRow.id == A.complaint_id).where(A.id == attachment_id))
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return None if row is None or row["removed_at"] is not None else dict(row)
