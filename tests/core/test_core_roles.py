"""The role matrix: which pages each role opens and who sees owners' full phone numbers (the
SEE_FULL_PHONE capability)."""
import pytest

from core.auth.capabilities import Capability, can
from core.auth.roles import PAGE_ROLES, Role, can_open, pages_for, parse_role


def sees_full_phone(role) -> bool:
    return can(role, Capability.SEE_FULL_PHONE)

ALL_PAGES = set(PAGE_ROLES)


def opens(role: Role) -> set[str]:
    return {p for p in PAGE_ROLES if can_open(role, p)}


def test_every_role_opens_home():
    for role in Role:
        assert can_open(role, "home")
        assert can_open(role.value, "home")


def test_trainer_cannot_open_units_or_admin():
    assert not can_open(Role.TRAINER, "units")
    assert not can_open(Role.TRAINER, "admin")
    # ... and, like everyone, their own inbox of alerts and their own work list
    assert opens(Role.TRAINER) == {"home", "my_work", "cases", "training", "notifications"}


def test_supervisor_opens_movein_units_and_new_complaint_only():
    allowed = opens(Role.SUPERVISOR)
    assert {"movein_plan", "movein_live", "units", "complaint_new"} <= allowed
    for page in ("admin", "collections", "collection_worklist", "complaint_board",
                 "complaint_analysis", "cases", "training"):
        assert page not in allowed, page


def test_frontdesk_opens_complaints_collections_and_units():
    allowed = opens(Role.FRONTDESK)
    assert {"complaint_new", "complaint_board", "collections", "collection_worklist", "units"} <= allowed
    for page in ("admin", "movein_plan", "movein_live", "complaint_analysis", "cases", "training"):
        assert page not in allowed, page


def test_manager_opens_everything_but_admin():
    assert opens(Role.MANAGER) == ALL_PAGES - {"admin", "setup"}   # setting up the company is the admin's


def test_only_admin_opens_admin():
    assert {r for r in Role if can_open(r, "admin")} == {Role.ADMIN}
    assert opens(Role.ADMIN) == ALL_PAGES


@pytest.mark.parametrize("role", [None, "", "root", "ADMIN", "Admin", "guest"])
def test_unknown_or_missing_roles_open_nothing(role):
    assert all(not can_open(role, p) for p in PAGE_ROLES)
    assert pages_for(role) == []
    assert not sees_full_phone(role)


def test_unknown_page_is_closed_to_everyone():
    assert not any(can_open(r, "no_such_page") for r in Role)


def test_pages_for_keeps_menu_order_and_only_built_pages():
    assert pages_for(Role.ADMIN) == list(PAGE_ROLES)
    assert pages_for("trainer", ["admin", "units", "home", "training"]) == ["home", "training"]
    assert pages_for("frontdesk", ["admin", "units", "home"]) == ["home", "units"]
    assert pages_for("admin", ["units", "admin", "home"]) == ["home", "units", "admin"]


def test_units_page_is_never_open_to_trainers_because_it_holds_personal_data():
    assert Role.TRAINER not in PAGE_ROLES["units"]


@pytest.mark.parametrize("role, full", [
    (Role.ADMIN, True), (Role.MANAGER, True), (Role.FRONTDESK, True),
    (Role.SUPERVISOR, False), (Role.TRAINER, False),
    ("frontdesk", True), ("supervisor", False),
])
def test_sees_full_phone(role, full):
    assert sees_full_phone(role) is full


def test_parse_role():
    assert parse_role("manager") is Role.MANAGER
    assert parse_role("nobody") is None
    assert parse_role(None) is None
