"""Storage of the photos and scans attached to complaints (0024). The bytes live in the row, as the
move-in defect photos do (db/movein_models.py); a small JPEG thumbnail made at upload is kept beside
them so a ticket's strip of thumbnails never ships the full pictures. A removed attachment keeps its
row (who, when, why, the file's hash) but loses its bytes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime


class ComplaintAttachmentRow(Base):
    __tablename__ = "complaint_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))                 # core.uploads.UploadKind
    name: Mapped[str] = mapped_column(String(120), default="")   # the file's name as sent, cleaned
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(12))               # the ticket's stage when it was added
    thumb: Mapped[bytes | None] = mapped_column(LargeBinary)     # images only
    uploaded_by: Mapped[str] = mapped_column(String(32))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(32))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_reason: Mapped[str] = mapped_column(String(300), default="")
    # last: a list of the attachments (thumbnails) never walks the files' pages (see 0024)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)      # None once removed
