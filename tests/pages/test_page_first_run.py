"""A store set up without the demo (issue 11, item 1): app.py on a store with no account shows the
first-run form instead of the login form; it names every wrong field at once, creates one admin,
and is never shown again once any account exists."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import translate
from empty_store import empty_store
from page_helpers import APP, TIMEOUT, by_label, submit_login
from services import users

PW = "Real-pass-2026"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with empty_store(tmp_path_factory.mktemp("first_run") / "app.db") as s:
        yield s


def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill(at: AppTest, username, display, password, again) -> AppTest:
    by_label(at.text_input, translate("admin.username")).input(username)
    by_label(at.text_input, translate("admin.display_name")).input(display)
    by_label(at.text_input, translate("login.password")).input(password)
    by_label(at.text_input, translate("first.password_again")).input(again)
    by_label(at.button, translate("first.create")).click()
    return at.run()


def test_first_run_form_then_one_admin_then_the_login_form(store):
    at = app()
    assert [s.value for s in at.subheader] == [translate("first.title")]
    assert translate("login.submit") not in [b.label for b in at.button]
    assert translate("login.hint") not in [i.value for i in at.info]   # no demo accounts to hint at

    at = fill(at, "ab", "", "short", "other")
    assert [e.value for e in at.error] == [translate("err.username_format"),
                                           translate("err.required", field="display_name"),
                                           translate("err.password_short", min=8),
                                           translate("err.password_mismatch")]
    assert users.first_run(store.engine)
    # what was typed stays in the form
    assert by_label(at.text_input, translate("admin.username")).value == "ab"

    at = fill(at, " WangWei ", "王伟", PW, PW)
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [translate("first.created", username="wangwei")]
    assert translate("login.submit") in [b.label for b in at.button]
    assert users.get_account(store.engine, "wangwei").role.value == "admin"

    at = submit_login(at, "wangwei", PW)
    assert not at.exception and not at.error
    assert at.session_state["current_user"].username == "wangwei"


def test_once_an_account_exists_no_browser_sees_the_form_again(store):
    if users.first_run(store.engine):
        users.create_first_admin(store.engine, "wangwei", "王伟", PW, PW, hash_rounds=4)
    at = app()
    assert translate("first.title") not in [s.value for s in at.subheader]
    assert [w.label for w in at.text_input] == [translate("login.username"), translate("login.password")]
