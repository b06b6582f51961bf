"""Walk-through defects and disputes: what may be recorded, checked before anything is saved."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import ValidationError, ValidationErrors
from core.org.rules import as_typed
from core.uploads import IMAGES, check_upload

LOCATIONS = ("living", "bedroom", "kitchen", "bathroom", "balcony", "entrance", "windows", "other")
KINDS = ("wall", "floor", "door_window", "plumbing", "electrical", "waterproofing", "fixtures", "other")
SEVERITIES = ("minor", "major", "critical")
RESPONSIBLE = ("developer", "contractor", "property", "owner")
MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Days to put a defect right when the form gives no date: the worse it is, the sooner.
FIX_DAYS = {"minor": 15, "major": 7, "critical": 3}
MAX_FIX_DAYS = 180


@dataclass(frozen=True)
class Defect:
    location: str
    kind: str
    severity: str
    responsible: str
    note: str
    photo: bytes | None
    due: date | None = None


def fix_by(severity: str, logged: date) -> date:
    return logged + timedelta(days=FIX_DAYS.get(severity, FIX_DAYS["minor"]))


def validate_defect(location: str, kind: str, severity: str, responsible: str, note: str,
                    photo: bytes | None = None, due: date | None = None, today: date | None = None) -> Defect:
    """Every wrong field of the defect form at once. Nothing is chosen for the supervisor: an
    empty severity or party is named, not guessed. Without a deadline (`due`) the severity's
    (FIX_DAYS from `today`) applies; a given one lies between today and half a year on."""
    def choice(value, allowed, field):
        def check():
            if value not in allowed:
                raise ValidationError("err.required", field=field)
        return check

    def described():
        text = as_typed(note)
        if len(text) > 500:
            raise ValidationError("err.too_long", field="note", max=500)
        if severity in SEVERITIES and severity != "minor" and not text:
            raise ValidationError("err.defect_note", field="note")
        return text

    def picture():
        if photo is not None:
            # The bytes themselves decide (core.uploads), whatever the browser said the file was.
            check_upload(photo, IMAGES, max_bytes=MAX_PHOTO_BYTES, field="photo")

    def deadline():
        if due is None or today is None:
            return due
        if not today <= due <= today + timedelta(days=MAX_FIX_DAYS):
            raise ValidationError("err.defect_due", field="due", days=MAX_FIX_DAYS)
        return due

    *_, text, _, when = ValidationErrors.collect(
        choice(location, LOCATIONS, "location"), choice(kind, KINDS, "kind"),
        choice(severity, SEVERITIES, "severity"), choice(responsible, RESPONSIBLE, "responsible"),
        described, picture, deadline)
    if when is None and today is not None:
        when = fix_by(severity, today)
    return Defect(location, kind, severity, responsible, text, photo, when)


def validate_closing(owner_confirmed: bool, note: str) -> str:
    """A defect is closed only once the owner has confirmed the repair; `note` says how (on the
    phone, signed on site), and is kept."""
    note = as_typed(note)

    def confirmed():
        if not owner_confirmed:
            raise ValidationError("err.defect_owner_confirm", field="owner_confirmed")

    def described():
        if len(note) > 200:
            raise ValidationError("err.too_long", field="note", max=200)

    ValidationErrors.collect(confirmed, described)
    return note


def validate_dispute(note: str) -> str:
    note = as_typed(note)
    if not note:
        raise ValidationError("err.required", field="note")
    if len(note) > 500:
        raise ValidationError("err.too_long", field="note", max=500)
    return note
