"""Validation rules for the shared core. Each raises ValidationError with a catalogue key."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from core.errors import ValidationError
from core.org.model import UnitStatus

# Room numbers are written building-room, e.g. 3-1906: building 3, floor 19, room 06.
_ROOM_RE = re.compile(r"^(?P<building>[0-9A-Za-z]{1,4})-(?P<floor>[0-9]{1,2})(?P<room>[0-9]{2})$")
# Mainland mobile numbers: 11 digits starting with 1[3-9]; landlines as 0AA(A)-NNNNNNN(N).
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")

MAX_NAME_LEN = 40
MAX_NOTE_LEN = 500
MAX_AREA_M2 = Decimal("2000")


def normalise_text(value: object) -> str:
    """Full-width digits and letters become ASCII; surrounding spaces go."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_room_no(value: object) -> tuple[str, int]:
    """Return (normalised room number, floor) or raise."""
    text = normalise_text(value).replace("—", "-").replace("－", "-")
    m = _ROOM_RE.match(text)
    if not m:
        raise ValidationError("err.room_format", field="room_no", value=text[:20])
    floor = int(m.group("floor"))
    if floor == 0:
        raise ValidationError("err.room_format", field="room_no", value=text[:20])
    return text.upper(), floor


def building_of(room_no: str) -> str:
    return room_no.split("-", 1)[0]


def validate_phone(value: object, required: bool = True) -> str | None:
    text = normalise_text(value).replace(" ", "")
    if not text:
        if required:
            raise ValidationError("err.required", field="phone")
        return None
    if not (_MOBILE_RE.match(text) or _LANDLINE_RE.match(text)):
        raise ValidationError("err.phone_format", field="phone")
    return text


def validate_name(value: object, field: str = "name", required: bool = True,
                  max_len: int = MAX_NAME_LEN) -> str | None:
    text = normalise_text(value)
    if not text:
        if required:
            raise ValidationError("err.required", field=field)
        return None
    if len(text) > max_len:
        raise ValidationError("err.too_long", field=field, max=max_len)
    return text


def validate_area(value: object) -> Decimal:
    text = normalise_text(value)
    if not text:
        raise ValidationError("err.required", field="area_m2")
    try:
        area = Decimal(text)
    except InvalidOperation:
        raise ValidationError("err.area_format", field="area_m2") from None
    if not area.is_finite() or area <= 0 or area > MAX_AREA_M2:
        raise ValidationError("err.area_range", field="area_m2", max=MAX_AREA_M2)
    area = area.quantize(Decimal("0.01"))
    if area <= 0:  # 0.004 rounds to 0.00: not an area either
        raise ValidationError("err.area_range", field="area_m2", max=MAX_AREA_M2)
    return area


def validate_status(value: object) -> UnitStatus:
    text = normalise_text(value).lower()
    if not text:
        return UnitStatus.SOLD
    aliases = {"未售": "unsold", "已售": "sold", "已交付": "handed_over", "已入住": "occupied"}
    text = aliases.get(text, text)
    try:
        return UnitStatus(text)
    except ValueError:
        raise ValidationError("err.status_unknown", field="status") from None


def mask_phone(phone: str | None) -> str:
    """138****1234: enough to confirm with the caller, not enough to misuse."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
