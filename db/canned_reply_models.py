"""Canned replies (统一说词), approved wordings per situation and category (0023). `version` is the
optimistic lock: two managers editing one wording never silently overwrite each other."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class CannedReplyRow(Base):
    __tablename__ = "canned_replies"
    __table_args__ = (Index("ix_canned_replies_situation_category", "situation", "category"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    situation: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(20))   # None: every category
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __mapper_args__ = {"version_id_col": version}
