"""Attachments of a ticket inside a service's unit of work: add, find the same file, count, load for
a removal. Never commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.complaint_attachment_models import ComplaintAttachmentRow
from db.models import ComplaintRow


def same_file(session: Session, complaint_id: int, sha256: str) -> int | None:
    """The ticket's attachment with these very bytes, still on it."""
    t = ComplaintAttachmentRow
    return session.scalar(select(t.id).where(t.complaint_id == complaint_id, t.sha256 == sha256,
                                             t.removed_at.is_(None)).limit(1))


def count(session: Session, complaint_id: int) -> int:
    t = ComplaintAttachmentRow
    return session.scalar(select(func.count()).select_from(t)
                          .where(t.complaint_id == complaint_id, t.removed_at.is_(None))) or 0


def add(session: Session, complaint_id: int, *, kind: str, name: str, size: int, sha256: str, stage: str,
        data: bytes, thumb: bytes | None, uploaded_by: str, uploaded_at: datetime) -> int:
    row = ComplaintAttachmentRow(complaint_id=complaint_id, kind=kind, name=name, size=size, sha256=sha256,
                                 stage=stage, data=data, thumb=thumb, uploaded_by=uploaded_by,
                                 uploaded_at=uploaded_at, removed_reason="")
    session.add(row)
    session.flush()
    return row.id


def for_removal(session: Session, attachment_id: int) -> tuple[ComplaintAttachmentRow, ComplaintRow] | None:
    """The attachment, locked, and its ticket; None when there is no such attachment."""
    row = session.scalar(select(ComplaintAttachmentRow).where(ComplaintAttachmentRow.id == attachment_id)
                         .with_for_update())
    if row is None:
        return None
    return row, session.get(ComplaintRow, row.complaint_id)


def remove(row: ComplaintAttachmentRow, by: str, at: datetime, reason: str) -> None:
    """The row stays (who, when, why, the hash); the bytes go."""
    row.removed_by, row.removed_at, row.removed_reason = by, at, reason
    row.data = row.thumb = None
