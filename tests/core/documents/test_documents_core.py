"""Pure rules of the documents: amounts in Chinese capitals, numbers, the round's order and the
letter templates' placeholders."""
import pytest

from core.documents.capitals import amount_in_capitals, integer_capitals
from core.documents.letters import PLACEHOLDERS, validate_template
from core.documents.numbers import Kind, document_number, looks_like_document_number, normalise_number, qr_payload
from core.documents.rounds import round_key
from core.errors import ValidationError


@pytest.mark.parametrize("cents, words", [
    (0, "零元整"), (1, "壹分"), (50, "伍角整"), (55, "伍角伍分"), (100, "壹元整"), (105, "壹元零伍分"),
    (1000, "壹拾元整"), (23270, "贰佰叁拾贰元柒角整"), (100520, "壹仟零伍元贰角整"), (123450, "壹仟贰佰叁拾肆元伍角整"),
    (1000000, "壹万元整"), (10000000, "壹拾万元整"), (100001000, "壹佰万零壹拾元整"),
    (1234567890, "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"), (100000000000, "壹拾亿元整"),
    (10000050000, "壹亿零伍佰元整"), (2000000000, "贰仟万元整"), (1010000, "壹万零壹佰元整"),
    (10100000, "壹拾万壹仟元整"), (-1500, "负壹拾伍元整"),
])
def test_amount_in_capitals_as_chinese_financial_paper_writes_it(cents, words):
    assert amount_in_capitals(cents) == words


def test_a_gap_inside_a_number_is_said_with_one_zero():
    assert integer_capitals(1005) == "壹仟零伍"
    assert integer_capitals(10005) == "壹万零伍"
    assert integer_capitals(100000005) == "壹亿零伍"
    assert "零零" not in "".join(amount_in_capitals(c) for c in range(0, 2_000_000, 7919))


def test_document_numbers_are_readable_and_found_again_from_what_a_scanner_reads():
    number = document_number(Kind.RECEIPT, 2026, 42)
    assert number == "SJ-2026-0000042" and looks_like_document_number(number)
    assert normalise_number(qr_payload(number, "SZ01-2026-000123")) == number
    assert normalise_number(" sj－2026－0000042 ") == number          # typed on a phone, full-width
    assert document_number(Kind.LAWYER, 2026, 7).startswith("LS-")


def test_round_order_is_building_floor_then_door_with_numbers_as_numbers():
    rooms = [("10", 2, "10-201"), ("3", 19, "3-1912"), ("3", 2, "3-201"), ("3", 19, "3-1906"), ("B2", 1, "B2-101"),
             ("B1", 5, "B1-501"), ("3", 10, "3-1001")]
    ordered = sorted(rooms, key=lambda r: round_key(*r))
    assert [r[2] for r in ordered] == ["3-201", "3-1001", "3-1906", "3-1912", "10-201", "B1-501", "B2-101"]


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it():
    with pytest.raises(ValidationError) as e:
        validate_template("reminder", "催缴函", "尊敬的{owner}：您欠费{amount_due}元。")
    assert e.value.key == "err.template_placeholder_unknown" and e.value.params["name"] == "amount_due"
    assert e.value.field == "body"


def test_a_template_using_only_offered_placeholders_is_kept_as_written():
    body = "尊敬的{owner}：\r\n{room}欠费{arrears}元（{arrears_capitals}），请于{pay_by}前缴纳。"
    kind, title, text = validate_template("lawyer", " 律师函 ", body)
    assert (kind, title) == ("lawyer", "律师函") and "\r" not in text
    assert {"owner", "room", "arrears", "arrears_capitals", "pay_by"} <= set(PLACEHOLDERS["lawyer"])


@pytest.mark.parametrize("kind, title, body, key", [
    ("memo", "标题", "正文", "err.letter_kind"),
    ("reminder", "", "正文", "err.required"),
    ("reminder", "标题", "  ", "err.required"),
    ("reminder", "标题", "{owner", "err.template_braces"),
    ("reminder", "致{who}", "正文", "err.template_placeholder_unknown"),
])
def test_bad_templates_are_refused(kind, title, body, key):
    with pytest.raises(ValidationError) as e:
        validate_template(kind, title, body)
    assert e.value.key == key
