"""Staff accounts through services.users: creation, who can sign in, administration, and the
audit trail every change leaves, on both databases (sign-in itself, sessions and the login
throttle: test_sessions_service.py)."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from store_helpers import FAST, add_project, audit_rows, count, counts
from core.auth.actor import Actor
from core.auth.passwords import check_password
from core.auth.roles import Role
from core.errors import ConflictError, NotFound, PermissionDenied, ValidationError, ValidationErrors
from core.i18n import EN, ZH
from db import user_queries
from db.models import StaffUser, utcnow
from services import sessions, users

PW = "Demo-2026!"


def admin(username: str = "admin") -> Actor:
    return Actor(username, Role.ADMIN)


def me(username: str) -> Actor:
    """The signed-in user acting on their own account."""
    return Actor(username, Role.FRONTDESK)


def make(engine, username="wangwei", role="frontdesk", actor="admin", projects=None, **kw):
    return users.create_user(engine, admin(actor), username, "王伟", role, PW, projects, hash_rounds=FAST, **kw)


def can_sign_in(engine, username, password=PW) -> bool:
    """The stored hash takes this password and the account is active (no session, no audit row)."""
    row = user_queries.login_row(engine, username)
    return row is not None and row.active and check_password(password, row.password_hash)


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


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_roles_that_see_all_projects_get_every_project(engine, role):
    """admin and manager: the SEE_ALL_PROJECTS capability decides, not a list of roles."""
    from core.auth.capabilities import Capability, can

    make(engine, "boss", role)
    assert users.get_account(engine, "boss").all_projects is can(role, Capability.SEE_ALL_PROJECTS)
    assert can("admin", Capability.SEE_ALL_PROJECTS) and can("manager", Capability.SEE_ALL_PROJECTS)


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
        users.create_user(engine, admin(), username, display, role, password, hash_rounds=FAST)
    assert info.value.key == key
    assert count(engine, StaffUser) == 0
    assert audit_rows(engine) == []


def test_unknown_project_writes_no_user(engine):
    """A project id that does not exist fails at the foreign key; the user is not half-created."""
    with pytest.raises(IntegrityError):
        make(engine, "wangwei", projects=[99999])
    assert count(engine, StaffUser) == 0
    assert audit_rows(engine) == []


# --- who can sign in -----------------------------------------------------------------------

def test_inactive_users_cannot_sign_in(engine):
    make(engine, "active1")
    make(engine, "leaver")
    account = users.get_account(engine, "leaver")
    users.set_active(engine, admin(), "leaver", False, account.version)
    assert can_sign_in(engine, "active1") and not can_sign_in(engine, "leaver")


def test_reset_password_replaces_the_old_one(engine):
    make(engine, "wangwei")
    users.reset_password(engine, admin(), "wangwei", "New-pass-2026")
    assert can_sign_in(engine, "wangwei", "New-pass-2026")
    assert not can_sign_in(engine, "wangwei", PW)


def test_reset_password_refuses_bad_passwords_and_unknown_users(engine):
    make(engine, "wangwei")
    with pytest.raises(ValidationError):
        users.reset_password(engine, admin(), "wangwei", "密" * 25)
    with pytest.raises(NotFound) as info:
        users.reset_password(engine, admin(), "ghost", "New-pass-2026")
    assert info.value.key == "err.user_unknown"
    assert can_sign_in(engine, "wangwei", PW)


# --- administration with optimistic locking ---------------------------------------------------

def test_set_active_with_a_stale_version_raises_conflict(engine):
    make(engine, "wangwei")
    seen_by_admin_a = users.get_account(engine, "wangwei").version
    seen_by_admin_b = seen_by_admin_a
    users.set_active(engine, admin("admin_a"), "wangwei", False, seen_by_admin_a)
    with pytest.raises(ConflictError) as info:
        users.set_active(engine, admin("admin_b"), "wangwei", True, seen_by_admin_b)
    assert (info.value.key, info.value.params["by"]) == ("err.conflict_by", "admin_a")   # who, and when
    account = users.get_account(engine, "wangwei")
    assert account.active is False                  # admin B's click changed nothing
    assert account.version == seen_by_admin_a + 1
    users.set_active(engine, admin("admin_b"), "wangwei", True, account.version)
    assert users.get_account(engine, "wangwei").active


def test_admin_cannot_deactivate_self(engine):
    make(engine, "boss", "admin")
    with pytest.raises(ValidationError) as info:
        users.set_active(engine, admin("boss"), "boss", False, 1)
    assert info.value.key == "err.cannot_deactivate_self"
    assert users.get_account(engine, "boss").active


def test_set_projects_and_language(engine):
    a = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    b = add_project(engine, "P002", "广州·星河苑", "广州")
    make(engine, "wangwei", projects=[a])
    users.set_projects(engine, admin(), "wangwei", [b])
    assert users.get_account(engine, "wangwei").project_ids == (b,)
    users.set_language(engine, me("wangwei"), "en")
    assert users.get_account(engine, "wangwei").language == "en"
    with pytest.raises(ValidationError):
        users.set_language(engine, me("wangwei"), "fr")


def test_demo_mode_ends_with_the_first_real_user(engine):
    assert users.demo_mode(engine)
    make(engine, "demo_admin", "admin", is_demo=True)
    assert users.demo_mode(engine) and not user_queries.has_non_demo_users(engine)
    make(engine, "wangwei")
    assert not users.demo_mode(engine) and user_queries.has_non_demo_users(engine)


def test_user_list_for_the_admin_page(engine):
    make(engine, "wangwei")
    make(engine, "boss", "admin")
    frame = users.list_users(engine, admin())
    assert frame["username"].tolist() == ["boss", "wangwei"]
    assert user_queries.count_users(engine) == 2
    # pages/admin.py labels every column but version with admin.col.<name>
    for column in frame.columns.drop("version"):
        assert f"admin.col.{column}" in ZH and f"admin.col.{column}" in EN


# --- audit trail --------------------------------------------------------------------------

def test_every_write_leaves_an_audit_row_with_its_actor(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    uid = str(make(engine, "wangwei", actor="boss"))
    with pytest.raises(sessions.LoginRefused):
        sessions.sign_in(engine, "wangwei", "wrong-password", "10.0.0.1")
    sessions.sign_in(engine, "wangwei", PW, "10.0.0.1")
    users.set_active(engine, admin("boss"), "wangwei", False, users.get_account(engine, "wangwei").version)
    users.set_active(engine, admin("boss"), "wangwei", True, users.get_account(engine, "wangwei").version)
    users.unlock(engine, admin("boss"), "wangwei")
    users.reset_password(engine, admin("boss"), "wangwei", "New-pass-2026")
    users.set_projects(engine, admin("boss"), "wangwei", [pid])
    users.set_language(engine, me("wangwei"), "en")
    sessions.end_everywhere(engine, me("wangwei"))
    rows = audit_rows(engine)
    assert [(r.actor, r.action) for r in rows] == [
        ("boss", "create"), ("wangwei", "login_failed"), ("wangwei", "login"), ("boss", "deactivate"),
        ("boss", "activate"), ("boss", "unlock"), ("boss", "reset_password"), ("boss", "set_projects"),
        ("wangwei", "set_language"), ("wangwei", "logout_everywhere")]
    assert all(r.entity == "staff_user" and r.entity_id == uid for r in rows)
    assert rows[0].after == {"username": "wangwei", "role": "frontdesk", "projects": []}
    assert rows[3].before == {"active": True} and rows[3].after == {"active": False, "sessions_ended": 1}
    # the audit trail never holds a password or its hash
    with engine.connect() as conn:
        password_hash = conn.scalar(select(StaffUser.password_hash))
    assert all(PW not in str(r) and "New-pass-2026" not in str(r) and password_hash not in str(r)
               for r in rows)


# --- every wrong field at once, and a form sent twice ----------------------------------------

def test_a_form_with_several_wrong_fields_names_them_all(engine):
    with pytest.raises(ValidationErrors) as info:
        users.create_user(engine, admin(), "ab", "", "root", "short", hash_rounds=FAST)
    assert [e.key for e in info.value.errors] == ["err.username_format", "err.required", "err.role_unknown",
                                                  "err.password_short"]
    assert count(engine, StaffUser) == 0


def test_the_same_new_user_form_sent_twice_creates_one_account(engine):
    first = users.create_user(engine, admin(), "wangwei", "王伟", "frontdesk", PW, hash_rounds=FAST,
                              request_key="form-1")
    again = users.create_user(engine, admin(), "wangwei", "王伟", "frontdesk", PW, hash_rounds=FAST,
                              request_key="form-1")
    assert first == again and count(engine, StaffUser) == 1
    assert [r.action for r in audit_rows(engine)] == ["create"]


# --- the first administrator of a store set up without the demo ----------------------------

def test_first_admin_is_created_only_on_a_store_without_accounts(engine):
    assert users.first_run(engine)
    user_id = users.create_first_admin(engine, " WangWei ", "王伟", PW, PW, hash_rounds=FAST)
    account = users.get_account(engine, "wangwei")
    assert account.id == user_id and account.role is Role.ADMIN and account.all_projects and account.active
    assert not users.first_run(engine) and can_sign_in(engine, "wangwei")
    assert not users.demo_mode(engine)          # a real account: the login page shows no demo hint
    assert [(r.actor, r.action, r.entity, r.after) for r in audit_rows(engine)] == [
        ("wangwei", "first_admin", "staff_user", {"username": "wangwei", "role": "admin"})]
    with pytest.raises(PermissionDenied) as info:
        users.create_first_admin(engine, "intruder", "闯入者", PW, PW, hash_rounds=FAST)
    assert info.value.key == "err.first_admin_exists"
    assert count(engine, StaffUser) == 1


def test_first_admin_is_refused_once_a_demo_account_exists(engine):
    make(engine, "demo_admin", "admin", is_demo=True)
    with pytest.raises(PermissionDenied):
        users.create_first_admin(engine, "wangwei", "王伟", PW, PW, hash_rounds=FAST)


def test_first_admin_form_names_every_wrong_field(engine):
    with pytest.raises(ValidationErrors) as info:
        users.create_first_admin(engine, "ab", "", "short", "other", hash_rounds=FAST)
    assert [(e.key, e.field) for e in info.value.errors] == [
        ("err.username_format", "username"), ("err.required", "display_name"), ("err.password_short", "password"),
        ("err.password_mismatch", "password_again")]
    assert count(engine, StaffUser) == 0 and users.first_run(engine)


def test_two_first_run_pages_racing_make_one_admin(engine):
    import threading

    barrier, results = threading.Barrier(4), []

    def claim(name):
        barrier.wait()
        try:
            results.append(users.create_first_admin(engine, name, name, PW, PW, hash_rounds=FAST))
        except PermissionDenied as e:
            results.append(e.key)

    threads = [threading.Thread(target=claim, args=(f"admin{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(map(str, results)).count("err.first_admin_exists") == 3
    assert count(engine, StaffUser) == 1


def test_first_admin_sent_twice_is_one_account(engine):
    first = users.create_first_admin(engine, "wangwei", "王伟", PW, PW, hash_rounds=FAST, request_key="first-1")
    assert users.create_first_admin(engine, "wangwei", "王伟", PW, PW, hash_rounds=FAST, request_key="first-1") == first
    assert count(engine, StaffUser) == 1


# --- demo accounts removed from a demo store in one action -----------------------------------

def test_demo_accounts_are_removed_in_one_audited_action(engine):
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    for name in ("admin", "frontdesk", "trainer"):
        make(engine, name, "frontdesk" if name == "frontdesk" else "admin", projects=[sz], is_demo=True)
    make(engine, "wangwei", "admin", actor="admin")
    assert users.demo_accounts(engine, admin("wangwei")) == ["admin", "frontdesk", "trainer"]
    with pytest.raises(ValidationError) as info:
        users.remove_demo_accounts(engine, admin("admin"))        # not with a demo account
    assert info.value.key == "err.demo_remove_self"
    assert users.remove_demo_accounts(engine, admin("wangwei"), request_key="rm-1") == 3
    assert users.remove_demo_accounts(engine, admin("wangwei"), request_key="rm-1") == 3   # a double tap
    assert users.list_users(engine, admin("wangwei"))["username"].tolist() == ["wangwei"]
    assert users.get_account(engine, "admin") is None and users.get_account(engine, "frontdesk") is None
    assert users.demo_accounts(engine, admin("wangwei")) == []
    last = audit_rows(engine)[-1]
    assert (last.actor, last.action, last.entity, last.before) == (
        "wangwei", "remove_demo_accounts", "staff_user", {"usernames": ["admin", "frontdesk", "trainer"]})
    assert users.remove_demo_accounts(engine, admin("wangwei")) == 0     # nothing left: nothing done


def test_the_first_admin_command(db_url, engine, monkeypatch, capsys):
    """python -m services.first_admin: the same service from the server's console."""
    from services import first_admin

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv(first_admin.ENV_PASSWORD, "short")
    assert first_admin.main(["--username", "wangwei", "--name", "王伟", "--lang", "en"]) == 1
    assert "at least 8" in capsys.readouterr().err and users.first_run(engine)
    monkeypatch.setenv(first_admin.ENV_PASSWORD, PW)
    assert first_admin.main(["--username", "WangWei", "--name", "王伟"]) == 0
    assert "wangwei" in capsys.readouterr().out
    assert users.get_account(engine, "wangwei").role is Role.ADMIN and can_sign_in(engine, "wangwei")
    assert first_admin.main(["--username", "other", "--name", "别人"]) == 1
    assert count(engine, StaffUser) == 1
