"""Admin page on a demo store that the company has started to use (issue 11, item 1): the demo
accounts are removed in one action by the company's own admin, never by a demo account."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import translate
from empty_store import empty_store
from page_helpers import PAGES_DIR, TIMEOUT, current_user
from services import users


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from demo.company import CompanySize, seed_demo

    with empty_store(tmp_path_factory.mktemp("demo_accounts") / "app.db") as s:
        seed_demo(s.engine, CompanySize(projects=1, units_per_project=8, batch=False), hash_rounds=4)
        admin = users.get_account(s.engine, "admin")
        from core.auth.actor import Actor
        users.create_user(s.engine, Actor("admin", admin.role), "wangwei", "王伟", "admin", "Real-pass-2026",
                          hash_rounds=4)
        yield s


def admin_page(engine, username) -> AppTest:
    at = AppTest.from_file(str(PAGES_DIR / "admin.py"), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, username)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_demo_admin_cannot_remove_the_demo_accounts(store):
    at = admin_page(store.engine, "admin")
    at.checkbox(key="demo_remove_sure").check().run()
    at.button(key="demo_remove").click().run()
    assert [e.value for e in at.error] == [translate("err.demo_remove_self")]
    assert users.get_account(store.engine, "frontdesk") is not None


def test_the_company_admin_removes_them_in_one_action(store):
    demo = users.demo_accounts(store.engine, current_user(store.engine, "wangwei").actor)
    at = admin_page(store.engine, "wangwei")
    assert at.button(key="demo_remove").disabled          # until the box is ticked
    at.checkbox(key="demo_remove_sure").check().run()
    at.button(key="demo_remove").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [translate("admin.demo_removed", n=len(demo))]
    assert users.list_users(store.engine, current_user(store.engine, "wangwei").actor)["username"].tolist() == \
        ["wangwei"]
    assert not [b for b in at.button if b.key == "demo_remove"]
