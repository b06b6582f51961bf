"""Staff accounts in the store: creation, the login form's credentials, lockout, administration,
and the audit trail every change leaves."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from integration_helpers import FAST, add_project, audit_rows, count, counts
from core.auth.lockout import COOLING_OFF
from core.auth.passwords import check_password
from core.auth.roles import Role
from core.errors import ConflictError, NotFound, ValidationError
from core.i18n import EN, ZH
from db import users
from db.models import StaffUser, utcnow

PW = "Demo-2026!"


def make(engine, username="wangwei", role="frontdesk", actor="admin", projects=None, **kw):
    return users.create_user(engine, actor, username, "王伟", role, PW, projects, hash_rounds=FAST, **kw)


def creds(engine, now=None) -> dict:
    return users.credentials(engine, now)["usernames"]


def can_sign_in(engine, username, password=PW, now=None) -> bool:
    entry = creds(engine, now).get(username)
    return entry is not None and check_password(password, entry["password"])


# --- create_user --------------------------------------------------------------------------

def test_create_user_and_read_account(engine):
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    user_id = make(engine, "  LinZhu ", "supervisor", projects=[sz])
    account = users.get_account(engine, "linzhu")
    assert account.id == user_id
    assert account.username == "linzhu"          # trimmed and lower-cased
    assert account.role is Role.SUPERVISOR
    assert account.active and account.language == "zh"
    assert account.project_ids == (sz,) and not account.all_projects
    assert account.version == 1 and account.locked_until is None
    assert can_sign_in(engine, "linzhu")


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_admins_and_managers_see_every_project(engine, role):
    make(engine, "boss", role)
    assert users.get_account(engine, "boss").all_projects


def test_duplicate_username_is_refused_and_nothing_written(engine):
    make(engine, "wangwei")
    before = counts(engine)
    with pytest.raises(ValidationError) as info:
        make(engine, "WangWei ")
    assert info.value.key == "err.username_taken"
    assert info.value.params["username"] == "wangwei"
    assert counts(engine) == before


@pytest.mark.parametrize("username, display, role, password, key", [
    ("ab", "王伟", "frontdesk", PW, "err.username_format"),
    ("wang wei", "王伟", "frontdesk", PW, "err.username_format"),
    ("王伟", "王伟", "frontdesk", PW, "err.username_format"),
    ("", "王伟", "frontdesk", PW, "err.required"),
    ("wangwei", "", "frontdesk", PW, "err.required"),
    ("wangwei", "王" * 41, "frontdesk", PW, "err.too_long"),
    ("wangwei", "王伟", "root", PW, "err.role_unknown"),
    ("wangwei", "王伟", "", PW, "err.role_unknown"),
    ("wangwei", "王伟", "frontdesk", "short", "err.password_short"),
    ("wangwei", "王伟", "frontdesk", "密" * 25, "err.password_long"),
    ("wangwei", "王伟", "frontdesk", " Demo-2026!", "err.password_spaces"),
])
def test_bad_input_is_refused_and_nothing_written(engine, username, display, role, password, key):
    with pytest.raises(ValidationError) as info:
        users.create_user(engine, "admin", username, display, role, password, hash_rounds=FAST)
    assert info.value.key == key
    assert count(engine, StaffUser) == 0
    assert audit_rows(engine) == []


def test_unknown_project_writes_no_user(engine):
    """A project id that does not exist fails at the foreign key; the user is not half-created."""
    with pytest.raises(IntegrityError):
        make(engine, "wangwei", projects=[99999])
    assert count(engine, StaffUser) == 0
    assert audit_rows(engine) == []


# --- credentials and lockout --------------------------------------------------------------

def test_credentials_exclude_inactive_users(engine):
    make(engine, "active1")
    make(engine, "leaver")
    account = users.get_account(engine, "leaver")
    users.set_active(engine, "admin", "leaver", False, account.version)
    assert set(creds(engine)) == {"active1"}
    entry = creds(engine)["active1"]
    assert entry["name"] == "王伟" and entry["roles"] == ["frontdesk"]
    assert entry["failed_login_attempts"] == 0


def test_five_failures_lock_the_account(engine):
    make(engine, "wangwei")
    now = utcnow()
    states = [users.record_login_failure(engine, "wangwei", now) for _ in range(5)]
    assert [s.failed_attempts for s in states] == [1, 2, 3, 4, 5]
    assert all(s.locked_until is None for s in states[:4])
    assert states[4].locked_until == now + COOLING_OFF
    account = users.get_account(engine, "wangwei")
    assert account.locked_until == now + COOLING_OFF   # back from the store, time zone intact
    assert account.locked_until.utcoffset() == timedelta(0)


def test_locked_user_gets_an_unusable_hash_until_the_lock_runs_out(engine):
    make(engine, "wangwei")
    now = utcnow()
    for _ in range(5):
        users.record_login_failure(engine, "wangwei", now)
    assert "wangwei" in creds(engine, now)               # the form can still name the account
    assert not can_sign_in(engine, "wangwei", now=now)    # but the right password does not work
    assert not can_sign_in(engine, "wangwei", now=now + timedelta(minutes=14))
    assert can_sign_in(engine, "wangwei", now=now + COOLING_OFF + timedelta(seconds=1))


def test_failure_for_unknown_user_writes_nothing(engine):
    assert users.record_login_failure(engine, "nobody") is None
    assert audit_rows(engine) == []


def test_login_success_resets_the_count(engine):
    make(engine, "wangwei")
    for _ in range(4):
        users.record_login_failure(engine, "wangwei")
    users.record_login_success(engine, "wangwei")
    state = users.record_login_failure(engine, "wangwei")
    assert state.failed_attempts == 1 and state.locked_until is None


def test_unlock(engine):
    make(engine, "wangwei")
    for _ in range(5):
        users.record_login_failure(engine, "wangwei")
    assert not can_sign_in(engine, "wangwei")
    users.unlock(engine, "admin", "wangwei")
    account = users.get_account(engine, "wangwei")
    assert account.locked_until is None
    assert can_sign_in(engine, "wangwei")
    assert users.list_users(engine).set_index("username").loc["wangwei", "failed_attempts"] == 0


def test_reset_password_replaces_the_old_one_and_unlocks(engine):
    make(engine, "wangwei")
    for _ in range(5):
        users.record_login_failure(engine, "wangwei")
    users.reset_password(engine, "admin", "wangwei", "New-pass-2026")
    assert can_sign_in(engine, "wangwei", "New-pass-2026")
    assert not can_sign_in(engine, "wangwei", PW)


def test_reset_password_refuses_bad_passwords_and_unknown_users(engine):
    make(engine, "wangwei")
    with pytest.raises(ValidationError):
        users.reset_password(engine, "admin", "wangwei", "密" * 25)
    with pytest.raises(NotFound) as info:
        users.reset_password(engine, "admin", "ghost", "New-pass-2026")
    assert info.value.key == "err.user_unknown"
    assert can_sign_in(engine, "wangwei", PW)


# --- administration with optimistic locking ---------------------------------------------------

def test_set_active_with_a_stale_version_raises_conflict(engine):
    make(engine, "wangwei")
    seen_by_admin_a = users.get_account(engine, "wangwei").version
    seen_by_admin_b = seen_by_admin_a
    users.set_active(engine, "admin_a", "wangwei", False, seen_by_admin_a)
    with pytest.raises(ConflictError) as info:
        users.set_active(engine, "admin_b", "wangwei", True, seen_by_admin_b)
    assert info.value.key == "err.conflict"
    account = users.get_account(engine, "wangwei")
    assert account.active is False                  # admin B's click changed nothing
    assert account.version == seen_by_admin_a + 1
    users.set_active(engine, "admin_b", "wangwei", True, account.version)
    assert users.get_account(engine, "wangwei").active


def test_admin_cannot_deactivate_self(engine):
    make(engine, "boss", "admin")
    with pytest.raises(ValidationError) as info:
        users.set_active(engine, "boss", "boss", False, 1)
    assert info.value.key == "err.cannot_deactivate_self"
    assert users.get_account(engine, "boss").active


def test_set_projects_and_language(engine):
    a = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    b = add_project(engine, "P002", "广州·星河苑", "广州")
    make(engine, "wangwei", projects=[a])
    users.set_projects(engine, "admin", "wangwei", [b])
    assert users.get_account(engine, "wangwei").project_ids == (b,)
    users.set_language(engine, "wangwei", "en")
    assert users.get_account(engine, "wangwei").language == "en"
    with pytest.raises(ValidationError):
        users.set_language(engine, "wangwei", "fr")


def test_revoke_tokens_marks_the_logout_time(engine):
    make(engine, "wangwei")
    assert users.tokens_valid_after(engine, "wangwei") is None
    before = utcnow()
    users.revoke_tokens(engine, "wangwei")
    after = users.tokens_valid_after(engine, "wangwei")
    assert before <= after <= utcnow()


def test_demo_mode_ends_with_the_first_real_user(engine):
    assert users.demo_mode(engine)
    make(engine, "demo_admin", "admin", is_demo=True)
    assert users.demo_mode(engine) and not users.has_non_demo_users(engine)
    make(engine, "wangwei")
    assert not users.demo_mode(engine) and users.has_non_demo_users(engine)


def test_user_list_for_the_admin_page(engine):
    make(engine, "wangwei")
    make(engine, "boss", "admin")
    frame = users.list_users(engine)
    assert frame["username"].tolist() == ["boss", "wangwei"]
    assert users.count_users(engine) == 2
    # pages/admin.py labels every column but version with admin.col.<name>
    for column in frame.columns.drop("version"):
        assert f"admin.col.{column}" in ZH and f"admin.col.{column}" in EN


# --- audit trail --------------------------------------------------------------------------

def test_every_write_leaves_an_audit_row_with_its_actor(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    uid = str(make(engine, "wangwei", actor="boss"))
    users.record_login_failure(engine, "wangwei")
    users.record_login_success(engine, "wangwei")
    users.set_active(engine, "boss", "wangwei", False, users.get_account(engine, "wangwei").version)
    users.set_active(engine, "boss", "wangwei", True, users.get_account(engine, "wangwei").version)
    users.unlock(engine, "boss", "wangwei")
    users.reset_password(engine, "boss", "wangwei", "New-pass-2026")
    users.set_projects(engine, "boss", "wangwei", [pid])
    users.set_language(engine, "wangwei", "en")
    users.revoke_tokens(engine, "wangwei")
    rows = audit_rows(engine)
    assert [(r.actor, r.action) for r in rows] == [
        ("boss", "create"), ("wangwei", "login_failed"), ("wangwei", "login"), ("boss", "deactivate"),
        ("boss", "activate"), ("boss", "unlock"), ("boss", "reset_password"), ("boss", "set_projects"),
        ("wangwei", "set_language"), ("wangwei", "logout")]
    assert all(r.entity == "staff_user" and r.entity_id == uid for r in rows)
    assert rows[0].after == {"username": "wangwei", "role": "frontdesk", "projects": []}
    assert rows[3].before == {"active": True} and rows[3].after == {"active": False}
    # the audit trail never holds a password or its hash
    with engine.connect() as conn:
        password_hash = conn.scalar(select(StaffUser.password_hash))
    assert all(PW not in str(r) and "New-pass-2026" not in str(r) and password_hash not in str(r)
               for r in rows)
