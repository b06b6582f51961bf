"""The login cookie as app.py reads it on a new session (a reload, a typed URL). AppTest sends no
cookies, so st.context.cookies is replaced by the cookies of the test.

Regression: streamlit-authenticator's login() used to sign in from any unexpired cookie by itself,
after ui.auth had refused it: a cookie revoked by logout, and a locked account's, got in; for an
unknown or deactivated user it raised before drawing the form, so nobody could log in on that device."""
from __future__ import annotations

import time
import warnings

import jwt
import pytest
from streamlit.testing.v1 import AppTest

from core.auth import lockout
from core.i18n import translate
from db import users
from db.models import utcnow
from page_helpers import APP, DEMO_PASSWORD, TIMEOUT

COOKIE = "pmcs_auth"


@pytest.fixture
def browser_cookies(monkeypatch):
    """The cookies the 'browser' sends with the session's first request."""
    from streamlit.runtime.context import ContextProxy, StreamlitCookies

    jar: dict[str, str] = {}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: StreamlitCookies(dict(jar))))
    return jar


def token(key, username, days=1.0):
    with warnings.catch_warnings():  # a short key is the point of one case
        warnings.simplefilter("ignore")
        return jwt.encode({"username": username, "exp_date": time.time() + days * 86400}, key,
                          algorithm="HS256")


def new_session() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_login_form(at):
    assert "current_user" not in at.session_state
    assert [w.label for w in at.text_input] == [translate("login.username"), translate("login.password")]
    assert not at.success
    assert not at.error, [e.value for e in at.error]


def test_valid_cookie_signs_in_on_the_first_run(page_db, browser_cookies):
    browser_cookies[COOKIE] = token(page_db.cookie_key, "frontdesk")
    at = new_session()
    assert at.session_state["current_user"].username == "frontdesk"
    assert [t.value for t in at.title] == [translate("home.greeting", name="陈客服")]
    assert not at.text_input


def test_cookie_from_before_logout_is_refused(page_db, browser_cookies):
    users.create_user(page_db.engine, "test", "c.logout", "退出者", "supervisor", DEMO_PASSWORD,
                      [page_db.batch_project], is_demo=True, hash_rounds=4)
    browser_cookies[COOKIE] = token(page_db.cookie_key, "c.logout")
    assert new_session().session_state["current_user"].username == "c.logout"
    time.sleep(0.01)
    users.revoke_tokens(page_db.engine, "c.logout")  # what logging out on any device does
    assert_login_form(new_session())
    # A cookie issued after the logout (a new login) is good again.
    browser_cookies[COOKIE] = token(page_db.cookie_key, "c.logout", days=1.0 + 1 / 86400)
    assert new_session().session_state["current_user"].username == "c.logout"


def test_locked_account_cookie_is_refused(page_db, browser_cookies):
    users.create_user(page_db.engine, "test", "c.locked", "锁定者", "trainer", DEMO_PASSWORD,
                      is_demo=True, hash_rounds=4)
    browser_cookies[COOKIE] = token(page_db.cookie_key, "c.locked")
    now = utcnow()
    for _ in range(lockout.MAX_FAILED_ATTEMPTS):
        users.record_login_failure(page_db.engine, "c.locked", now)
    assert_login_form(new_session())
    # Once an admin unlocks the account, the cookie works again.
    users.unlock(page_db.engine, "test", "c.locked")
    assert new_session().session_state["current_user"].username == "c.locked"


def test_deactivated_account_cookie_shows_the_login_form(page_db, browser_cookies):
    users.create_user(page_db.engine, "test", "c.gone", "离职者", "frontdesk", DEMO_PASSWORD,
                      [page_db.batch_project], is_demo=True, hash_rounds=4)
    browser_cookies[COOKIE] = token(page_db.cookie_key, "c.gone")
    version = users.get_account(page_db.engine, "c.gone").version
    users.set_active(page_db.engine, "admin", "c.gone", False, version)
    at = new_session()
    assert_login_form(at)
    # The device is not stuck: someone else can sign in on it.
    from page_helpers import submit_login
    at = submit_login(at, "frontdesk", DEMO_PASSWORD)
    assert at.session_state["current_user"].username == "frontdesk"


@pytest.mark.parametrize("case", ["unknown user", "library default key", "expired", "garbage", "no username"])
def test_bad_cookie_shows_the_login_form(page_db, browser_cookies, case):
    browser_cookies[COOKIE] = {
        "unknown user": lambda: token(page_db.cookie_key, "ghost"),
        "library default key": lambda: token("some_key", "admin"),
        "expired": lambda: token(page_db.cookie_key, "admin", days=-0.01),
        "garbage": lambda: "not.a.jwt",
        "no username": lambda: jwt.encode({"exp_date": time.time() + 3600}, page_db.cookie_key,
                                          algorithm="HS256"),
    }[case]()
    assert_login_form(new_session())
