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
    ("075512345678", "0755-12345678"),   # stored in one form: area code, dash, number
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


# --- phones as people write them, stored in one form (issue 11) ----------------------------

@pytest.mark.parametrize("typed, stored", [
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("0086 138 1234 5678", "13812345678"),
    ("86-138-1234-5678", "13812345678"),
    ("138.1234.5678", "13812345678"),
    ("0755-12345678", "0755-12345678"),
    ("0755 1234 5678", "0755-12345678"),
    ("(0755) 12345678", "0755-12345678"),
    ("（0755）12345678", "0755-12345678"),
    ("+86 755 1234 5678", "0755-12345678"),
    ("010 1234 5678", "010-12345678"),
    ("+86 10 1234 5678", "010-12345678"),
    ("0571-8765432", "0571-8765432"),
])
def test_phones_as_people_write_them(typed, stored):
    assert validate_phone(typed) == stored
    assert validate_phone(stored) == stored          # and a stored number is stored as it is


@pytest.mark.parametrize("typed", ["+1 415 555 1234", "+852 9123 4567", "86-12345", "0755-123", "+86",
                                   "138-1234-567８9"])
def test_phones_that_are_not_mainland_numbers_are_refused(typed):
    assert refused(validate_phone, typed).key == "err.phone_format"


def test_a_phone_error_names_its_own_field():
    assert refused(validate_phone, "123", field="phone2").field == "phone2"


# --- set-up forms ---------------------------------------------------------------------------

from core.errors import ValidationErrors  # noqa: E402
from core.org.rules import (validate_building_name, validate_floors, validate_owners,  # noqa: E402
                            validate_project_code, validate_target)


@pytest.mark.parametrize("typed, code", [("p001", "P001"), (" SZ-01 ", "SZ-01"), ("ｐ００２", "P002")])
def test_project_codes(typed, code):
    assert validate_project_code(typed) == code


@pytest.mark.parametrize("typed", ["", "P 001", "翠湖园", "-P1", "P" * 21])
def test_bad_project_codes(typed):
    assert refused(validate_project_code, typed).field == "project_code"


@pytest.mark.parametrize("typed, bp", [("95", 9500), ("97.5", 9750), ("95 %", 9500), ("100", 10000), ("", None),
                                       ("９６", 9600)])
def test_collection_targets_in_basis_points(typed, bp):
    assert validate_target(typed) == bp


@pytest.mark.parametrize("typed", ["0", "-5", "101", "abc", "NaN"])
def test_collection_targets_out_of_range(typed):
    assert refused(validate_target, typed).key == "err.target_range"


def test_buildings_and_floors():
    assert validate_building_name(" b2 ") == "B2"
    assert refused(validate_building_name, "3-1").key == "err.building_format"
    assert refused(validate_building_name, "").key == "err.required"
    assert validate_floors("33") == 33
    for bad in ("0", "100", "3.5", "-1"):
        assert refused(validate_floors, bad).key == "err.floors_range"


def test_two_new_owners_every_wrong_field_at_once():
    with pytest.raises(ValidationErrors) as info:
        validate_owners([("", "12345"), ("", "13812345678")])
    assert [(e.key, e.field) for e in info.value.errors] == [
        ("err.required", "owner_name"), ("err.phone_format", "phone"), ("err.required", "owner2_name")]
    owners = validate_owners([("王伟", "138-1234-5678"), ("", "")])
    assert [(o.name, o.phone) for o in owners] == [("王伟", "13812345678")]


# --- the special-needs ledger ----------------------------------------------------------------

from datetime import date, timedelta  # noqa: E402

from core.org.needs import NeedKind, kind_of_text, validate_need  # noqa: E402

TODAY = date(2026, 3, 1)


def test_a_need_is_validated_every_field_at_once():
    entry = validate_need("elderly_alone", " 子女在外地 ", "2026-02-01", TODAY)
    assert (entry.kind, entry.note, entry.noted_on) == (NeedKind.ELDERLY_ALONE, "子女在外地", date(2026, 2, 1))
    with pytest.raises(ValidationErrors) as info:
        validate_need("wizard", "x" * 501, TODAY + timedelta(days=1), TODAY)
    assert [(e.key, e.field) for e in info.value.errors] == [
        ("err.need_kind_unknown", "need_kind"), ("err.too_long", "need_note"), ("err.date_future", "noted_on")]


@pytest.mark.parametrize("kind", ["language", "other"])
def test_language_and_other_need_a_note(kind):
    assert refused(validate_need, kind, "", TODAY, TODAY).key == "err.need_note_required"
    assert validate_need(kind, "只讲粤语", TODAY, TODAY).note == "只讲粤语"


@pytest.mark.parametrize("text, kind", [("独居老人", NeedKind.ELDERLY_ALONE), ("Pregnancy", NeedKind.PREGNANCY),
                                        ("committee_member", NeedKind.COMMITTEE_MEMBER),
                                        ("行动不便，需轮椅通道", NeedKind.OTHER)])
def test_an_imported_note_names_its_kind_or_is_other(text, kind):
    assert kind_of_text(text) == kind


def test_every_kind_has_a_label_in_both_languages():
    for kind in NeedKind:
        assert translate(f"need.{kind.value}", "zh") != f"need.{kind.value}"
        assert translate(f"need.{kind.value}", "en") != f"need.{kind.value}"
