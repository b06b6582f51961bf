"""Walk-through defects and disputes: what may be recorded, checked before anything is saved."""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import ValidationError
from core.org.rules import normalise_text

LOCATIONS = ("living", "bedroom", "kitchen", "bathroom", "balcony", "entrance", "windows", "other")
KINDS = ("wall", "floor", "door_window", "plumbing", "electrical", "waterproofing", "fixtures", "other")
SEVERITIES = ("minor", "major", "critical")
RESPONSIBLE = ("developer", "contractor", "property", "owner")
MAX_PHOTO_BYTES = 2 * 1024 * 1024
_PHOTO_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class Defect:
    location: str
    kind: str
    severity: str
    responsible: str
    note: str
    photo: bytes | None


def validate_defect(location: str, kind: str, severity: str, responsible: str, note: str,
                    photo: bytes | None = None) -> Defect:
    for value, allowed, field in ((location, LOCATIONS, "location"), (kind, KINDS, "kind"),
                                  (severity, SEVERITIES, "severity"), (responsible, RESPONSIBLE, "responsible")):
        if value not in allowed:
            raise ValidationError("err.required", field=field)
    note = normalise_text(note)
    if len(note) > 500:
        raise ValidationError("err.too_long", field="note", max=500)
    if severity != "minor" and not note:
        raise ValidationError("err.defect_note", field="note")
    if photo is not None:
        if len(photo) > MAX_PHOTO_BYTES:
            raise ValidationError("err.photo_too_big", field="photo", max_mb=2)
        if not photo.startswith(_PHOTO_MAGIC):
            raise ValidationError("err.photo_type", field="photo")
    return Defect(location, kind, severity, responsible, note, photo)


def validate_dispute(note: str) -> str:
    note = normalise_text(note)
    if not note:
        raise ValidationError("err.required", field="note")
    if len(note) > 500:
        raise ValidationError("err.too_long", field="note", max=500)
    return note
