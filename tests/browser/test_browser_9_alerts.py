"""Alerts in a real browser: a red line flagged by a front desk shows on the manager's inbox
badge within seconds, without a reload (the badge refreshes itself); it stays after the manager
reads it, and leaves the badge only when acknowledged."""
from __future__ import annotations

import pytest

from browser_helpers import MAIN, SIDEBAR, assert_clean, eventually, login, main_text, open_url, sidebar_text, wait_idle
from core.i18n import translate as t

pytestmark = pytest.mark.browser


def _badge(n: int) -> str:
    return t("ntf.badge", count=n)


def test_a_red_line_reaches_the_managers_badge_and_stays_until_acknowledged(server, new_page, browser_db):
    from db.engine import make_engine
    from services import complaints, notifications
    from ui.session import CurrentUser  # noqa: F401  (the same actor the desk's form would pass)
    from core.auth.actor import Actor
    from core.auth.roles import Role

    engine = make_engine(browser_db.url)
    manager = Actor("manager", Role.MANAGER)
    before = notifications.unread_count(engine, manager)
    page = new_page()
    login(page, server.base_url, "manager", browser_db.display_names["manager"])
    assert eventually(lambda: _badge(before) in sidebar_text(page)), sidebar_text(page)

    # The front desk registers a complaint with a red line (the service its form calls).
    desk = Actor("frontdesk", Role.FRONTDESK, None)
    number = complaints.register(engine, desk, channel="phone", complainant="钱女士", phone="13900001234",
                                 place="东门", content="业主说已联系电视台，明天来拍摄漏水问题", category="service",
                                 project_id=browser_db.batch_project, red_lines=("media",))
    assert eventually(lambda: _badge(before + 1) in sidebar_text(page), timeout=20), sidebar_text(page)

    page.locator(SIDEBAR).get_by_text(_badge(before + 1)).click()
    wait_idle(page)
    assert eventually(lambda: number in main_text(page)), main_text(page)
    assert_clean(page, "inbox")
    main = page.locator(MAIN)
    main.get_by_role("button", name=t("ntf.mark_read"), exact=True).first.click()
    wait_idle(page)
    open_url(page, server.base_url + "/notifications")         # a reload: it is still there
    assert eventually(lambda: _badge(before + 1) in sidebar_text(page)), sidebar_text(page)
    page.locator(MAIN).get_by_role("button", name=t("ntf.acknowledge"), exact=True).first.click()
    wait_idle(page)
    assert eventually(lambda: _badge(before) in sidebar_text(page), timeout=20), sidebar_text(page)
    assert complaints.load(engine, manager, number).escalation_acknowledged_by == "manager"
    engine.dispose()
