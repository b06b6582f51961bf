"""Typed URLs on a server where no session has run app.py yet.

Until some session runs app.py's st.navigation, Streamlit's old pages/ router serves /admin by
running pages/admin.py alone — no login gate, no navigation rules (seen here for the first AND later
sessions, until one got past the login to st.navigation). Only the guard atop each page stops it.
This file sorts first so that it gets the shared server while it is fresh; if it runs later, the
fixture starts a server of its own."""
from __future__ import annotations

import pytest

from browser_helpers import (COOKIE_NAME, MAIN, SCREENSHOTS, assert_no_sideways_scroll, forge_cookie,
                             eventually, login_form_shown, main_text, open_all, open_url)
from core.i18n import translate

pytestmark = pytest.mark.browser

ADMIN_MARKERS = [translate("admin.add_user"), translate("admin.users"), translate("admin.import")]


def assert_no_admin_content(page, where):
    text = main_text(page)
    for marker in ADMIN_MARKERS:
        assert marker not in text, f"{where}: admin content visible: {text[:300]}"
    assert page.locator('[data-testid="stDataFrame"]').count() == 0, f"{where}: a table is shown"
    assert page.locator('[data-testid="stFileUploader"]').count() == 0


def assert_login_or_refusal(page, where):
    asked = eventually(lambda: translate("guard.login_first") in main_text(page) or login_form_shown(page))
    assert asked, f"{where}: neither a login form nor a request to log in: {main_text(page)[:300]}"


def test_typed_urls_before_app_ran_show_no_page_content(fresh_server, browser_db, new_page):
    base = fresh_server.base_url
    # A valid login cookie does not help: the page run alone never reads it.
    cookie = {"name": COOKIE_NAME, "value": forge_cookie(browser_db.cookie_key, "frontdesk"), "url": base}
    tabs = [(new_page(), "/admin"), (new_page(), "/units"), (new_page(), "/home"),
            (new_page(cookies=[cookie]), "/admin")]
    open_all([(tab, base + path) for tab, path in tabs])
    for n, (page, path) in enumerate(tabs):
        where = f"{path} (tab {n})"
        assert page.locator(MAIN).count() == 1
        assert_no_admin_content(page, where)
        assert_login_or_refusal(page, where)
        assert translate("units.search") not in main_text(page)
        assert_no_sideways_scroll(page, where)
    tabs[0][0].screenshot(path=str(SCREENSHOTS / "fresh_server_admin.png"))

    # The app at its root shows the login form. That run stops before st.navigation, so the old
    # router is still on afterwards (only a successful login switches it off): still only the guard.
    page = new_page()
    open_url(page, base + "/")
    assert eventually(lambda: login_form_shown(page))
    page = new_page()
    open_url(page, base + "/admin")
    assert_no_admin_content(page, "/admin after the login form was shown")
    assert_login_or_refusal(page, "/admin after the login form was shown")
