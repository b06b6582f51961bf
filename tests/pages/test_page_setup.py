"""Company set-up through the screens (issue 11, item 2), from an empty store without the demo: the
set-up page names the company, creates a project (every wrong field named at once, the input kept),
a building and a unit; the units page then keeps the owners (edit, co-owner, transfer) and the
special-needs ledger. AppTest cannot drive the file uploader: the import is in the service tests."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.i18n import translate
from empty_store import empty_store
from page_helpers import APP, TIMEOUT, by_label, current_user
from services import org, users

PW = "Real-pass-2026"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with empty_store(tmp_path_factory.mktemp("setup") / "app.db") as s:
        users.create_first_admin(s.engine, "wangwei", "王伟", PW, PW, hash_rounds=4)
        yield s


def page(store, name="setup", username="wangwei") -> AppTest:
    """The page as a signed-in user reaches it (app.py's navigation: the page links resolve). Caches
    are cleared first: tests write to the store behind the pages' backs."""
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(store.engine, username)
    at.switch_page(f"pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, label: str) -> AppTest:
    by_label(at.button, label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_empty_store_shows_where_to_start(store):
    at = page(store)
    # nothing set up yet but the administrator's own account
    assert [p.proto.text for p in at.get("progress")] == [translate("setup.progress", done=1, total=6)]
    assert translate("setup.no_projects") in [i.value for i in at.info]
    home = page(store, "home")
    assert translate("home.set_up") in [i.value for i in home.info]


def test_the_company_name(store):
    at = page(store)
    by_label(at.text_input, translate("setup.company_name")).input("翠湖物业")
    at = click(at, translate("setup.save"))
    assert translate("setup.company_saved") in [s.value for s in at.success]
    assert org.company(store.engine).name == "翠湖物业"


def test_a_project_form_names_every_wrong_field_and_keeps_the_input(store):
    at = page(store)
    at.text_input(key="np_code").input("P 1")
    at.text_input(key="np_target").input("120")
    at = click(at, translate("setup.add_project"))
    assert [e.value for e in at.error] == [translate("err.project_code_format"),
                                           translate("err.required", field="project_name"),
                                           translate("err.required", field="city"),
                                           translate("err.target_range")]
    assert at.text_input(key="np_code").value == "P 1"         # kept, to be corrected
    at.text_input(key="np_code").input("SZ01")
    at.text_input(key="np_name").input("翠湖园")
    at.text_input(key="np_city").input("深圳")
    at.text_input(key="np_target").input("96")
    at = click(at, translate("setup.add_project"))
    assert translate("setup.project_added", code="SZ01") in [s.value for s in at.success]
    assert at.text_input(key="np_code").value == ""          # empty for the next project
    assert org.list_projects(store.engine, current_user(store.engine, "wangwei").actor)["code"].tolist() == ["SZ01"]


def test_a_building_then_a_unit_by_form(store):
    at = page(store)
    at.text_input(key="b_name").input("3")
    at.text_input(key="b_floors").input("20")
    at = click(at, translate("setup.add_building"))
    assert translate("setup.building_added", name="3") in [s.value for s in at.success]
    at.text_input(key="u_room").input("3-2101")             # floor 21 of a 20-floor building
    at.text_input(key="u_area").input("89.5")
    at.text_input(key="u_owner").input("王伟")
    at.text_input(key="u_phone").input("+86 138 1234 5678")
    at = click(at, translate("setup.add_unit"))
    assert [e.value for e in at.error] == [translate("err.floor_above_building", floors=20)]
    at.text_input(key="u_room").input("3-1906")
    at = click(at, translate("setup.add_unit"))
    assert translate("setup.unit_added", room="3-1906") in [s.value for s in at.success]
    admin = current_user(store.engine, "wangwei").actor
    pid = int(org.list_projects(store.engine, admin)["id"].iloc[0])
    unit = org.find_unit(store.engine, admin, pid, "3-1906")
    assert org.unit_detail(store.engine, admin, unit)["phone"] == "13812345678"
    assert translate("admin.template") in [b.label for b in at.get("download_button")]


def units_page(store, room="3-1906", username="wangwei") -> AppTest:
    at = page(store, "units", username)
    at.text_input(key="units_q").input(room).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_owners_are_kept_on_the_units_page(store):
    admin = current_user(store.engine, "wangwei").actor
    pid = int(org.list_projects(store.engine, admin)["id"].iloc[0])
    unit = org.find_unit(store.engine, admin, pid, "3-1906")
    owner = org.owners(store.engine, admin, unit)[0]
    at = units_page(store)
    at.text_input(key=f"o_phone_{owner.id}").input("0755 1234 5678")
    at = click(at, translate("owners.save"))
    assert translate("owners.saved") in [s.value for s in at.success]
    assert org.owners(store.engine, admin, unit)[0].phone == "0755-12345678"

    at.text_input(key=f"co_name_{unit}").input("李娜")
    at = click(at, translate("owners.add_co_owner"))
    assert [o.name for o in org.owners(store.engine, admin, unit)] == ["王伟", "李娜"]

    at.text_input(key=f"tr_name1_{unit}").input("赵敏")
    at.text_input(key=f"tr_phone1_{unit}").input("abc")
    at.text_input(key=f"tr_name2_{unit}").input("")
    at.text_input(key=f"tr_phone2_{unit}").input("13900001111")
    at = click(at, translate("owners.transfer"))
    assert [e.value for e in at.error] == [translate("err.phone_format"),
                                           translate("err.required", field="owner2_name")]
    assert [o.name for o in org.owners(store.engine, admin, unit)] == ["王伟", "李娜"]   # nothing half-saved
    at.text_input(key=f"tr_phone1_{unit}").input("136-0000-2222")
    at.text_input(key=f"tr_phone2_{unit}").input("")
    at = click(at, translate("owners.transfer"))
    assert translate("owners.transferred_clear") in [s.value for s in at.success]
    assert [o.name for o in org.owners(store.engine, admin, unit, history=True)] == ["赵敏", "李娜", "王伟"]


def test_special_needs_on_the_units_page(store):
    admin = current_user(store.engine, "wangwei").actor
    pid = int(org.list_projects(store.engine, admin)["id"].iloc[0])
    unit = org.find_unit(store.engine, admin, pid, "3-1906")
    at = units_page(store)
    at.selectbox(key=f"need_kind_{unit}").select("language")
    at = click(at, translate("needs.add"))
    assert [e.value for e in at.error] == [translate("err.need_note_required")]
    at.text_input(key=f"need_note_{unit}").input("只讲粤语")
    at = click(at, translate("needs.add"))
    assert translate("needs.added") in [s.value for s in at.success]
    alert = translate("needs.alert", needs=translate("need.language") + "：只讲粤语")
    assert alert in [w.value for w in at.warning]
    need = org.special_needs(store.engine, admin, unit)[0]
    at = click(at, translate("needs.end"))
    assert translate("needs.ended") in [s.value for s in at.success]
    assert org.special_needs(store.engine, admin, unit) == []
    assert org.special_needs(store.engine, admin, unit, include_ended=True)[0].id == need.id
