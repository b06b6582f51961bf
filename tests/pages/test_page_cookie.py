"""The login cookie as app.py reads it on a new session (a reload, a typed URL). AppTest sends no
cookies, so st.context.cookies is replaced by the cookies of the test.

The cookie only names a server-side session: whatever ends the session (logout, sign out
everywhere, a password reset, a deactivation, a role change, its lifetime) ends the cookie, and
reactivating an account revives none of its old cookies."""
from __future__ import annotations

import time
import warnings
from datetime import timedelta

import jwt
import pytest
from streamlit.testing.v1 import AppTest

from core.auth import tokens
from core.auth.actor import Actor
from core.auth.roles import Role
from core.i18n import translate
from db.models import utcnow
from page_helpers import APP, DEMO_PASSWORD, TIMEOUT
from services import sessions, users

TEST = Actor("test", Role.ADMIN)   # who sets up accounts for these tests
COOKIE = "pmcs_auth"


@pytest.fixture
def browser_cookies(monkeypatch):
    """The cookies the 'browser' sends with the session's first request."""
    from streamlit.runtime.context import ContextProxy, StreamlitCookies

    jar: dict[str, str] = {}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: StreamlitCookies(dict(jar))))
    return jar


def login_cookie(page_db, username, expires_in=timedelta(hours=12)) -> str:
    """What the login form sets after a real sign-in."""
    signed = sessions.sign_in(page_db.engine, username, DEMO_PASSWORD, "10.1.1.1", "pytest")
    return tokens.encode(signed.session_id, username, signed.issued_at, signed.issued_at + expires_in,
                         page_db.cookie_key)


def account(page_db, username, role="frontdesk"):
    users.create_user(page_db.engine, TEST, username, f"测试{username[-4:]}", role, DEMO_PASSWORD,
                      [page_db.batch_project], is_demo=True, hash_rounds=4)
    return users.get_account(page_db.engine, username)


def new_session() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in_as(at):
    return at.session_state["current_user"].username if "current_user" in at.session_state else None


def assert_login_form(at):
    assert "current_user" not in at.session_state
    assert [w.label for w in at.text_input] == [translate("login.username"), translate("login.password")]
    assert not at.success
    assert not at.error, [e.value for e in at.error]


def test_valid_cookie_signs_in_on_the_first_run(page_db, browser_cookies):
    browser_cookies[COOKIE] = login_cookie(page_db, "frontdesk")
    at = new_session()
    assert signed_in_as(at) == "frontdesk"
    assert [t.value for t in at.title] == [translate("home.greeting", name="陈客服")]
    assert not at.text_input


def test_logout_ends_that_cookie_and_a_new_login_works(page_db, browser_cookies):
    account(page_db, "c.logout", "supervisor")
    browser_cookies[COOKIE] = login_cookie(page_db, "c.logout")
    at = new_session()
    assert signed_in_as(at) == "c.logout"
    at.button(key="logout_button").click().run()
    assert signed_in_as(at) is None
    assert_login_form(new_session())                      # the same cookie, sent again
    browser_cookies[COOKIE] = login_cookie(page_db, "c.logout")
    assert signed_in_as(new_session()) == "c.logout"


def test_logout_in_one_browser_leaves_the_others_but_everywhere_ends_all(page_db, browser_cookies):
    account(page_db, "c.two")
    first, second = login_cookie(page_db, "c.two"), login_cookie(page_db, "c.two")
    browser_cookies[COOKIE] = first
    a = new_session()
    browser_cookies[COOKIE] = second
    b = new_session()
    assert signed_in_as(a) == signed_in_as(b) == "c.two"
    a.button(key="logout_button").click().run()
    assert signed_in_as(b.run()) == "c.two"               # this browser's sign-out, not the tablet's
    b.button(key="logout_everywhere_button").click().run()
    assert signed_in_as(b) is None
    assert_login_form(new_session())


@pytest.mark.parametrize("change", ["password reset", "deactivation", "role change"])
def test_an_admins_change_ends_open_sessions_and_cookies(page_db, browser_cookies, change):
    name = {"password reset": "c.reset", "deactivation": "c.gone", "role change": "c.role"}[change]
    acct = account(page_db, name)
    browser_cookies[COOKIE] = login_cookie(page_db, name)
    open_tab = new_session()
    assert signed_in_as(open_tab) == name
    admin = Actor("admin", Role.ADMIN)
    if change == "password reset":
        users.reset_password(page_db.engine, admin, name, "Another-2026!")
    elif change == "deactivation":
        users.set_active(page_db.engine, admin, name, False, acct.version)
    else:
        users.set_role(page_db.engine, admin, name, "trainer", acct.version)
    open_tab.run()                                        # the open tab's next click
    assert signed_in_as(open_tab) is None
    assert [i.value for i in open_tab.info][0] == translate("login.session_over")
    assert_login_form(new_session())                      # and a reload with the old cookie
    if change == "deactivation":
        users.set_active(page_db.engine, admin, name, True, users.get_account(page_db.engine, name).version)
        assert_login_form(new_session())                  # reactivation revives no old cookie


def test_a_far_expiry_claim_does_not_outlive_the_session(page_db, browser_cookies, monkeypatch):
    """Signed with the right key and an expiry ten years away: the server counts the lifetime
    from its own record of the sign-in."""
    browser_cookies[COOKIE] = login_cookie(page_db, "manager", expires_in=timedelta(days=3650))
    assert signed_in_as(new_session()) == "manager"
    monkeypatch.setenv("SESSION_LIFETIME_HOURS", "0.1")   # 6 minutes
    real = sessions.utcnow
    monkeypatch.setattr(sessions, "utcnow", lambda: real() + timedelta(minutes=7))
    assert_login_form(new_session())


def old_format(key, username):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode({"username": username, "exp_date": time.time() + 86400}, key, algorithm="HS256")


@pytest.mark.parametrize("case", ["no such session", "library default key", "expired", "garbage",
                                  "old cookie format", "another user's session"])
def test_bad_cookie_shows_the_login_form(page_db, browser_cookies, case):
    now = utcnow()
    real = tokens.decode(login_cookie(page_db, "trainer"), page_db.cookie_key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        browser_cookies[COOKIE] = {
            "no such session": lambda: tokens.encode("x" * 43, "admin", now, now + timedelta(hours=1),
                                                     page_db.cookie_key),
            "library default key": lambda: tokens.encode(real.session_id, "trainer", now, now + timedelta(hours=1),
                                                         "some_key"),
            "expired": lambda: tokens.encode(real.session_id, "trainer", now - timedelta(hours=2),
                                             now - timedelta(hours=1), page_db.cookie_key),
            "garbage": lambda: "not.a.jwt",
            "old cookie format": lambda: old_format(page_db.cookie_key, "admin"),
            "another user's session": lambda: tokens.encode(real.session_id, "admin", now, now + timedelta(hours=1),
                                                            page_db.cookie_key),
        }[case]()
    assert_login_form(new_session())
