"""Each role in a real browser at 1024x768: log in through the form, open every page the role may
see by typed URL (a new session each time, signed in by the cookie), with a screenshot of each; no
exception, no error box, no sideways scrolling; the admin page is out of reach for the others."""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from browser_helpers import (MAIN, ROLES, ROOT, SCREENSHOTS, SIDEBAR, assert_clean, assert_no_sideways_scroll,
                             login, login_form_shown, main_text, open_all, open_url, sidebar_text,
                             wait_idle, wait_painted)
from core.auth.roles import pages_for
from core.i18n import CATALOGUES, translate

pytestmark = pytest.mark.browser


def built_pages() -> list[str]:
    """The page scripts app.py registers (read at each use: the app globs pages/ on every run)."""
    return sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


PREFIXES = {key.split(".", 1)[0] for key in CATALOGUES["zh"]}
RAW_KEY = re.compile(r"(?<![\w./@-])([a-z][a-z0-9_]*)\.([a-z0-9_]+(?:\.[a-z0-9_]+)*)(?![\w/@-])")
NULL_WORD = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|null|undefined)(?![\w-])")


def assert_our_words(text: str, where: str) -> None:
    """What the browser drew: no raw catalogue key, no empty value written as a word."""
    keys = sorted({m.group(0) for m in RAW_KEY.finditer(text) if m.group(1) in PREFIXES})
    assert not keys, f"{where}: raw catalogue keys on screen: {keys}"
    nulls = sorted({m.group(0) for m in NULL_WORD.finditer(text)})
    assert not nulls, f"{where}: empty values shown as words: {nulls}"
    # the roles walk is in Chinese: the framework's English for an empty table must not show
    english = sorted(set(re.findall(r"(?<![\w-])(empty|Select all|No results)(?![\w-])", text)))
    assert not english, f"{where}: framework English in the Chinese interface: {english}"


def url_of(base, page):
    return f"{base}/{page}"


def nav_paths(page) -> set[str]:
    hrefs = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
                              .map(a => new URL(a.href).pathname)""")
    return {h.strip("/") for h in hrefs}


@pytest.mark.parametrize("role", ROLES)
def test_role_logs_in_and_every_allowed_page_renders(server, browser_db, new_page, signed_in_state, role):
    page = new_page()
    login(page, server.base_url, role, browser_db.display_names[role])
    signed_in_state.remember(role, page)
    assert_clean(page, f"{role} after login")
    assert translate(f"role.{role}") in sidebar_text(page)
    allowed = pages_for(role, built_pages())
    menu = nav_paths(page)
    # Streamlit draws no menu for a single page.
    assert menu <= set(allowed) and (menu or len(allowed) == 1), f"{role} menu {menu}, allowed {allowed}"
    if role != "admin":
        assert "admin" not in menu
    # Everyone has their own work list, in the menu under its catalogue name.
    assert "my_work" in allowed and "my_work" in menu, f"{role}: no 我的工作 in {menu}"
    assert translate("page.my_work") in sidebar_text(page)

    # Every page by typed URL: each a new session (signed in by the cookie), opened side by side.
    state = page.context.storage_state()
    tabs = [(new_page(storage_state=state), name) for name in allowed]
    open_all([(tab, url_of(server.base_url, name)) for tab, name in tabs])
    for tab, name in tabs:
        where = f"{role} /{name}"
        wait_painted(tab)
        tab.screenshot(path=str(SCREENSHOTS / f"{role}_{name}.png"))
        assert not login_form_shown(tab), f"{where}: logged out on a typed URL"
        assert tab.get_by_text("Page not found").count() == 0, f"{where}: page not found"
        assert_clean(tab, where)
        assert_no_sideways_scroll(tab, where)
        assert browser_db.display_names[role] in sidebar_text(tab)
        assert main_text(tab).strip(), f"{where}: empty page"
        assert_our_words(main_text(tab) + "\n" + sidebar_text(tab), where)


def test_typed_admin_url_is_refused_for_every_other_role(server, browser_db, new_page, signed_in_state):
    roles = [r for r in ROLES if r != "admin"]
    tabs = [(new_page(storage_state=signed_in_state(role)), role) for role in roles]
    open_all([(tab, server.base_url + "/admin") for tab, _ in tabs])
    for page, role in tabs:
        text = main_text(page)
        # Streamlit answers "Page not found" and runs the default page, which here moves on to
        # /home (the dialog may go with that rerun); or the page's guard refuses.
        refused = page.get_by_text("Page not found").count() > 0 or \
            translate("guard.refused", role=translate(f"role.{role}")) in text or \
            urlparse(page.url).path.rstrip("/") != "/admin"
        assert refused, f"{role} /admin: still on /admin, no refusal: {text[:300]}"
        for key in ("admin.add_user", "admin.import", "admin.manage_user"):
            assert translate(key) not in text, f"{role} /admin: {translate(key)} shown"
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert page.locator(f'{MAIN} h1:has-text("{translate("page.admin")}")').count() == 0
        # Still signed in, on a page of their own.
        assert browser_db.display_names[role] in page.locator(SIDEBAR).inner_text()
        if role == "manager":
            page.screenshot(path=str(SCREENSHOTS / "manager_typed_admin.png"))


def test_units_search_in_the_browser(server, browser_db, new_page, signed_in_state):
    page = new_page(storage_state=signed_in_state("frontdesk"))
    open_url(page, server.base_url + "/units")
    box = page.get_by_role("textbox", name=translate("units.search"))
    box.fill("3-1906")
    box.press("Enter")
    page.locator(MAIN).get_by_text(f"{translate('units.record')} · ").wait_for()
    wait_painted(page)
    page.screenshot(path=str(SCREENSHOTS / "frontdesk_units_3-1906.png"))
    assert_clean(page, "frontdesk /units 3-1906")
    assert_no_sideways_scroll(page, "frontdesk /units 3-1906")
    assert "3-1906" in main_text(page)


TYPED = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "![i](http://127.0.0.1:9/x.png)",
         "**粗体** _斜体_ :red[红] &lt;b&gt; $x^2$"]


def test_typed_search_text_is_shown_as_typed(server, new_page, signed_in_state):
    """The 'not found' message repeats the query: it must show it literally, not as markdown
    (no link, no image fetched from elsewhere, no formatting), and never run it (new_page fails
    the test on any JavaScript dialog)."""
    page = new_page(storage_state=signed_in_state("frontdesk"))
    open_url(page, server.base_url + "/units")
    box = page.get_by_role("textbox", name=translate("units.search"))
    for typed in TYPED:
        box.fill(typed)
        box.press("Enter")
        alert = page.locator('[data-testid="stAlertContentWarning"]')
        alert.filter(has_text=translate("units.none_found", q="@").split("@")[1][:6]).wait_for()
        wait_idle(page)
        assert alert.inner_text().strip() == translate("units.none_found", q=typed)
        # A typed web address still becomes a plain link to itself (GFM autolinks text nodes, past
        # any escaping); nothing else may: no image fetched, no link text of the user's choosing.
        markup = alert.locator('a:not([href^="http"]), img, strong, em, code, .katex, script, iframe')
        assert markup.count() == 0, f"{typed!r} rendered as markup: {alert.inner_html()[:500]}"
