"""One end-to-end flow per module in a real browser at 1024x768, as the staff would do it:
a complaint from registration to closing (the call-back by another user, in another browser),
a move-in household from check-in to keys on the tablet page, a payment on a unit's ledger (and a
double tap that records it once), and a training session built from the case library.
Screenshots: tests/browser/screenshots/flow_*.png. Any exception or unexpected red box fails."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from browser_actions import (button, choose_in_multiselect, choose_in_select, chosen_in_multiselect, form_with, main,
                             metric_value, pick_radio, select_value, settle, snap, stage_shown, textbox, wait_text,
                             wait_until)
from browser_helpers import (MAIN, assert_clean, assert_no_sideways_scroll, main_text, open_url, wait_idle,
                             wait_painted)
from core.clock import local_today
from pdf_check import flat, pdf_text
from core.i18n import translate as t

pytestmark = pytest.mark.browser

ROOM = "3-1906"


# ---------------------------------------------------------------- complaints

def _act(page, action: str, fields: dict[str, str] | None = None, *, done, picks: dict[str, str] | None = None) -> None:
    """Pick the action, fill its form (labels -> text; picks: select labels -> option), submit,
    wait until done(page) holds."""
    label = t(f"action.{action}")
    pick_radio(page, label)
    form = form_with(page, label)
    form.wait_for()
    for field_label, value in (fields or {}).items():
        textbox(page, field_label, scope=form).fill(value)
    for field_label, option in (picks or {}).items():
        choose_in_select(page, field_label, option)
    button(page, label, scope=form).click()
    settle(page)
    wait_until(lambda: done(page), 30, f"{action}: not done: {main_text(page)[:600]}")
    wait_idle(page)
    assert_clean(page, f"complaint {action}")


def _stage_is(stage: str):
    return lambda page: stage_shown(page) == t(f"stage.{stage}")


def test_complaint_from_registration_to_closing(server, browser_db, new_page, signed_in_state, engine):
    from core.auth.actor import SYSTEM
    from services import complaints, users

    desk = new_page(storage_state=signed_in_state("frontdesk"))
    open_url(desk, server.base_url + "/complaint_new")
    project = select_value(desk, t("cnew.project"))
    assert project.startswith("深圳·"), project   # the front desk's project, the default
    room = textbox(desk, t("cnew.room"))
    room.fill(ROOM)
    room.press("Enter")
    settle(desk)
    # Before anything is saved the desk sees the unit's history (none, or its open complaints).
    wait_until(lambda: t("cnew.unit_history_none") in main_text(desk) or "宗未结投诉" in main_text(desk), 20,
               main_text(desk)[:400])
    form = form_with(desk, t("cnew.submit"))
    textbox(desk, t("field.complainant"), form).fill("王先生")
    textbox(desk, t("field.phone"), form).fill("13800138000")
    textbox(desk, t("field.content"), form).fill("卫生间顶棚渗水，已经三天，要求尽快维修。")
    button(desk, t("cnew.submit"), form).click()
    settle(desk)
    # The unit has a recent complaint of this category: the form asks whether it is the same problem
    # before saving; the proposed answer (another matter, unless the words read alike) is kept.
    if button(desk, t("cnew.confirm")).count():
        button(desk, t("cnew.confirm")).click()
        settle(desk)
    done = main(desk).locator('[data-testid="stAlertContentSuccess"]')
    done.wait_for()
    match = re.search(r"(TS-\d{8}-\d{4})", done.inner_text())
    assert match, done.inner_text()
    number = match.group(1)
    snap(desk, "flow_complaint_1_registered")

    main(desk).locator('[data-testid="stPageLink"] a', has_text=t("cnew.open_ticket")).click()
    desk.wait_for_url(re.compile(rf"/complaint\?n={number}"))
    wait_text(desk, t("detail.actions"), where="ticket opened")
    assert stage_shown(desk) == t("stage.judge")
    assert ROOM in main_text(desk)

    _act(desk, "judge_valid", done=_stage_is("investigate"))
    _act(desk, "investigate", {t("field.cause"): "屋面防水层老化开裂。"}, done=_stage_is("assign"))
    handler_name = users.staff_names(engine)["admin"]    # picked by display name, stored as the login
    _act(desk, "assign", {t("field.department"): "工程部"}, picks={t("field.handler"): handler_name},
         done=_stage_is("propose"))
    _act(desk, "propose", {t("field.options"): "重做屋面防水\n临时导流并修补顶棚"}, done=_stage_is("agree"))
    # The agreed date: the form offers tomorrow at this time; keep it.
    _act(desk, "agree", {t("field.agreed_steps"): "明天上午重做防水并修补顶棚。"}, done=_stage_is("implement"))
    _act(desk, "implement", {t("field.implementation"): "已重做防水，顶棚已修补。"}, done=_stage_is("feedback"))
    _act(desk, "feedback", {t("field.note"): "客户已验收。"}, done=_stage_is("callback"))
    root = "施工时防水层搭接不足。"
    _act(desk, "record_root_cause", {t("field.root_cause"): root, t("field.prevention"): "交付前做闭水试验。"},
         done=lambda p: p.locator(f'{MAIN} [data-testid="stText"]', has_text=root).count() > 0)
    # The receiver may not call back, nor close before a satisfied call-back.
    radios = main(desk).locator('[data-testid="stRadio"]').inner_text()
    assert t("action.callback") not in radios.split("\n") and t("action.close") not in radios, radios
    snap(desk, "flow_complaint_2_before_callback")

    # The call-back: another user (the manager), in another browser.
    boss = new_page(storage_state=signed_in_state("manager"))
    open_url(boss, f"{server.base_url}/complaint?n={number}")
    wait_text(boss, t("detail.actions"), where="manager opens the ticket")
    assert stage_shown(boss) == t("stage.callback")
    pick_radio(boss, t("action.callback"))
    form = form_with(boss, t("action.callback"))
    slider = form.get_by_role("slider", name=t("field.satisfaction"))
    slider.focus()
    slider.press("End")
    wait_until(lambda: slider.input_value() == "5", 10, "satisfaction slider not at 5")
    textbox(boss, t("field.comment"), form).fill("客户表示满意。")
    button(boss, t("action.callback"), form).click()
    settle(boss)
    wait_until(lambda: t("action.close") in main(boss).locator('[data-testid="stRadio"]').inner_text(), 30,
               f"no close after the call-back: {main_text(boss)[:600]}")
    assert_clean(boss, "manager after the call-back")
    snap(boss, "flow_complaint_3_callback")

    # Back at the desk, on a freshly opened ticket: close it.
    open_url(desk, f"{server.base_url}/complaint?n={number}")
    wait_text(desk, t("detail.actions"), where="desk reopens the ticket")
    _act(desk, "close", done=_stage_is("closed"))
    assert t("detail.no_actions") in main_text(desk)
    snap(desk, "flow_complaint_4_closed")

    saved = complaints.load(engine, SYSTEM, number)
    assert saved.stage.value == "closed" and saved.closed_at is not None
    assert saved.satisfied_callback is not None and saved.satisfied_callback.by == "manager"
    assert saved.satisfied_callback.satisfaction == 5
    assert saved.receiver == "frontdesk" and saved.handler == "admin"
    assert saved.agreed_at is not None and saved.root_cause == root


# ---------------------------------------------------------------- move-in

def _household_for_today(engine, project_id: int) -> tuple[int, str]:
    """A household of today's day in the demo batch that has not arrived. Late in the day every
    household of today has arrived except the no-shows: then one no-show turns up after all."""
    from sqlalchemy import update

    from db.models import Unit
    from db.movein_models import MoveinAppointment as A, MoveinBatch

    today = local_today()
    base = (select(A.id, Unit.room_no).join(Unit, Unit.id == A.unit_id).join(MoveinBatch, MoveinBatch.id == A.batch_id)
            .where(MoveinBatch.project_id == project_id, A.day == today, A.arrived_at.is_(None))
            .order_by(A.slot_hour.desc(), A.id))
    with engine.begin() as conn:
        row = conn.execute(base.where(A.no_show.is_(False))).first()
        if row is None:
            row = conn.execute(base.where(A.no_show.is_(True))).first()
            assert row is not None, "the demo batch has no household today"
            conn.execute(update(A).where(A.id == row.id).values(no_show=False))
    return row.id, row.room_no


def _assert_touch_targets(page, where: str) -> None:
    sizes = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stButton"] button,'
        + '[data-testid="stMain"] [data-testid="stFormSubmitButton"] button,'
        + '[data-testid="stMain"] [data-testid="stTextInput"] input')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.innerText || e.getAttribute('aria-label') || e.placeholder, e.getBoundingClientRect().height])""")
    assert sizes, f"{where}: no buttons found"
    small = [(name, h) for name, h in sizes if h < 44]
    assert not small, f"{where}: touch targets under 44 px: {small}"


def test_movein_household_from_check_in_to_keys(server, browser_db, new_page, signed_in_state, engine):
    from db.movein_models import MoveinAppointment
    from core.movein.model import DEFAULT_STATIONS

    appointment_id, room_no = _household_for_today(engine, browser_db.batch_project)
    page = new_page(storage_state=signed_in_state("supervisor"))
    open_url(page, server.base_url + "/movein_live")
    room = textbox(page, t("mlive.room"))
    room.fill(room_no)
    button(page, t("mlive.find")).click()
    settle(page)
    check_in = button(page, t("mlive.check_in"))
    check_in.wait_for()
    wait_idle(page)
    assert room_no in main_text(page)
    _assert_touch_targets(page, "movein_live, household found")
    assert_no_sideways_scroll(page, "movein_live, household found")
    snap(page, "flow_movein_1_found")

    check_in.click()
    settle(page)
    for n, station in enumerate(DEFAULT_STATIONS, start=1):
        label = t("mlive.advance", station=t(f"station.{station.code}"))
        step = button(page, label)
        step.wait_for()
        wait_idle(page)
        assert t("mlive.progress", done=n - 1, total=len(DEFAULT_STATIONS)) in main_text(page)
        if n == 1:
            _assert_touch_targets(page, "movein_live, checked in")
            snap(page, "flow_movein_2_checked_in")
        step.click()
        settle(page)
    wait_text(page, t("mlive.finished"), where="movein finished")
    assert_clean(page, "movein finished")
    assert_no_sideways_scroll(page, "movein finished")
    snap(page, "flow_movein_3_keys")

    with engine.connect() as conn:
        appt = conn.execute(select(MoveinAppointment).where(MoveinAppointment.id == appointment_id)).one()
    assert appt.arrived_at is not None and appt.finished_at is not None
    assert appt.stations_done == len(DEFAULT_STATIONS)


# ---------------------------------------------------------------- collections

def _unit_with_arrears(engine, project_id: int, up_to: str = "9999-12") -> tuple[int, str, int]:
    """A unit of the project owing over 200 yuan on bills of periods up to `up_to`, not paid by a
    browser test yet (so each test, and each run on the same store, has its own)."""
    from db.collection_models import Bill
    from db.models import AuditLog, Unit

    owed = func.sum(Bill.amount_cents - Bill.paid_cents - Bill.waived_cents)
    with engine.connect() as conn:
        # paid through the form by an earlier run (the demo's payments are loaded without audit rows)
        paid_here = [int(u) for u in conn.scalars(select(AuditLog.entity_id).where(AuditLog.action == "payment"))]
        row = conn.execute(select(Unit.id, Unit.room_no, owed.label("owed")).join(Bill, Bill.unit_id == Unit.id)
                           .where(Unit.project_id == project_id, Unit.id.not_in(paid_here), Bill.period <= up_to)
                           .group_by(Unit.id, Unit.room_no).having(owed > 20_000).order_by(Unit.id)).first()
    assert row is not None, f"no unit with arrears up to {up_to} in the front desk's project"
    return row.id, row.room_no, int(row.owed)


def _desk_on_ledger(new_page, signed_in_state, server, room_no: str):
    """The front desk finds the unit on /units: its record and fee ledger."""
    page = new_page(storage_state=signed_in_state("frontdesk"))
    open_url(page, server.base_url + "/units")
    search = textbox(page, t("units.search"))
    search.fill(room_no)
    search.press("Enter")
    settle(page)
    wait_text(page, t("ledger.title"), where="unit ledger")
    return page


def _payments(engine, unit_id: int) -> list:
    from db.collection_models import Payment

    with engine.connect() as conn:
        return conn.execute(select(Payment.receipt_no, Payment.amount_cents).where(Payment.unit_id == unit_id)
                            .order_by(Payment.id)).all()


def test_collections_payment_lowers_arrears_and_a_double_tap_records_once(server, browser_db, new_page,
                                                                         signed_in_state, engine):
    from core.auth.actor import SYSTEM
    from core.collections.money import yuan
    from core.collections.rates import PeriodSums, current_rate
    from services import collections

    # Last month's current-period rate, as home shows it to the manager (named by its month) and
    # as the store has it.
    today = local_today()
    month = collections.last_complete_month(today)
    sums = collections.period_sums(engine, SYSTEM, month, month)
    rate = current_rate(PeriodSums(int(sums["billed"].sum()), int(sums["collected"].sum()), 0, 0))
    boss = new_page(storage_state=signed_in_state("manager"))
    open_url(boss, server.base_url + "/home")
    shown = metric_value(boss, t("home.rate_month", period=month))
    assert shown == ("—" if rate is None else f"{rate:.1%}"), (shown, rate)
    assert_clean(boss, "manager /home")

    unit_id, room_no, owed = _unit_with_arrears(engine, browser_db.batch_project)
    before = _payments(engine, unit_id)
    page = _desk_on_ledger(new_page, signed_in_state, server, room_no)
    assert f"{t('units.record')} · " in main_text(page) and room_no in main_text(page)
    assert metric_value(page, t("owed.total")) == yuan(owed)
    snap(page, "flow_collections_1_ledger")

    part = owed // 3
    form = form_with(page, t("ledger.record_payment"))
    textbox(page, t("field.amount"), form).fill(f"{part / 100:.2f}")
    assert form.get_by_label(t("field.receipt_no")).count() == 0           # the system numbers receipts
    button(page, t("ledger.record_payment"), form).click()
    settle(page)
    wait_until(lambda: len(_payments(engine, unit_id)) == len(before) + 1, 15, "payment not stored")
    receipt = _payments(engine, unit_id)[-1].receipt_no
    wait_text(page, t("ledger.saved", receipt=receipt), where="payment saved")
    assert_clean(page, "payment saved")
    form = form_with(page, t("ledger.record_payment"))
    assert textbox(page, t("field.amount"), form).input_value() == ""      # ready for the next one
    after = _payments(engine, unit_id)
    assert len(after) == len(before) + 1 and (receipt, part) in after
    # The figure on the page follows the payment.
    wait_until(lambda: metric_value(page, t("owed.total")) == yuan(owed - part), 15,
               f"owed still {metric_value(page, t('owed.total'))}, expected {yuan(owed - part)}")
    snap(page, "flow_collections_2_paid")

    # A double tap on the submit button: one payment.
    form = form_with(page, t("ledger.record_payment"))
    textbox(page, t("field.amount"), form).fill("10.00")
    # Two clicks on the spot, the second before the first rerun ends (two separate locator
    # clicks could meet the rerun's old and new form both on the page).
    button(page, t("ledger.record_payment"), form).dblclick()
    settle(page)
    wait_until(lambda: len(_payments(engine, unit_id)) >= len(before) + 2, 15, "second payment not stored")
    second = _payments(engine, unit_id)[-1].receipt_no
    wait_text(page, t("ledger.saved", receipt=second), where="double tap")
    page.wait_for_timeout(1000)   # a late second run would show up now
    wait_idle(page)
    assert t("ledger.saved", receipt=second) in main_text(page)
    snap(page, "flow_collections_3_double_tap")
    final = _payments(engine, unit_id)
    assert len(final) == len(before) + 2, final
    assert [p for p in final if p.receipt_no == second] == [(second, 1000)]
    assert metric_value(page, t("owed.total")) == yuan(owed - part - 1000)


def _exported_row(page, tmp_path, project: str, name: str) -> dict:
    """The manager's Excel export of the project table, the row of `project`."""
    import pandas as pd

    export = main(page).locator(".st-key-coll_export button")
    path = tmp_path / f"{name}.xlsx"
    for attempt in range(3):   # a click landing while a rerun replaces the button is lost: click again
        export.wait_for()
        wait_idle(page)
        wait_painted(page)
        try:
            with page.expect_download(timeout=20_000) as info:
                export.click()
            info.value.save_as(path)
            break
        except PlaywrightTimeout:
            assert attempt < 2, "the Excel export never downloaded"
    # The header is the row above the frozen pane (a title block with the period and filters
    # stands above it); money comes as numbers, read here as their text.
    from openpyxl import load_workbook
    header = load_workbook(path, read_only=False).active.freeze_panes
    header_row = int(re.sub(r"\D", "", header)) - 1
    table = pd.read_excel(path, dtype=str, header=header_row - 1)
    row = table[table[t("coll.col.project")] == project]
    assert len(row) == 1, table.head()
    return row.iloc[0].to_dict()


def _cents(text: str) -> int:
    return round(float(str(text).replace(",", "")) * 100)


def test_a_backdated_payment_shows_in_last_months_exported_figures(server, browser_db, new_page, signed_in_state,
                                                                    engine, tmp_path):
    from core.collections.money import yuan
    from db.models import Project

    with engine.connect() as conn:
        project = conn.scalar(select(Project.name).where(Project.id == browser_db.batch_project))
    today = local_today()
    last_month = (today.replace(day=1) - timedelta(days=1))
    period = f"{last_month:%Y-%m}"
    boss = new_page(storage_state=signed_in_state("manager"))
    open_url(boss, server.base_url + "/collections")
    assert select_value(boss, t("coll.period")) == period          # the last complete month comes first
    before = _exported_row(boss, tmp_path, project, "before")

    unit_id, room_no, owed = _unit_with_arrears(engine, browser_db.batch_project, up_to=period)
    amount = owed // 2
    desk = _desk_on_ledger(new_page, signed_in_state, server, room_no)
    form = form_with(desk, t("ledger.record_payment"))
    textbox(desk, t("field.amount"), form).fill(f"{amount / 100:.2f}")
    before_payments = len(_payments(engine, unit_id))
    # The receipt is from the 20th of last month: typed into the date field's year, month and day parts.
    paid_on = last_month.replace(day=20)
    label = t("field.paid_on")
    for part, value in (("year", f"{paid_on:%Y}"), ("month", f"{paid_on:%m}"), ("day", f"{paid_on:%d}")):
        segment = form.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
        segment.focus()   # focus, not click: a click opens the calendar over the submit button
        segment.press_sequentially(value)
    desk.keyboard.press("Escape")
    assert [int(form.get_by_role("spinbutton", name=f"{p}, {label}", exact=True).get_attribute("aria-valuenow"))
            for p in ("year", "month", "day")] == [paid_on.year, paid_on.month, paid_on.day]
    button(desk, t("ledger.record_payment"), form).click()
    settle(desk)
    wait_until(lambda: len(_payments(engine, unit_id)) == before_payments + 1, 15, "backdated payment not stored")
    receipt = _payments(engine, unit_id)[-1].receipt_no
    wait_text(desk, t("ledger.saved", receipt=receipt), where="backdated payment saved")
    assert_clean(desk, "backdated payment saved")

    open_url(boss, server.base_url + "/collections")   # the manager looks again
    after = _exported_row(boss, tmp_path, project, "after")
    # Oldest bills first, all of them of last month or before: last month's collected (its own
    # bills) and recovered (older ones) together rise by exactly the payment.
    gained = sum(_cents(after[t(f"coll.col.{c}")]) - _cents(before[t(f"coll.col.{c}")]) for c in ("collected", "recovered"))
    assert gained == amount, (before, after, yuan(amount))
    assert after[t("coll.col.billed")] == before[t("coll.col.billed")]
    assert (after[t("coll.col.current")], after[t("coll.col.recovery")]) != \
           (before[t("coll.col.current")], before[t("coll.col.recovery")]), "a rate did not move"
    snap(boss, "flow_collections_4_backdated")


# ---------------------------------------------------------------- cases and training

def test_cases_search_projector_and_a_training_session_with_handout(server, browser_db, new_page,
                                                                    signed_in_state, engine, tmp_path):
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from services import cases, training

    trainer = Actor("trainer", Role.TRAINER)
    page = new_page(storage_state=signed_in_state("trainer"))
    open_url(page, server.base_url + "/cases")
    search = textbox(page, t("cases.search"))
    search.fill("停电")
    search.press("Enter")
    settle(page)
    wait_text(page, "停电", where="case search")
    first = main(page).locator('[data-testid="stHorizontalBlock"]').filter(   # one result: text | button
        has=page.get_by_role("button", name=t("cases.open"), exact=True)).first
    title = first.locator('[data-testid="stText"]').inner_text().strip()
    assert title == cases.search(engine, trainer, "停电").iloc[0]["title"], title   # title hits rank first
    snap(page, "flow_cases_1_search")
    button(page, t("cases.open"), first).click()
    settle(page)
    button(page, t("cases.back")).wait_for()
    wait_idle(page)
    assert main(page).locator("h2").first.inner_text().strip() == title
    main(page).get_by_text(t("cases.projector"), exact=True).click()
    settle(page)
    big = main(page).locator('[data-testid="stHtml"] div[style*="1.7rem"]')
    big.first.wait_for()
    assert big.count() >= 2   # the story and at least one more block, in large print
    assert_no_sideways_scroll(page, "case in projector mode")
    snap(page, "flow_cases_2_projector")

    # A training session with two cases and two attendees, and its handout.
    published = training.teachable_cases(engine, trainer)
    other = published[published["title"] != title].iloc[0]["title"]
    session_title = f"停电应对演练 {uuid.uuid4().hex[:6]}"
    open_url(page, server.base_url + "/training")
    main(page).get_by_text(t("training.new"), exact=True).click()
    form = form_with(page, t("training.create"))
    form.wait_for()
    textbox(page, t("training.title"), form).fill(session_title)
    choose_in_multiselect(page, t("training.cases"), title[:8], title)
    choose_in_multiselect(page, t("training.cases"), other[:8], other)
    choose_in_multiselect(page, t("training.attendees"), "frontdesk", f"{browser_db.display_names['frontdesk']} (frontdesk)")
    choose_in_multiselect(page, t("training.attendees"), "supervisor",
                          f"{browser_db.display_names['supervisor']} (supervisor)")
    assert chosen_in_multiselect(page, t("training.cases")) == [title, other]
    assert len(chosen_in_multiselect(page, t("training.attendees"))) == 2
    button(page, t("training.create"), form).click()
    settle(page)
    wait_text(page, t("training.created"), where="training saved")
    choose_in_select(page, t("training.pick_session"), session_title, re.compile(re.escape(session_title)))
    assert session_title in select_value(page, t("training.pick_session"))
    snap(page, "flow_training_1_created")

    with page.expect_download() as info:
        main(page).locator('[data-testid="stDownloadButton"] button', has_text=t("docs.handout_trainee")).click()
    path = tmp_path / "handout.pdf"
    info.value.save_as(path)
    handout = flat(pdf_text(path.read_bytes()))
    for text in (session_title, title, other):
        assert flat(text) in handout, f"{text!r} missing from the trainee handout"

    from db.case_models import TrainingSession
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(TrainingSession)
                           .where(TrainingSession.title == session_title)) == 1
