"""The front desk at 1280x800 (issue 14): a ticket at the call-back stage shows its close action
with each missing condition and the way to supply it; registering with two wrong fields shows both
messages at once, each beside its field, and saves nothing.
Screenshots: tests/browser/screenshots/desk_*.png."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from browser_actions import button, form_with, main, settle, snap, textbox, wait_text, wait_until
from browser_helpers import SCREENSHOTS, main_text, open_url, wait_painted
from core.auth.roles import Role
from core.clock import CHINA
from core.complaints.workflow import Actor
from core.i18n import translate as t

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 800}
FRONTDESK = Actor("frontdesk", Role.FRONTDESK)


def assert_fits(page, where: str) -> None:
    """Nothing to scroll sideways at the desk's 1280 px."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= DESK["width"] + 2, f"{where}: page is {width}px wide"


def _at_callback(engine, project_id: int) -> str:
    """A ticket received by the front desk, taken along the method to the call-back stage; its handler
    is one of the project's staff (the demo's supervisor works on the batch project)."""
    from db.models import Unit
    from services import complaints

    with engine.connect() as conn:
        unit_id = conn.scalar(select(func.max(Unit.id)).where(Unit.project_id == project_id))
    number = complaints.register(engine, FRONTDESK, unit_id=unit_id, project_id=project_id, channel="walk_in",
                                 complainant="测试业主", phone=None, content="电梯间的灯一闪一闪。",
                                 category="service")
    steps = [("judge_valid", {}), ("investigate", {"cause": "灯管老化。"}),
             ("assign", {"department": "工程部", "handler": "supervisor"}), ("propose", {"options": ["更换灯管"]}),
             ("agree", {"steps": "明天更换灯管。", "agreed_at": datetime.now(CHINA) + timedelta(days=1)}),
             ("implement", {"record": "已更换。"}), ("feedback", {"confirmed": True})]
    for action, data in steps:
        c = complaints.load(engine, FRONTDESK, number)
        complaints.act(engine, FRONTDESK, number, c.version, action, **data)
    assert complaints.load(engine, FRONTDESK, number).stage.value == "callback"
    return number


def test_a_ticket_at_the_callback_stage_says_why_it_cannot_close(server, browser_db, new_page, signed_in_state,
                                                                 engine):
    number = _at_callback(engine, browser_db.batch_project)
    page = new_page(storage_state=signed_in_state("frontdesk"))
    page.set_viewport_size(DESK)
    open_url(page, f"{server.base_url}/complaint?n={number}")
    wait_text(page, t("detail.close_blocked"), where="ticket at the call-back stage")
    text = main_text(page)
    for shown in (t("detail.close_title"), t("close.need_callback"), t("close.need_root_cause"),
                  t("close.hint_colleague")):
        assert shown in text, shown
    assert "stage.nan" not in text and "None" not in text
    close = button(page, t("action.close"))
    assert close.count() == 1 and close.is_disabled()
    # The preselected action is the one closing needs from the receiver, not "pause the clock".
    checked = main(page).locator('[data-testid="stRadio"] input:checked')
    assert checked.count() == 1
    snap(page, "desk_1_close_blocked")
    # The reason's button opens the form that supplies it.
    button(page, t("action.record_root_cause")).first.click()
    settle(page)
    form = form_with(page, t("action.record_root_cause"))
    wait_until(lambda: form.count() == 1, 30, f"no root-cause form: {main_text(page)[:600]}")
    assert textbox(page, t("field.root_cause"), form).count() == 1
    assert_fits(page, "ticket at the desk")


def test_registering_with_two_wrong_fields_shows_both_at_once(server, new_page, signed_in_state, engine):
    from db.models import ComplaintRow

    with engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(ComplaintRow))
    page = new_page(storage_state=signed_in_state("frontdesk"))
    page.set_viewport_size(DESK)
    open_url(page, f"{server.base_url}/complaint_new")
    wait_text(page, t("cnew.submit"), where="registration form")
    form = form_with(page, t("cnew.submit"))
    textbox(page, t("field.phone"), form).fill("1381234")
    textbox(page, t("field.place"), form).fill("小区东门")
    textbox(page, t("field.content"), form).fill("东门的道闸抬不起来。")
    button(page, t("cnew.submit"), form).click()
    settle(page)
    errors = main(page).locator('[data-testid="stAlertContentError"]')
    wait_until(lambda: errors.count() == 2, 30, f"not two errors: {main_text(page)[:600]}")
    shown = sorted(e.inner_text().strip() for e in errors.all())
    assert shown == sorted([t("err.required", field="complainant"), t("err.phone_format")])
    # Each message inside the form, beside (below) its field.
    assert form.locator('[data-testid="stAlertContentError"]').count() == 2
    wait_painted(page)   # (snap() would refuse the error boxes this test wants on screen)
    page.screenshot(path=str(SCREENSHOTS / "desk_2_two_errors.png"), full_page=True)
    assert_fits(page, "registration with errors")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ComplaintRow)) == before
