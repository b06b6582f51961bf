"""A stale save on the set-up page's project editor (issue 16): an admin opens a project, a colleague
saves it meanwhile; the first admin's save is refused with a message naming the colleague and
the time, what they typed stays in the form, the colleague's values are shown beside it, and
"start again from the latest" takes them."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.auth.actor import Actor
from core.auth.roles import Role
from core.i18n import translate
from empty_store import empty_store
from page_helpers import APP, TIMEOUT, current_user
from services import org, users

PW = "Real-pass-2026"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with empty_store(tmp_path_factory.mktemp("stale") / "app.db") as s:
        users.create_first_admin(s.engine, "wangwei", "王伟", PW, PW, hash_rounds=4)
        users.create_user(s.engine, Actor("wangwei", Role.ADMIN), "lisi", "李四", "admin", PW, hash_rounds=4)
        s.pid = org.create_project(s.engine, Actor("wangwei", Role.ADMIN), "SZ01", "翠湖园", "深圳", "", "95")
        yield s


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def save_project(at: AppTest) -> AppTest:
    """The project editor's save (the company form's button has the same label, and comes first)."""
    [*_, button] = [b for b in at.button if b.label == translate("setup.save")]
    button.click()
    return run(at)


def test_a_stale_project_save_names_who_saved_and_keeps_the_input(store):
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(store.engine, "wangwei")
    at.switch_page("pages/setup.py")
    run(at)
    name_key, city_key = f"ep{store.pid}_name", f"ep{store.pid}_city"
    assert at.text_input(key=name_key).value == "翠湖园"

    # 李四 saves the project while 王伟 has it open
    seen = int(org.list_projects(store.engine, Actor("lisi", Role.ADMIN)).set_index("id").loc[store.pid, "version"])
    org.update_project(store.engine, Actor("lisi", Role.ADMIN), store.pid, "SZ01", "翠湖园一期", "深圳", "南山区",
                       "96", seen)
    st.cache_data.clear()

    at.text_input(key=name_key).input("翠湖花园")
    at.text_input(key=city_key).input("深圳市")
    at = save_project(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("李四 "), errors
    assert translate("err.conflict_by", by="李四", at="")[:2] == errors[0][:2]
    # what 王伟 typed is still there, and 李四's save was not overwritten
    assert (at.text_input(key=name_key).value, at.text_input(key=city_key).value) == ("翠湖花园", "深圳市")
    assert org.list_projects(store.engine, Actor("wangwei", Role.ADMIN)).set_index("id").loc[store.pid, "name"] \
        == "翠湖园一期"
    # the stored values are shown beside the form
    assert translate("stale.notice") in [w.value for w in at.warning]
    shown = " ".join(t.value for t in at.text)
    assert "翠湖园一期" in shown and "南山区" in shown

    # starting again from the latest fills the form with 李四's values; a save then goes through
    [take] = [b for b in at.button if b.label == translate("stale.take_latest")]
    take.click()
    at = run(at)
    assert at.text_input(key=name_key).value == "翠湖园一期"
    assert translate("stale.notice") not in [w.value for w in at.warning]
    at.text_input(key=name_key).input("翠湖花园")
    at = save_project(at)
    assert translate("setup.saved") in [s.value for s in at.success]
    assert org.list_projects(store.engine, Actor("wangwei", Role.ADMIN)).set_index("id").loc[store.pid, "name"] \
        == "翠湖花园"
