"""Administration page: the users table, creating accounts (bad input refused with a message and
nothing written), unlocking, the self-deactivation guard; the import path through the same
service functions the uploader calls (AppTest cannot drive st.file_uploader)."""
from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from sqlalchemy import func, select

from core.auth import lockout
from core.auth.actor import Actor
from core.auth.roles import Role
from core.i18n import translate
from core.importing.files import read_table
from db.models import StaffUser, Unit
from page_helpers import DEMO_PASSWORD, ROLES, by_label, submit_login
from services import org, users

TEST = Actor("test", Role.ADMIN)   # who sets up accounts and imports for these tests


def user_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(StaffUser))


def fill_new_user(at, username, display, role, password, projects=()):
    by_label(at.text_input, translate("admin.username")).input(username)
    by_label(at.text_input, translate("admin.display_name")).input(display)
    by_label(at.selectbox, translate("admin.role")).select(role)
    by_label(at.text_input, translate("admin.password")).input(password)
    if projects:
        ms = by_label(at.multiselect, translate("admin.projects"))
        for pid in projects:
            ms.select(pid)
    by_label(at.button, translate("admin.create")).click()
    return at.run()


def test_users_table_lists_every_account(run_page):
    at = run_page("admin", "admin")
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert set(ROLES) <= set(table[translate("admin.col.username")])
    assert translate("role.trainer") in set(table[translate("admin.col.role")])
    assert "version" not in table.columns


@pytest.mark.parametrize("username,display,password,error_key,params", [
    ("+86 138-0013-8000", "电话用户名", "Strong-Pass-2026", "err.username_format", {}),
    ("张三", "中文用户名", "Strong-Pass-2026", "err.username_format", {}),
    ("ab", "太短", "Strong-Pass-2026", "err.username_format", {}),
    ("", "无用户名", "Strong-Pass-2026", "err.required", {"field": "username"}),
    ("long.pw", "长密码", "密码" * 20, "err.password_long", {"max": 72}),
    ("short.pw", "短密码", "short", "err.password_short", {"min": 8}),
    ("space.pw", "空格密码", " Strong-Pass-2026 ", "err.password_spaces", {}),
    ("admin", "重名", "Strong-Pass-2026", "err.username_taken", {"username": "admin"}),
    ("no.name", "", "Strong-Pass-2026", "err.required", {"field": "display_name"}),
])
def test_bad_new_user_is_refused_and_nothing_written(page_db, run_page, username, display, password,
                                                      error_key, params):
    before = user_count(page_db.engine)
    at = fill_new_user(run_page("admin", "admin"), username, display, "frontdesk", password)
    assert not at.exception
    assert [e.value for e in at.error] == [translate(error_key, **params)]
    assert not at.success
    assert user_count(page_db.engine) == before


def test_good_new_user_is_created_and_can_sign_in(page_db, run_page):
    before = user_count(page_db.engine)
    at = fill_new_user(run_page("admin", "admin"), " New.Desk ", "新前台", "frontdesk",
                       "Strong-Pass-2026", [page_db.batch_project])
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [translate("admin.created", username="new.desk")]
    assert user_count(page_db.engine) == before + 1
    account = users.get_account(page_db.engine, "new.desk")
    assert account.role.value == "frontdesk" and account.active and not account.all_projects
    assert account.project_ids == (page_db.batch_project,)
    at.run()  # the table is drawn above the form: the next run lists the new account
    assert "new.desk" in set(at.dataframe[0].value[translate("admin.col.username")])
    assert user_count(page_db.engine) == before + 1

    from streamlit.testing.v1 import AppTest

    from page_helpers import APP, TIMEOUT
    login = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    login = submit_login(login, "new.desk", "Strong-Pass-2026")
    assert not login.exception and not login.error
    assert login.session_state["current_user"].project_ids == (page_db.batch_project,)


def fail_sign_ins(engine, username: str, n: int) -> None:
    """Wrong passwords through the login service, each from its own address (so none is throttled)."""
    from services import sessions

    for i in range(n):
        with pytest.raises(sessions.LoginRefused):
            sessions.sign_in(engine, username, "Wrong-Pass-0", f"198.51.100.{i}")


def test_locked_user_is_unlocked_by_the_admin(page_db, run_page):
    users.create_user(page_db.engine, TEST, "locked.one", "被锁", "supervisor", DEMO_PASSWORD,
                      [page_db.batch_project], is_demo=True, hash_rounds=4)
    fail_sign_ins(page_db.engine, "locked.one", lockout.MAX_FAILED_ATTEMPTS)
    assert users.get_account(page_db.engine, "locked.one").locked_until is not None
    at = run_page("admin", "admin")
    assert not at.exception
    at.selectbox(key="admin_target").select("locked.one").run()
    at.button(key="unlock").click().run()
    assert not at.exception and not at.error
    with page_db.engine.connect() as conn:
        row = conn.execute(select(StaffUser.failed_attempts, StaffUser.locked_until)
                           .where(StaffUser.username == "locked.one")).one()
    assert tuple(row) == (0, None)


def test_admin_page_works_while_an_account_is_locked(page_db, run_page):
    """Regression: a locked account's aware locked_until made the Excel export (drawn on every run)
    raise, so the page broke exactly when an admin came to unlock someone."""
    import io

    from openpyxl import load_workbook

    from ui.export import DATETIME, excel_bytes

    users.create_user(page_db.engine, TEST, "locked.two", "又被锁", "trainer", DEMO_PASSWORD,
                      is_demo=True, hash_rounds=4)
    fail_sign_ins(page_db.engine, "locked.two", lockout.MAX_FAILED_ATTEMPTS)
    state = users.get_account(page_db.engine, "locked.two")
    at = run_page("admin", "admin")
    assert not at.exception and not at.error
    frame = users.list_users(page_db.engine, TEST)
    sheet = load_workbook(io.BytesIO(excel_bytes(frame, kinds={"locked_until": DATETIME}))).active
    top = int(sheet.freeze_panes[1:]) - 1   # the table starts below the title block
    header = [c.value for c in sheet[top]]
    row = next(r for r in sheet.iter_rows(min_row=top + 1, values_only=True) if r[0] == "locked.two")
    china = state.locked_until.astimezone(timezone(timedelta(hours=8))).replace(tzinfo=None)
    assert abs(row[header.index("locked_until")] - china) < timedelta(seconds=1)
    users.unlock(page_db.engine, TEST, "locked.two")


def test_admin_cannot_deactivate_themself(page_db, run_page):
    at = run_page("admin", "admin")
    at.selectbox(key="admin_target").select("admin").run()
    at.button(key="deactivate").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [translate("err.cannot_deactivate_self")]
    assert users.get_account(page_db.engine, "admin").active


def test_deactivated_user_is_signed_out_on_the_next_click(page_db, run_page, run_app):
    users.create_user(page_db.engine, TEST, "leaving", "离职员工", "frontdesk", DEMO_PASSWORD,
                      [page_db.batch_project], is_demo=True, hash_rounds=4)
    session = run_app("leaving")
    assert not session.exception and session.title
    at = run_page("admin", "admin")
    at.selectbox(key="admin_target").select("leaving").run()
    at.button(key="deactivate").click().run()
    assert not at.exception and not at.error
    assert not users.get_account(page_db.engine, "leaving").active
    session.run()  # the deactivated user's next click
    assert "current_user" not in session.session_state
    assert translate("login.username") in [w.label for w in session.text_input]


def test_import_tab_is_drawn(run_page):
    at = run_page("admin", "admin")
    assert translate("admin.import_help") in [c.value for c in at.caption]
    assert translate("admin.import_project") in [s.label for s in at.selectbox]


CSV_GOOD = ("楼栋,房号,面积,状态,业主姓名,电话,特殊需求\n"
            "7,7-3101,89.50,已售,测试业主,13800001111,\n"
            "7,7-3102,98,occupied,,,\n").encode("utf-8")
CSV_BAD = ("楼栋,房号,面积,状态,业主姓名,电话\n"
           "7,7-3201,89.50,已售,某业主,12345\n"
           "4,4-101,89.50,已售,某业主,13800001111\n"
           "7,7-3202,-1,已售,,\n").encode("utf-8")


def unit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Unit))


def test_import_bad_file_imports_nothing(page_db):
    before = unit_count(page_db.engine)
    pid = page_db.batch_project
    result = org.validate_unit_import(page_db.engine, TEST, pid, read_table("units.csv", CSV_BAD))
    assert [e.row for e in result.errors] == [2, 3, 4]
    assert not result.ok
    assert unit_count(page_db.engine) == before


def test_import_good_file_then_find_the_unit(page_db, run_page):
    pid = page_db.batch_project
    result = org.validate_unit_import(page_db.engine, TEST, pid, read_table("units.csv", CSV_GOOD))
    assert result.ok, result.errors
    before = unit_count(page_db.engine)
    assert org.import_units(page_db.engine, Actor("admin", Role.ADMIN), pid, result.rows) == 2
    assert unit_count(page_db.engine) == before + 2

    at = run_page("units", "frontdesk")
    at.text_input(key="units_q").input("7-310").run()
    assert not at.exception
    rows = at.dataframe[0].value
    assert {"7-3101", "7-3102"} <= set(rows[translate("units.col.room_no")])
    assert "13800001111" in set(rows[translate("units.col.phone")])
    # Importing the same file again is refused row by row: the rooms exist now.
    again = org.validate_unit_import(page_db.engine, TEST, pid, read_table("units.csv", CSV_GOOD))
    assert [e.key for e in again.errors] == ["err.room_exists", "err.room_exists"]


@pytest.mark.parametrize("name,data", [("units.xlsx", b"not a zip"), ("units.exe", b"MZ"),
                                       ("units.csv", b""), ("units.csv", b"\x00\x01\x02")])
def test_import_refuses_files_that_are_not_tables(name, data):
    from core.errors import ValidationError
    with pytest.raises(ValidationError):
        read_table(name, data)
