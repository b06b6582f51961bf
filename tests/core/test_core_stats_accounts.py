"""Home page figures and staff account rules."""
import pytest

from core.auth.roles import Role
from core.auth.users import (validate_display_name, validate_language, validate_role,
                             validate_username)
from core.errors import ValidationError
from core.org.stats import PortfolioCounts, occupancy_rate, portfolio_counts


def test_occupancy_rate_counts_only_units_with_an_owner():
    assert occupancy_rate(80, 100) == 0.8
    assert occupancy_rate(0, 100) == 0.0
    assert occupancy_rate(0, 0) is None      # a project with nothing sold shows no rate, not 0 %


def test_portfolio_counts_for_the_home_metrics():
    rows = [("翠湖园", "occupied", 80), ("翠湖园", "sold", 799), ("翠湖园", "unsold", 3),
            ("星河苑", "occupied", 20), ("星河苑", "handed_over", 5)]
    assert portfolio_counts(rows) == PortfolioCounts(projects=2, units=907, occupied=100, to_hand_over=799)
    assert portfolio_counts([]) == PortfolioCounts(0, 0, 0, 0)


@pytest.mark.parametrize("typed, stored", [("wangwei", "wangwei"), ("  WangWei ", "wangwei"),
                                           ("lin.zhu_2", "lin.zhu_2"), ("a-b", "a-b"), ("x" * 32, "x" * 32)])
def test_valid_usernames(typed, stored):
    assert validate_username(typed) == stored


@pytest.mark.parametrize("typed, key", [("", "err.required"), (None, "err.required"),
                                        ("ab", "err.username_format"), ("x" * 33, "err.username_format"),
                                        ("wang wei", "err.username_format"), ("王伟", "err.username_format"),
                                        ("wang@wei", "err.username_format")])
def test_invalid_usernames(typed, key):
    with pytest.raises(ValidationError) as info:
        validate_username(typed)
    assert info.value.key == key


def test_role_display_name_and_language():
    assert validate_role("trainer") is Role.TRAINER
    with pytest.raises(ValidationError):
        validate_role("superuser")
    assert validate_display_name(" 林主管 ") == "林主管"
    with pytest.raises(ValidationError):
        validate_display_name("")
    assert validate_language("en") == "en"
    with pytest.raises(ValidationError):
        validate_language("fr")
