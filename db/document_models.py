"""Storage of the documents issued (every print counted, reprints pointing at the first) and of
the letter templates, one row per saved version (0016)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class DocumentRow(Base):
    """One document as issued: its number (printed and in the QR code), what it is about
    (`record_ref`: a receipt number, 'unit:<id>', 'session:<id>'...), who printed it and when."""
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_kind_ref", "kind", "record_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(30), unique=True)
    record_ref: Mapped[str] = mapped_column(String(60))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    template_version: Mapped[int | None] = mapped_column(Integer)   # letters: the version they were set from
    reprint_of: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)         # e.g. notices: period, building, count
    issued_by: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LetterTemplateRow(Base):
    """A saved version of a letter template; the newest version of a kind is the one in use."""
    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("kind", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(32))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DocumentSettings(Base):
    """Per project: how to pay, printed on its payment notices (None: the catalogue's text)."""
    __tablename__ = "document_settings"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    how_to_pay: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
