"""Validation rules for the shared core. Each raises ValidationError with a catalogue key."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from core.errors import ValidationError, ValidationErrors
from core.i18n import CATALOGUES
from core.org.model import OwnerEntry, UnitStatus

# Room numbers are written building-room, e.g. 3-1906: building 3, floor 19, room 06.
_ROOM_RE = re.compile(r"^(?P<building>[0-9A-Za-z]{1,4})-(?P<floor>[0-9]{1,2})(?P<room>[0-9]{2})$")
# Mainland numbers as people write them: spaces, dashes, dots, brackets and a +86 / 0086 / 86 prefix
# come off; a mobile is stored as its 11 digits, a landline as area code, dash, local number.
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{9,11}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑–—.·()（）]")
_COUNTRY = "86"

MAX_NAME_LEN = 40
MAX_NOTE_LEN = 500
MAX_AREA_M2 = Decimal("2000")


def normalise_text(value: object) -> str:
    """Full-width digits and letters become ASCII; surrounding spaces go. For what is matched or
    parsed (room numbers, phones, amounts, codes), never for prose: see as_typed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def as_typed(value: object) -> str:
    """Prose (a reason, a note, an address) as the user wrote it, trimmed: NFKC would turn the
    full-width Chinese punctuation of a sentence (，：（）！？) into ASCII."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


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


def _national(digits: str) -> str:
    """The number without its country prefix, a landline with its trunk 0 put back."""
    if digits.startswith("+") or digits.startswith("00"):
        digits = digits.lstrip("+")
        digits = digits[2:] if digits.startswith("00") else digits
        if not digits.startswith(_COUNTRY):
            return ""   # a number abroad: not one we can call back the usual way
        digits = digits[len(_COUNTRY):]
        return digits if _MOBILE_RE.match(digits) else "0" + digits.lstrip("0")
    if digits.startswith(_COUNTRY) and _MOBILE_RE.match(digits[len(_COUNTRY):]):
        return digits[len(_COUNTRY):]   # 86-138..., the + left out
    return digits


def _landline(digits: str, field: str) -> str:
    """0755-12345678: Beijing (010) and the 02x cities have three-digit area codes, the rest four."""
    area = 3 if digits[1] in "12" else 4
    local = digits[area:]
    if not 7 <= len(local) <= 8:
        raise ValidationError("err.phone_format", field=field)
    return f"{digits[:area]}-{local}"


def validate_phone(value: object, required: bool = True, field: str = "phone") -> str | None:
    text = normalise_text(value)
    if not text:
        if required:
            raise ValidationError("err.required", field=field)
        return None
    digits = _national(_PHONE_SEPARATORS.sub("", text))
    if _MOBILE_RE.match(digits):
        return digits
    if _LANDLINE_RE.match(digits):
        return _landline(digits, field)
    raise ValidationError("err.phone_format", field=field)


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


def _status_names() -> dict[str, str]:
    """What a status may be typed as: its code, the short Chinese words, and its label in either
    language (so the import template's own labels import)."""
    names = {"未售": "unsold", "已售": "sold", "已交付": "handed_over", "已入住": "occupied"}
    for status in UnitStatus:
        for catalogue in CATALOGUES.values():
            names[catalogue[f"status.{status.value}"].lower()] = status.value
    return names


def validate_status(value: object) -> UnitStatus:
    text = normalise_text(value).lower()
    if not text:
        return UnitStatus.SOLD
    text = _status_names().get(text, text)
    try:
        return UnitStatus(text)
    except ValueError:
        raise ValidationError("err.status_unknown", field="status") from None


def validate_optional_text(value: object, field: str, max_len: int) -> str:
    text = as_typed(value)
    if len(text) > max_len:
        raise ValidationError("err.too_long", field=field, max=max_len)
    return text


def parse_date(value: object, field: str, today: date, required: bool = True) -> date | None:
    """A date typed or picked (2026-03-01); never after today, as no one records tomorrow's fact."""
    if value is None or value == "":
        if required:
            raise ValidationError("err.required", field=field)
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(normalise_text(value))
        except ValueError:
            raise ValidationError("err.date_format", field=field) from None
    if value > today:
        raise ValidationError("err.date_future", field=field)
    return value


def mask_phone(phone: str | None) -> str:
    """138****1234: enough to confirm with the caller, not enough to misuse."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# ---------------------------------------------------------------- set-up: company, projects, buildings

_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
_BUILDING_RE = re.compile(r"^[0-9A-Z]{1,4}$")   # the building part of a room number (3-1906, B2-101)
MAX_FLOORS = 99
MAX_ADDRESS_LEN = 200
DEFAULT_TARGET_BP = 9500   # 95 %, the collection target a project has until one is set


def validate_company_name(value: object) -> str:
    return validate_name(value, "company_name", max_len=60)


def validate_project_code(value: object) -> str:
    text = normalise_text(value).upper()
    if not text:
        raise ValidationError("err.required", field="project_code")
    if not _CODE_RE.match(text):
        raise ValidationError("err.project_code_format", field="project_code")
    return text


def validate_target(value: object) -> int | None:
    """A collection target typed as a percentage (95, 95.5, 95 %) in basis points; blank: none set."""
    text = normalise_text(value).rstrip("%").strip()
    if not text:
        return None
    try:
        pct = Decimal(text)
    except InvalidOperation:
        raise ValidationError("err.target_range", field="collection_target") from None
    if not pct.is_finite() or pct <= 0 or pct > 100:
        raise ValidationError("err.target_range", field="collection_target")
    return int((pct * 100).quantize(Decimal("1")))


def validate_building_name(value: object) -> str:
    text = normalise_text(value).upper()
    if not text:
        raise ValidationError("err.required", field="building")
    if not _BUILDING_RE.match(text):
        raise ValidationError("err.building_format", field="building")
    return text


def validate_floors(value: object) -> int:
    text = normalise_text(value)
    if not text:
        raise ValidationError("err.required", field="floors")
    if not text.isdigit() or not 1 <= int(text) <= MAX_FLOORS:
        raise ValidationError("err.floors_range", field="floors", max=MAX_FLOORS)
    return int(text)


def validate_room_in_building(room_no: str, floor: int, building: str, floors: int) -> None:
    if building_of(room_no) != building:
        raise ValidationError("err.room_building_mismatch", field="room_no")
    if floor > floors:
        raise ValidationError("err.floor_above_building", field="room_no", floors=floors)


# ---------------------------------------------------------------- owners

# The fields of the first and second owner on one form (a transfer to a couple).
OWNER_FIELDS = (("owner_name", "phone"), ("owner2_name", "phone2"))


def validate_owner(name: object, phone: object, fields: tuple[str, str] = OWNER_FIELDS[0]) -> OwnerEntry:
    name_, phone_ = ValidationErrors.collect(lambda: validate_name(name, fields[0]),
                                             lambda: validate_phone(phone, required=False, field=fields[1]))
    return OwnerEntry(name_, phone_)


def validate_owners(pairs: list[tuple[object, object]]) -> list[OwnerEntry]:
    """The new owners of a transfer: the first is required, a second one is optional; every wrong
    field of both at once."""
    checks = [lambda: validate_owner(*pairs[0], OWNER_FIELDS[0])]
    for i, (name, phone) in enumerate(pairs[1:len(OWNER_FIELDS)], start=1):
        if normalise_text(name) or normalise_text(phone):
            checks.append(lambda n=name, p=phone, f=OWNER_FIELDS[i]: validate_owner(n, p, f))
    return ValidationErrors.collect(*checks)
