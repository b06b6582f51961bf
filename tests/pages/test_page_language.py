"""English: a session with lang="en" shows English titles, menus and sidebar; the sidebar switch
changes the language at once and stores it with the account."""
from __future__ import annotations

import re

import pytest

from core.auth.roles import pages_for
from core.i18n import translate
from core.auth.actor import Actor
from core.auth.roles import Role
from page_helpers import ROLES, page_names
from services import users

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("page,title", [("units", "Units"), ("admin", "Administration")])
def test_page_titles_in_english(run_page, page, title):
    at = run_page(page, "admin", lang="en")
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == [title]


@pytest.mark.parametrize("role", ROLES)
def test_app_in_english_for_each_role(run_app, user_of, role):
    at = run_app(role, lang="en")
    assert not at.exception and not at.error
    name = user_of(role).display_name
    assert [t.value for t in at.title] == [translate("home.greeting", "en", name=name)]
    assert [c.value for c in at.sidebar.caption] == [
        translate("user.signed_in_as", "en", name=name, role=translate(f"role.{role}", "en"))]
    assert at.radio(key="lang_switch").label == "Language"
    assert at.button(key="logout_button").label == "Sign out"


@pytest.mark.parametrize("page", [p for p in page_names() if p != "home"])
def test_every_page_title_is_english(run_app, page):
    role = next((r for r in ROLES if page in pages_for(r, page_names())), None)
    if role is None:
        pytest.skip(f"no role may open {page}")
    at = run_app(role, lang="en")
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception and not at.error
    for title in at.title:
        assert not CJK.search(title.value), f"{page}: Chinese title in English mode: {title.value}"


def test_sidebar_switch_changes_language_and_stores_it(page_db, run_app):
    users.create_user(page_db.engine, Actor("test", Role.ADMIN), "lang.switch", "切换者", "manager", "Demo-2026!",
                      is_demo=True, hash_rounds=4)
    at = run_app("lang.switch")
    assert [t.value for t in at.title] == [translate("home.greeting", name="切换者")]
    at.radio(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert [t.value for t in at.title] == [translate("home.greeting", "en", name="切换者")]
    assert users.get_account(page_db.engine, "lang.switch").language == "en"
    at.radio(key="lang_switch").set_value("zh").run()
    assert [t.value for t in at.title] == [translate("home.greeting", name="切换者")]
    assert users.get_account(page_db.engine, "lang.switch").language == "zh"
