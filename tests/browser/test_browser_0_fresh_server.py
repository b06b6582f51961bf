"""Typed URLs on a server where no session has run app.py yet.

Until some session runs st.navigation, Streamlit's old pages/ router serves /admin by running
pages/admin.py alone: no login gate, no navigation rules, a menu of raw file names. The guard atop
every page switches that router off and runs the session again through app.py, so a bookmark opened
first after a restart gets the login form (and, signed in, its page and the real menu).
This file sorts first so that it gets the shared server while it is fresh; if it runs later, the
fixture starts a server of its own."""
from __future__ import annotations

import pytest

from browser_helpers import (COOKIE_NAME, DEMO_PASSWORD, MAIN, SCREENSHOTS, assert_no_sideways_scroll,
                             eventually, login_form_shown, main_text, open_all, open_url, session_cookie,
                             wait_idle)
from core.i18n import translate
from ui.pages import built_pages

pytestmark = pytest.mark.browser

ADMIN_MARKERS = [translate("admin.add_user"), translate("admin.import")]  # (the login form says 用户名)


def assert_no_admin_content(page, where, signed_in=False):
    """No admin page content; nobody signed in sees no table at all (a signed-in role sees its own
    page's tables: the refused /admin leaves it on its home)."""
    text = main_text(page)
    for marker in ADMIN_MARKERS:
        assert marker not in text, f"{where}: admin content visible: {text[:300]}"
    assert page.get_by_role("tab", name=translate("admin.users")).count() == 0, f"{where}: the users tab"
    if not signed_in:
        assert page.locator('[data-testid="stDataFrame"]').count() == 0, f"{where}: a table is shown"
    assert page.locator('[data-testid="stFileUploader"]').count() == 0


def assert_no_raw_menu(page, where):
    """The old router's menu lists the page files by name (app, admin, movein live, ...)."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    text = nav.inner_text() if nav.count() else ""
    # (home, notifications and search are also the names of the real menu's icons, drawn as text
    # ligatures)
    names = [name for name in ("app", *built_pages()) if name not in ("home", "notifications", "search")]
    raw = [name for name in names if name.replace("_", " ") in text.split("\n")]
    assert not raw, f"{where}: the menu lists raw page file names {raw}"


def test_typed_urls_before_app_ran_show_the_login_form(fresh_server, browser_db, new_page):
    base = fresh_server.base_url
    tabs = [(new_page(), "/admin"), (new_page(), "/units"), (new_page(), "/home"), (new_page(), "/movein_live")]
    open_all([(tab, base + path) for tab, path in tabs])
    for n, (page, path) in enumerate(tabs):
        where = f"{path} (tab {n})"
        assert page.locator(MAIN).count() == 1
        assert_no_admin_content(page, where)
        # A bookmark opened first after a restart: the sign-in form, not a dead end.
        assert eventually(lambda: login_form_shown(page)), f"{where}: no login form: {main_text(page)[:300]}"
        assert translate("units.search") not in main_text(page)
        assert_no_raw_menu(page, where)
        assert_no_sideways_scroll(page, where)
    tabs[0][0].screenshot(path=str(SCREENSHOTS / "fresh_server_admin.png"))

    # Signing in there keeps the bookmarked page.
    page, _ = tabs[1]
    page.get_by_role("textbox", name=translate("login.username")).fill("frontdesk")
    page.get_by_role("textbox", name=translate("login.password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=translate("login.submit")).click()
    page.get_by_role("textbox", name=translate("units.search")).wait_for(timeout=30_000)
    wait_idle(page)
    assert_no_raw_menu(page, "/units after signing in")
    assert translate("page.units") in page.locator('[data-testid="stSidebarNav"]').inner_text()

    # A valid login cookie of a role without the page: signed in, and still no admin content.
    cookie = {"name": COOKIE_NAME, "value": session_cookie(browser_db.url, browser_db.cookie_key, "frontdesk"),
              "url": base}
    page = new_page(cookies=[cookie])
    open_url(page, base + "/admin")
    assert_no_admin_content(page, "/admin with a frontdesk cookie", signed_in=True)
    assert "/admin" not in page.url
    assert_no_raw_menu(page, "/admin with a frontdesk cookie")
