"""Writes of the documents feature inside a unit of work: a document issued with its number, the
letter templates' versions, how to pay per project."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.documents.letters import LetterTemplate
from core.documents.numbers import document_number
from db.base import utcnow
from db.document_models import DocumentRow, DocumentSettings, LetterTemplateRow


def issue(s: Session, kind: str, year: int, record_ref: str, actor: str, *, project_id: int | None = None,
          unit_id: int | None = None, template_version: int | None = None, reprint_of: int | None = None,
          detail: dict | None = None) -> DocumentRow:
    """The document's row, numbered from its own id: numbers never repeat, and two desks printing at
    once never wait for a shared counter."""
    row = DocumentRow(kind=kind, number=f"~{uuid.uuid4().hex[:20]}", record_ref=record_ref[:60], project_id=project_id,
                      unit_id=unit_id, template_version=template_version, reprint_of=reprint_of, detail=detail or {},
                      issued_by=actor, issued_at=utcnow())
    s.add(row)
    s.flush()
    row.number = document_number(kind, year, row.id)
    s.flush()
    return row


def get(s: Session, document_id: int) -> DocumentRow | None:
    return s.get(DocumentRow, document_id)


def prints_before(s: Session, kind: str, record_ref: str) -> tuple[int | None, int]:
    """(id of the first print, how many prints so far) of a record's document."""
    first, count = s.execute(select(func.min(DocumentRow.id), func.count(DocumentRow.id))
                             .where(DocumentRow.kind == kind, DocumentRow.record_ref == record_ref)).one()
    return first, int(count or 0)


def print_no(s: Session, row: DocumentRow) -> int:
    """Which print of its record this row is (1: the first)."""
    return int(s.scalar(select(func.count(DocumentRow.id)).where(
        DocumentRow.kind == row.kind, DocumentRow.record_ref == row.record_ref, DocumentRow.id <= row.id)))


def template(s: Session, kind: str, version: int | None = None) -> LetterTemplate | None:
    """The newest saved version of a kind (or the one asked for); None: never saved."""
    t = LetterTemplateRow
    stmt = select(t.kind, t.title, t.body, t.version, t.saved_by).where(t.kind == kind)
    stmt = stmt.where(t.version == version) if version else stmt
    row = s.execute(stmt.order_by(t.version.desc()).limit(1)).first()   # a session or a connection
    return None if row is None else LetterTemplate(*row)


def add_template(s: Session, kind: str, title: str, body: str, actor: str) -> int:
    """The next version of the kind. Two admins saving at once: the unique (kind, version) refuses
    the second, which is told to reload (a conflict), never silently numbered the same."""
    version = int(s.scalar(select(func.coalesce(func.max(LetterTemplateRow.version), 0))
                           .where(LetterTemplateRow.kind == kind))) + 1
    s.add(LetterTemplateRow(kind=kind, version=version, title=title, body=body, saved_by=actor, saved_at=utcnow()))
    s.flush()
    return version


def set_how_to_pay(s: Session, project_id: int, text: str | None, actor: str) -> str | None:
    """Returns the text it replaced."""
    row = s.get(DocumentSettings, project_id)
    before = None if row is None else row.how_to_pay
    if row is None:
        s.add(DocumentSettings(project_id=project_id, how_to_pay=text, updated_by=actor, updated_at=utcnow()))
    else:
        row.how_to_pay, row.updated_by, row.updated_at = text, actor, utcnow()
    s.flush()
    return before
