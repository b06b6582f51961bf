"""A company's first day (no demo: one administrator, one project, one building, one unit): every
page, in both languages, shows our words, and each table with nothing in it yet says what to do
instead of Streamlit's "empty"."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.auth.roles import pages_for
from empty_store import empty_store
from page_helpers import APP, TIMEOUT, current_user, page_names
from services import org, users
from words_check import words_problems

PW = "Real-pass-2026"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with empty_store(tmp_path_factory.mktemp("words_empty") / "app.db") as s:
        users.create_first_admin(s.engine, "wangwei", "王伟", PW, PW, hash_rounds=4)
        admin = current_user(s.engine, "wangwei").actor
        project = org.create_project(s.engine, admin, "SZ01", "深圳一期", "深圳")
        building = org.add_building(s.engine, admin, project, "1", 18)
        org.add_unit(s.engine, admin, building, "1-101", 89.5)
        yield s


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [p for p in page_names() if p in pages_for("admin", page_names()) and p != "complaint"])
def test_a_new_company_sees_our_words_on_every_page(store, page, lang):
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(store.engine, "wangwei")
    at.session_state["lang"] = lang
    if page != "home":
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    problems = words_problems(at, lang)
    assert not problems, f"{page} ({lang}) on an empty store: " + "; ".join(problems)
