"""The alerts page (AppTest) on the demo store: a manager sees a red line a front desk flagged,
acknowledges it from the inbox and it leaves the badge; the sidebar shows the count; the admin's
channel form refuses a webhook that is not http(s) and says why; every role opens its inbox,
only the admin sees channels, log and templates."""
from __future__ import annotations

import pytest

import streamlit as st
from streamlit.testing.v1 import AppTest

from core.auth.capabilities import Capability, can
from core.i18n import translate
from page_helpers import APP, ROLES, TIMEOUT, by_label, current_user, texts
from services import complaints, notifications


def open_page(engine, username: str) -> AppTest:
    """Through app.py, as a signed-in user reaches it (the inbox links to other pages)."""
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, username)
    at.switch_page("pages/notifications.py")
    return at.run()


def _red_line(page_db, user_of) -> str:
    desk = user_of("frontdesk").actor
    pid = desk.project_ids[0] if desk.project_ids else page_db.batch_project
    return complaints.register(page_db.engine, desk, channel="phone", complainant="赵先生", phone="13912340000",
                               place="北门", content="有记者在小区门口采访业主", category="service",
                               project_id=pid, red_lines=("media",))


def test_a_red_line_in_the_inbox_is_acknowledged_and_leaves_the_badge(page_db, run_page, run_app, user_of):
    number = _red_line(page_db, user_of)
    manager = user_of("manager").actor
    assert notifications.unread_count(page_db.engine, manager) >= 1
    app = run_app("manager")
    assert not app.exception
    labels = {p.proto.label for p in app.get("page_link")}
    n = notifications.unread_count(page_db.engine, manager)
    assert translate("ntf.badge", count=n) in labels
    at = open_page(page_db.engine, "manager")
    assert not at.exception and not at.error
    assert any(number in s for s in texts(at))
    ack = [b for b in at.button if b.label == translate("ntf.acknowledge")]
    assert ack
    ack[0].click().run()
    assert not at.exception
    assert translate("ntf.ack_done") in [s.value for s in at.success]
    assert complaints.load(page_db.engine, manager, number).escalation_acknowledged_by == "manager"
    assert notifications.unread_count(page_db.engine, user_of("admin").actor) < n or \
        notifications.unread_count(page_db.engine, manager) < n


def test_the_admin_is_told_why_a_webhook_is_refused(page_db):
    at = open_page(page_db.engine, "admin")
    assert not at.exception
    by_label(at.text_input, translate("field.channel_name")).input("管理群")
    by_label(at.text_input, translate("field.url")).input("ftp://qyapi.weixin.qq.com/send")
    [button] = [b for b in at.button if b.label == translate("ntf.channel_save")]
    button.click().run()
    assert translate("err.webhook_url") in [e.value for e in at.error]
    assert by_label(at.text_input, translate("field.channel_name")).value == "管理群"   # the input is kept


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_an_inbox_and_only_the_admin_the_channels(page_db, role):
    at = open_page(page_db.engine, role)
    assert not at.exception and not at.error
    tabs = [tab.label for tab in at.tabs]
    assert translate("ntf.tab.inbox") in tabs
    assert (translate("ntf.tab.channels") in tabs) == can(role, Capability.MANAGE_NOTIFICATIONS)
