import pytest

from core.errors import ValidationError
from core.i18n import translate
from core.templates import check, fill, placeholders

ALLOWED = frozenset({"owner", "room", "amount"})


def test_placeholders_are_listed_once_in_order_of_use():
    assert placeholders("{owner}您好，{room} 欠费 {amount}，{owner}") == ["owner", "room", "amount"]


def test_an_unknown_placeholder_is_refused_with_its_name():
    with pytest.raises(ValidationError) as e:
        check("{owner}您好，请于{deadline}前缴清", ALLOWED)
    assert e.value.key == "err.template_placeholder_unknown" and e.value.params["name"] == "deadline"
    assert "deadline" in translate(e.value.key, "zh", **e.value.params)


@pytest.mark.parametrize("body", ["{room", "room}", "{amount:>10}", "{owner!r}", "{0}", "{}"])
def test_broken_or_formatted_braces_are_refused(body):
    with pytest.raises(ValidationError):
        check(body, ALLOWED)


def test_an_empty_template_is_refused():
    with pytest.raises(ValidationError) as e:
        check("  ", ALLOWED)
    assert e.value.key == "err.required"


def test_fill_replaces_every_placeholder_and_keeps_doubled_braces_as_text():
    text = fill("{owner}：{room} 应缴 {amount} 元 {{备注}}", {"owner": "王先生", "room": "3-1906", "amount": "686.60"})
    assert text == "王先生：3-1906 应缴 686.60 元 {备注}"


def test_a_value_that_holds_braces_is_not_filled_again():
    assert fill("{owner}", {"owner": "{room}"}) == "{room}"
