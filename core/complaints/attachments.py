"""Photos and scans on a complaint: what is accepted (core.uploads decides from the bytes), how many,
and who may take one off again. The uploader may take back a wrong file for a short while (the
wrong photo picked in the gallery); later only a manager, and always with a reason, since the file
may already have been shown to the owner or used in the handling."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.errors import DomainError, PermissionDenied, ValidationError
from core.uploads import IMAGES_AND_PDF, MAX_BYTES, UploadKind, check_upload

ALLOWED = IMAGES_AND_PDF
UNDO_WINDOW = timedelta(minutes=30)   # the uploader's own "that was the wrong one"
MAX_PER_TICKET = 30
MAX_NAME = 120
MAX_REASON = 300
THUMB_SIDE = 240                      # pixels, the longer side of a thumbnail


def check_file(data: bytes | None) -> UploadKind:
    """The file's kind from its bytes, or the reason it is refused (type, size, dimensions, cut off)."""
    return check_upload(data, ALLOWED, max_bytes=MAX_BYTES, field="attachment")


def clean_name(name: str | None, kind: UploadKind) -> str:
    """The name as sent, without folders or control characters, short; a name it never had otherwise."""
    text = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    text = re.sub(r"[\x00-\x1f\x7f]", "", text).strip()
    if not text:
        text = f"{kind.value}"
    return text[-MAX_NAME:]


def check_room(count_now: int) -> None:
    if count_now >= MAX_PER_TICKET:
        raise DomainError("err.attachments_full", max=MAX_PER_TICKET)


def may_remove(actor: Actor, uploaded_by: str, uploaded_at: datetime, now: datetime) -> bool:
    return actor.can(Capability.MANAGE_COMPLAINTS) or (actor.username == uploaded_by
                                                       and now - uploaded_at <= UNDO_WINDOW)


def check_removal(actor: Actor, uploaded_by: str, uploaded_at: datetime, removed_at: datetime | None,
                  now: datetime, reason: str) -> str:
    """The reason, cleaned; refused when it is not this actor's to remove any more."""
    if removed_at is not None:
        raise DomainError("err.attachment_removed")
    if not may_remove(actor, uploaded_by, uploaded_at, now):
        raise PermissionDenied("err.attachment_remove_role", minutes=int(UNDO_WINDOW.total_seconds() // 60))
    text = ("" if reason is None else str(reason)).strip()
    if not text:
        raise ValidationError("err.required", field="remove_reason")
    if len(text) > MAX_REASON:
        raise ValidationError("err.too_long", field="remove_reason", max=MAX_REASON)
    return text


def thumbnail(data: bytes, kind: UploadKind) -> bytes | None:
    """A small JPEG of an image (already checked by check_file), turned upright; None for a PDF."""
    if not kind.is_image:
        return None
    import io

    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (THUMB_SIDE * 2, THUMB_SIDE * 2))   # a JPEG decodes at 1/2..1/8 scale: far quicker
        img = ImageOps.exif_transpose(img)
        img.thumbnail((THUMB_SIDE, THUMB_SIDE))
        if img.mode not in ("RGB", "L"):
            background = Image.new("RGB", img.size, "white")
            rgba = img.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            img = background
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80)
        return out.getvalue()
