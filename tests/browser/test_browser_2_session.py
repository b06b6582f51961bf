"""The login session in a real browser: reloads keep it, logout ends it everywhere (the cookie is
revoked on the server, not only deleted in this browser), a wrong password gets a Chinese message,
the English switch sticks, and forged or stale cookies let nobody in."""
from __future__ import annotations

import time

import jwt
import pytest

from browser_helpers import (COOKIE_NAME, MAIN, SCREENSHOTS, SIDEBAR, assert_clean, error_texts,
                             eventually, forge_cookie, login, login_form_shown, main_text, open_all,
                             open_url, session_cookie, sidebar_text, submit_login, wait_idle)
from core.auth import tokens
from core.i18n import translate

pytestmark = pytest.mark.browser


def auth_cookie(page):
    found = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    return found[0] if found else None


def test_reload_keeps_the_user_signed_in(server, browser_db, new_page):
    name = browser_db.display_names["bw.reload"]
    page = new_page()
    login(page, server.base_url, "bw.reload", name)
    open_url(page, server.base_url + "/units")
    for attempt in range(3):
        page.reload()
        wait_idle(page)
        # The browser may draw the sidebar a moment after the run is over on a busy machine.
        assert eventually(lambda: name in sidebar_text(page)), f"reload {attempt + 1}: not signed in any more"
        assert not login_form_shown(page), f"reload {attempt + 1}: login form shown"
        assert page.get_by_role("textbox", name=translate("units.search")).count() == 1, \
            f"reload {attempt + 1}: not on the units page any more"
        assert_clean(page, f"reload {attempt + 1}")


def test_logout_ends_the_session_here_and_on_the_server(server, browser_db, new_page):
    page = new_page()
    login(page, server.base_url, "bw.logout", browser_db.display_names["bw.logout"])
    cookie = auth_cookie(page)
    assert cookie is not None, "no login cookie after login"

    page.locator(SIDEBAR).get_by_role("button", name=translate("logout"), exact=True).click()
    page.get_by_text(translate("logout.done")).wait_for()
    wait_idle(page)
    page.screenshot(path=str(SCREENSHOTS / "after_logout.png"))
    page.reload()
    wait_idle(page)
    assert eventually(lambda: login_form_shown(page)), main_text(page)[:300]
    assert browser_db.display_names["bw.logout"] not in sidebar_text(page)

    # The cookie as it was before logout, replayed from another browser: refused by the server.
    other = new_page(cookies=[{"name": COOKIE_NAME, "value": cookie["value"], "url": server.base_url}])
    open_url(other, server.base_url + "/units")
    assert eventually(lambda: login_form_shown(other) or translate("guard.login_first") in main_text(other))
    assert browser_db.display_names["bw.logout"] not in sidebar_text(other)
    open_url(other, server.base_url + "/")
    assert eventually(lambda: login_form_shown(other))
    # (That a cookie issued by a later login is good again: tests/pages/test_page_cookie.py.)


def test_wrong_password_shows_a_chinese_error(server, new_page):
    page = new_page()
    submit_login(page, server.base_url, "bw.wrong", "Wrong-Password-1")
    page.locator('[data-testid="stAlertContentError"]').wait_for()
    wait_idle(page)
    errors = error_texts(page)
    # One message for every refusal (no count of tries left: it would tell a guesser the name exists).
    assert errors == [translate("login.failed")]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0])
    assert eventually(lambda: login_form_shown(page))
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SCREENSHOTS / "wrong_password.png"))


def test_english_switch_changes_titles_and_survives_reload(server, browser_db, new_page):
    page = new_page()
    login(page, server.base_url, "bw.english", browser_db.display_names["bw.english"])
    assert page.title() == translate("app.title", "zh")
    page.locator(SIDEBAR).get_by_text("English", exact=True).click()
    page.locator(SIDEBAR).get_by_role("button", name=translate("logout", "en"), exact=True).wait_for()
    wait_idle(page)

    def english(where):
        heading = page.locator(f"{MAIN} h1").first.inner_text()
        assert heading == translate("home.greeting", "en", name=browser_db.display_names["bw.english"]), where
        assert page.title() == translate("app.title", "en"), where
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert translate("page.home", "en") in nav and translate("page.units", "en") in nav, where
        assert translate("page.units", "zh") not in nav, where
        assert_clean(page, where)

    english("after the switch")
    page.screenshot(path=str(SCREENSHOTS / "english_home.png"))
    page.reload()
    wait_idle(page)
    english("after reload")
    open_url(page, server.base_url + "/units")
    assert page.locator(f"{MAIN} h1").first.inner_text() == translate("page.units", "en")

    # Back to Chinese, for whoever uses this account next.
    page.locator(SIDEBAR).get_by_text("中文", exact=True).click()
    page.locator(SIDEBAR).get_by_role("button", name=translate("logout", "zh"), exact=True).wait_for()
    wait_idle(page)
    assert page.locator(f"{MAIN} h1").first.inner_text() == translate("page.units", "zh")


def test_forged_or_stale_cookie_lets_nobody_in(server, browser_db, new_page):
    live = session_cookie(browser_db.url, browser_db.cookie_key, "admin")
    sid = tokens.decode(live, browser_db.cookie_key).session_id
    old_format = jwt.encode({"username": "admin", "exp_date": time.time() + 86400}, browser_db.cookie_key,
                            algorithm="HS256")
    cases = {
        "a live session signed with the library default key": forge_cookie("some_key", "admin", sid),
        "a live session's id under another name": forge_cookie(browser_db.cookie_key, "manager", sid),
        "no such session": forge_cookie(browser_db.cookie_key, "admin"),
        "expired": forge_cookie(browser_db.cookie_key, "admin", sid, days=-1),
        "the old cookie format": old_format,
        "garbage": "not.a.jwt",
    }
    tabs = [(new_page(cookies=[{"name": COOKIE_NAME, "value": value, "url": server.base_url}]), case)
            for case, value in cases.items()]
    open_all([(tab, server.base_url + "/admin") for tab, _ in tabs])
    for page, case in tabs:
        assert eventually(lambda: login_form_shown(page)), f"{case}: {main_text(page)[:300]}"
        assert translate("admin.add_user") not in main_text(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not error_texts(page), f"{case}: {error_texts(page)}"


def test_cookie_of_a_live_session_signs_in(server, browser_db, new_page):
    """The counterpart of the test above: a signed cookie naming a session the store holds."""
    cookie = session_cookie(browser_db.url, browser_db.cookie_key, "trainer")
    page = new_page(cookies=[{"name": COOKIE_NAME, "value": cookie, "url": server.base_url}])
    open_url(page, server.base_url + "/")
    assert eventually(lambda: browser_db.display_names["trainer"] in sidebar_text(page)), main_text(page)[:300]
    assert not login_form_shown(page)
