"""A payment plan and a waiver with a manager's approval, through the screens at 1024x768 (issue
11, item 6): the front desk enters a two-instalment plan and asks for a waiver on the unit's
ledger; nothing pauses or changes until the manager approves both on the same ledger; then the
plan shows its instalments and the bill its waiver. Screenshots: tests/browser/screenshots/month_*.png."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from browser_actions import button, form_with, main, settle, snap, textbox, wait_text, wait_until
from browser_helpers import assert_clean, main_text, open_url
from core.clock import local_today
from core.i18n import translate as t

pytestmark = pytest.mark.browser


def _unit(engine, project_id: int) -> tuple[int, str]:
    """A unit of the batch project owing over 300 yuan, without a plan or a waiver yet, whose room
    number no other project has (the search then finds it alone, for every role)."""
    from db.collection_models import Bill, PaymentPlan, WaiverRequest
    from db.models import Unit

    owed = func.sum(Bill.amount_cents - Bill.paid_cents - Bill.waived_cents)
    unique = select(Unit.room_no).group_by(Unit.room_no).having(func.count() == 1)
    with engine.connect() as conn:
        return tuple(conn.execute(
            select(Unit.id, Unit.room_no).join(Bill, Bill.unit_id == Unit.id)
            .where(Unit.project_id == project_id, Unit.id.not_in(select(PaymentPlan.unit_id)),
                   Unit.id.not_in(select(WaiverRequest.unit_id)), Unit.room_no.in_(unique))
            .group_by(Unit.id, Unit.room_no).having(owed > 30_000).order_by(Unit.id.desc())).first())


def _on_ledger(new_page, signed_in_state, server, role: str, room: str):
    page = new_page(storage_state=signed_in_state(role))
    open_url(page, server.base_url + "/units")
    search = textbox(page, t("units.search"))
    search.fill(room)
    search.press("Enter")
    settle(page)
    wait_text(page, t("ledger.title"), where=f"{role} ledger")
    return page


def _open(page, label: str) -> None:
    main(page).get_by_text(label, exact=True).first.click()
    settle(page)


def _plan(engine, unit_id: int):
    from db.collection_models import PaymentPlan
    with engine.connect() as conn:
        return conn.execute(select(PaymentPlan.id, PaymentPlan.status).where(PaymentPlan.unit_id == unit_id)).first()


def _waiver(engine, unit_id: int):
    from db.collection_models import Bill, WaiverRequest
    with engine.connect() as conn:
        return conn.execute(select(WaiverRequest.id, WaiverRequest.status, Bill.waived_cents)
                            .join(Bill, Bill.id == WaiverRequest.bill_id)
                            .where(WaiverRequest.unit_id == unit_id)).first()


def test_a_plan_and_a_waiver_entered_by_the_desk_count_once_a_manager_approves(server, browser_db, new_page,
                                                                              signed_in_state, engine):
    unit_id, room = _unit(engine, browser_db.batch_project)
    today = local_today()
    desk = _on_ledger(new_page, signed_in_state, server, "frontdesk", room)
    assert t("owed.overdue") in main_text(desk) and t("owed.current") in main_text(desk)

    # The plan: two instalments; the date fields take the date as typed.
    _open(desk, t("plan.add"))
    form = form_with(desk, t("plan.add"))
    for i, (days, amount) in enumerate(((10, "100.00"), (40, "100.00")), start=1):
        # Streamlit's date field is three spin buttons: type year, month and day into the first.
        day = today + timedelta(days=days)
        form.get_by_role("spinbutton", name=f"year, {t(f'field.instalment_{i}_due')}", exact=True).click()
        desk.keyboard.type(f"{day:%Y%m%d}")
        textbox(desk, t(f"field.instalment_{i}_amount"), form).fill(amount)
    textbox(desk, t("plan.note"), form).fill("分两期")
    button(desk, t("plan.add"), form).click()
    settle(desk)
    wait_until(lambda: _plan(engine, unit_id) is not None, 30, f"plan not stored: {main_text(desk)[:600]}")
    assert _plan(engine, unit_id).status == "pending"
    wait_text(desk, t("plan.saved"), where="plan saved")
    assert t("plan.status.pending") in main_text(desk)

    # The waiver: asked for, the bill untouched.
    _open(desk, t("waiver.add"))
    form = form_with(desk, t("waiver.add"))
    textbox(desk, t("field.amount"), form).fill("10.00")
    textbox(desk, t("field.reason"), form).fill("停水一天")
    button(desk, t("waiver.add"), form).click()
    settle(desk)
    wait_until(lambda: _waiver(engine, unit_id) is not None, 30, f"waiver not stored: {main_text(desk)[:600]}")
    assert tuple(_waiver(engine, unit_id))[1:] == ("pending", 0)
    assert_clean(desk, "desk ledger with plan and waiver")
    snap(desk, "month_1_desk_entered")

    # The manager approves both on the same ledger.
    boss = _on_ledger(new_page, signed_in_state, server, "manager", room)
    plan_id = _plan(engine, unit_id).id
    wait_text(boss, t("plan.status.pending"), where="manager sees the waiting plan")
    decide = boss.locator(f".st-key-plan_decide_{plan_id}, [data-testid='stForm']").filter(
        has=boss.get_by_role("button", name=t("plan.approve"), exact=True)).first
    button(boss, t("plan.approve"), decide).click()
    settle(boss)
    wait_until(lambda: _plan(engine, unit_id).status == "approved", 30, f"plan not approved: {main_text(boss)[:600]}")
    wait_text(boss, t("plan.approved"), where="plan approved")
    decide = boss.locator("[data-testid='stForm']").filter(
        has=boss.get_by_role("button", name=t("plan.approve"), exact=True)).first
    button(boss, t("plan.approve"), decide).click()
    settle(boss)
    wait_until(lambda: _waiver(engine, unit_id).status == "approved", 30,
               f"waiver not approved: {main_text(boss)[:600]}")
    assert _waiver(engine, unit_id).waived_cents == 1000
    wait_text(boss, t("waiver.approved"), where="waiver approved")
    assert t("plan.progress.kept") in main_text(boss)
    assert_clean(boss, "manager ledger after approval")
    snap(boss, "month_2_manager_approved")
