"""Validate a units-and-owners import. Every bad row is reported; one bad row imports nothing."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import ValidationError
from core.org.model import UnitRow
from core.org.rules import (MAX_NOTE_LEN, building_of, normalise_text, parse_room_no,
                            validate_area, validate_name, validate_phone, validate_status)

# Accepted headers, Chinese or English, mapped to our field names.
HEADERS = {
    "building": ("楼栋", "building"),
    "room_no": ("房号", "room_no", "room"),
    "area_m2": ("面积", "面积(㎡)", "area_m2", "area"),
    "status": ("状态", "status"),
    "owner_name": ("业主姓名", "业主", "owner_name", "owner"),
    "owner_phone": ("电话", "业主电话", "owner_phone", "phone"),
    "special_needs": ("特殊需求", "special_needs", "note"),
}
REQUIRED = ("building", "room_no", "area_m2")


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the file: the header is row 1
    key: str
    params: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    rows: list[UnitRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def pair(self) -> tuple[list[UnitRow], list[RowError]]:
        return self.rows, self.errors


def _pick(raw: dict[str, str], name: str) -> str:
    for h in HEADERS[name]:
        if h in raw:
            return raw[h]
    return ""


def missing_headers(header: list[str]) -> list[str]:
    present = set(h.strip() for h in header)
    return [name for name in REQUIRED if not any(h in present for h in HEADERS[name])]


def validate_unit_rows(raw_rows: list[dict[str, str]], known_buildings: set[str],
                       existing_rooms: set[str]) -> ImportResult:
    if not raw_rows:
        return ImportResult([], [RowError(1, "err.file_empty")])
    missing = missing_headers(list(raw_rows[0].keys()))
    if missing:
        return ImportResult([], [RowError(1, "err.missing_columns", {"columns": ", ".join(missing)})])
    rows: list[UnitRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rows):
        line = i + 2
        try:
            building = normalise_text(_pick(raw, "building")).upper()
            if not building:
                raise ValidationError("err.required", field="building")
            room_no, floor = parse_room_no(_pick(raw, "room_no"))
            if building_of(room_no) != building:
                raise ValidationError("err.room_building_mismatch", field="room_no")
            if building not in known_buildings:
                raise ValidationError("err.building_unknown", field="building", building=building)
            area = validate_area(_pick(raw, "area_m2"))
            status = validate_status(_pick(raw, "status"))
            owner = validate_name(_pick(raw, "owner_name"), "owner_name", required=False)
            phone = validate_phone(_pick(raw, "owner_phone"), required=False)
            note = validate_name(_pick(raw, "special_needs"), "special_needs", required=False,
                                 max_len=MAX_NOTE_LEN)
            if room_no in existing_rooms:
                raise ValidationError("err.room_exists", field="room_no", room=room_no)
            if room_no in seen:
                raise ValidationError("err.room_duplicate", field="room_no", room=room_no, first=seen[room_no])
        except ValidationError as e:
            errors.append(RowError(line, e.key, e.params))
            continue
        seen[room_no] = line
        rows.append(UnitRow(building, room_no, floor, area, status, owner, phone, note))
    return ImportResult(rows, errors)
