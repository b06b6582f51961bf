"""Room numbers, phones, areas, statuses and phone masking as staff type them."""
from decimal import Decimal

import pytest

from core.errors import ValidationError
from core.i18n import translate
from core.org.model import UnitStatus
from core.org.rules import (MAX_AREA_M2, building_of, mask_phone, parse_room_no, validate_area,
                            validate_name, validate_phone, validate_status)


def refused(func, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return info.value


# --- room numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("typed, room, floor", [
    ("3-1906", "3-1906", 19),
    ("3-106", "3-106", 1),
    (" 12-2201 ", "12-2201", 22),
    ("３－１９０６", "3-1906", 19),       # full-width digits and hyphen from a Chinese IME
    ("3—1906", "3-1906", 19),             # em dash
    ("a-101", "A-101", 1),                # building letters are upper-cased
    ("B2-3304", "B2-3304", 33),
])
def test_room_numbers_are_accepted_and_normalised(typed, room, floor):
    assert parse_room_no(typed) == (room, floor)


@pytest.mark.parametrize("typed", [
    "", None, "31906", "3-19-06", "3/1906", "3-6", "3-10006", "3-1906A", "3 -1906",
    "3-0006",           # floor 0 does not exist
    "ABCDE-101",        # building code too long
    "3-19O6",           # letter O instead of zero
])
def test_bad_room_numbers_are_refused_with_the_format_message(typed):
    error = refused(parse_room_no, typed)
    assert error.key == "err.room_format"
    assert error.field == "room_no"
    assert "3-1906" in translate(error.key, "zh")  # the message shows the expected format


def test_building_of_room():
    assert building_of("3-1906") == "3"
    assert building_of("B2-101") == "B2"


# --- phones -------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),  # full-width
    ("19912345678", "19912345678"),
    ("0755-12345678", "0755-12345678"),
    ("075512345678", "075512345678"),
    ("010-1234567", "010-1234567"),
    ("021-87654321", "021-87654321"),
])
def test_valid_mobile_and_landline_numbers(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize("typed", [
    "12812345678",      # mobiles start 13-19
    "1381234567",       # 10 digits
    "138123456789",     # 12 digits
    "23812345678",
    "0755-123456",      # landline too short
    "755-12345678",     # area code without 0
    "138-1234-abcd",
    "phone",
])
def test_invalid_phone_numbers_are_refused(typed):
    error = refused(validate_phone, typed)
    assert error.key == "err.phone_format"
    assert "13812345678" in translate(error.key, "zh")


def test_empty_phone_required_or_optional():
    assert refused(validate_phone, "").key == "err.required"
    assert refused(validate_phone, "   ").key == "err.required"
    assert validate_phone("", required=False) is None
    assert validate_phone(None, required=False) is None
    assert translate("err.required", "zh", field="phone") == "“电话”不能为空。"


@pytest.mark.parametrize("phone, shown", [
    ("13812345678", "138****5678"),
    ("0755-12345678", "075******5678"),
    ("12345", "*****"),
    ("1234567", "*******"),
    ("", ""),
    (None, ""),
])
def test_mask_phone_hides_the_middle(phone, shown):
    assert mask_phone(phone) == shown


def test_masked_numbers_never_show_more_than_seven_digits():
    for phone in ("13812345678", "0755-12345678", "010-1234567"):
        masked = mask_phone(phone)
        assert sum(c.isdigit() for c in masked) <= 7
        assert len(masked) == len(phone)


# --- areas --------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, area", [
    ("89.5", Decimal("89.50")),
    ("89", Decimal("89.00")),
    (" 128.25 ", Decimal("128.25")),
    ("８９．５", Decimal("89.50")),      # full-width digits and point
    (89.5, Decimal("89.50")),           # a number cell from Excel
    ("89.456", Decimal("89.46")),
    ("0.01", Decimal("0.01")),
    ("2000", Decimal("2000.00")),
])
def test_valid_areas_are_kept_to_two_decimals(typed, area):
    assert validate_area(typed) == area


@pytest.mark.parametrize("typed", ["0", "0.00", "-5", "-0.5", "2000.01", "1e9", "99999999", "1e30",
                                   "NaN", "Infinity", "-Infinity",
                                   "0.004", "1e-5"])   # would be stored as 0.00 m²
def test_areas_out_of_range_are_refused(typed):
    error = refused(validate_area, typed)
    assert error.key == "err.area_range"
    assert str(MAX_AREA_M2) in translate(error.key, "en", **error.params)


@pytest.mark.parametrize("typed", ["abc", "89,5", "89.5㎡", "八十九", "1.2.3"])
def test_non_numeric_areas_are_refused(typed):
    assert refused(validate_area, typed).key == "err.area_format"


def test_missing_area_is_required():
    assert refused(validate_area, "").key == "err.required"
    assert refused(validate_area, None).key == "err.required"


# --- statuses and names -------------------------------------------------------------------

@pytest.mark.parametrize("typed, status", [
    ("已售", UnitStatus.SOLD), ("未售", UnitStatus.UNSOLD), ("已交付", UnitStatus.HANDED_OVER),
    ("已入住", UnitStatus.OCCUPIED), ("occupied", UnitStatus.OCCUPIED), ("SOLD", UnitStatus.SOLD),
    ("", UnitStatus.SOLD), (None, UnitStatus.SOLD),
])
def test_status_aliases(typed, status):
    assert validate_status(typed) is status


def test_unknown_status_is_refused():
    assert refused(validate_status, "卖了").key == "err.status_unknown"


def test_names_trimmed_and_limited():
    assert validate_name("  王伟 ") == "王伟"
    assert validate_name("", required=False) is None
    error = refused(validate_name, "王" * 41, "owner_name")
    assert error.key == "err.too_long"
    assert translate(error.key, "zh", **error.params) == "“业主姓名”最多 40 个字。"
    assert validate_name("王" * 40) == "王" * 40
