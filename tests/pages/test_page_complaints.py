"""Complaint pages: registering (complaint_new), one ticket (complaint), the live board and the
analysis — each run as its role would, checked against the store."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.auth.roles import Role, can_open
from core.clock import CHINA, local_today
from core.complaints.model import Stage
from core.complaints.workflow import Actor, allowed_actions
from core.i18n import translate
from db import complaint_views, complaints, users
from db.models import ComplaintRow, Unit, utcnow
from page_helpers import APP, ROLES, TIMEOUT, current_user
from ui.widgets import md_plain

t = translate


def open_page(engine, page: str, username: str, **query) -> AppTest:
    """The page as a signed-in user reaches it: app.py runs (login gate, navigation) and routes to it.
    Caches are cleared first: tests write to the store behind the pages' backs."""
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, username)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py")
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def refused(run_page, page: str, role: str) -> None:
    at = run_page(page, role)
    assert not at.exception
    assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]
    assert not at.title


def count(engine, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(ComplaintRow).where(*where))


def by_label(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, (label, [e.label for e in elements])
    return found[0]


FRONTDESK = Actor("frontdesk", Role.FRONTDESK)


@pytest.fixture(scope="module")
def rooms(page_db):
    """Rooms of the batch project: one with open complaints, and fresh ones nobody complained about."""
    with page_db.engine.connect() as conn:
        with_open = conn.execute(
            select(Unit.room_no, Unit.id, func.count())
            .join(ComplaintRow, ComplaintRow.unit_id == Unit.id)
            .where(Unit.project_id == page_db.batch_project, ComplaintRow.stage != "closed")
            .group_by(Unit.id).order_by(Unit.id).limit(1)).one()
        complained = select(ComplaintRow.unit_id).where(ComplaintRow.unit_id.is_not(None))
        fresh = conn.execute(select(Unit.room_no, Unit.id).where(
            Unit.project_id == page_db.batch_project, Unit.id.not_in(complained))
            .order_by(Unit.id.desc()).limit(8)).all()
    return {"open": with_open, "fresh": list(fresh)}


def new_ticket(page_db, unit_id: int, category: str = "repairs") -> str:
    """A ticket registered by frontdesk, waiting for 判定."""
    return complaints.register(page_db.engine, FRONTDESK, unit_id=unit_id, project_id=page_db.batch_project,
                               channel="walk_in", complainant="测试业主", phone="13812345678", place="",
                               content="楼道灯坏了三天。", category=category)


# ---------------------------------------------------------------- complaint_new

@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "complaint_new")])
def test_new_renders_for_allowed_roles(page_db, role):
    at = ok(open_page(page_db.engine, "complaint_new", role))
    assert [x.value for x in at.title] == [t("page.complaint_new")]
    assert any(t(f"role.{role}") in c.value for c in at.sidebar.caption)  # through app.py
    assert t("cnew.submit") in [b.label for b in at.button]


def test_new_refuses_trainer(run_page):
    refused(run_page, "complaint_new", "trainer")


def fill(at: AppTest, **values) -> AppTest:
    labels = {"complainant": "field.complainant", "phone": "field.phone", "content": "field.content",
              "place": "field.place"}
    for name, value in values.items():
        widgets = at.text_area if name == "content" else at.text_input
        by_label(widgets, t(labels[name])).input(value)
    return at


def test_room_with_earlier_complaints_shows_them(page_db, rooms):
    room, unit_id, n_open = rooms["open"]
    at = open_page(page_db.engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    ok(at)
    assert [w.value for w in at.warning] == [t("cnew.unit_open", n=n_open)]
    history = at.dataframe[0].value
    with page_db.engine.connect() as conn:
        numbers = set(conn.scalars(select(ComplaintRow.number).where(ComplaintRow.unit_id == unit_id)))
    assert set(history[t("col.number")]) == numbers
    # A room nobody complained about says so, without a warning.
    at.text_input(key="cnew_room").input(rooms["fresh"][0].room_no).run()
    ok(at)
    assert not at.warning
    assert t("cnew.unit_history_none") in [c.value for c in at.caption]


def test_unknown_room_is_an_error(page_db):
    at = open_page(page_db.engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input("9-9901").run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.unit_unknown")]


@pytest.mark.parametrize("values,message", [
    (dict(complainant="王先生", phone="13812345678", content=""), t("err.required", field="content")),
    (dict(complainant="王先生", phone="1381234", content="电梯坏了"), t("err.phone_format")),
    (dict(complainant="王先生", phone="abc-not-a-phone", content="电梯坏了"), t("err.phone_format")),
    (dict(complainant="", phone="13812345678", content="电梯坏了"), t("err.required", field="complainant")),
], ids=["no-content", "short-phone", "letters-for-phone", "no-complainant"])
def test_bad_submission_shows_the_error_and_writes_nothing(page_db, rooms, values, message):
    before = count(page_db.engine)
    at = open_page(page_db.engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(rooms["fresh"][1].room_no).run()
    fill(at, **values)
    by_label(at.button, t("cnew.submit")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert not at.success
    assert count(page_db.engine) == before


def ticket_number(at: AppTest) -> str:
    found = re.search(r"TS-\d{8}-\d{4}", at.success[0].value)
    assert found, at.success[0].value
    return found.group(0)


def test_good_submission_registers_and_a_second_is_a_repeat(page_db, rooms):
    room, unit_id = rooms["fresh"][2]
    engine = page_db.engine
    at = open_page(engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    fill(at, complainant="王先生", phone="13812345678", content="卫生间漏水，楼下天花板滴水。")
    by_label(at.selectbox, t("field.category")).select("repairs")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert len(at.success) == 1 and "TS-" in at.success[0].value
    number = ticket_number(at)
    assert at.success[0].value == t("cnew.done", number=number, receiver="陈客服")
    assert not at.warning  # the first complaint on this unit: no repeat
    saved = complaints.load(engine, number)
    assert (saved.unit_id, saved.category.value, saved.receiver, saved.stage) == (unit_id, "repairs", "frontdesk",
                                                                                  Stage.JUDGE)
    assert count(engine, ComplaintRow.unit_id == unit_id) == 1

    # The same unit and matter again: 第2次, linked to the first and escalated.
    at = open_page(engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    assert [w.value for w in at.warning] == [t("cnew.unit_open", n=1)]
    fill(at, complainant="王先生", phone="13812345678", content="还是漏水，没人来修。")
    by_label(at.selectbox, t("field.category")).select("repairs")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert t("cnew.repeat", n=2, first=number) in [w.value for w in at.warning]
    assert count(engine, ComplaintRow.unit_id == unit_id) == 2
    second = complaints.load(engine, ticket_number(at))
    assert (second.repeat_of, second.repeat_count, second.escalation.value) == (number, 2, "manager")


def test_the_same_form_sent_twice_registers_one_ticket(page_db, rooms):
    """A double tap (or the button pressed again: the form keeps its values) is not a second
    complaint, and above all not a 'repeat' escalated to the manager."""
    room, unit_id = rooms["fresh"][6]
    engine = page_db.engine
    at = open_page(engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    fill(at, complainant="李女士", phone="13912345678", content="垃圾桶满了没人清。")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    number = ticket_number(at)
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert ticket_number(at) == number
    assert t("cnew.repeat", n=2, first=number) not in [w.value for w in at.warning]
    assert count(engine, ComplaintRow.unit_id == unit_id) == 1
    # Changed content is a new complaint (here: the same matter again, so a repeat).
    by_label(at.text_area, t("field.content")).input("垃圾桶还是满的。")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert ticket_number(at) != number
    assert count(engine, ComplaintRow.unit_id == unit_id) == 2


# ---------------------------------------------------------------- complaint (one ticket)

@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "complaint")])
def test_ticket_renders_for_allowed_roles(page_db, rooms, role):
    number = new_ticket(page_db, rooms["fresh"][3].id)
    at = ok(open_page(page_db.engine, "complaint", role, n=number))
    assert {m.label: m.value for m in at.metric}[t("col.stage")] == t("stage.judge")
    assert at.subheader[0].value.startswith(number)


def test_ticket_refuses_trainer(run_page):
    refused(run_page, "complaint", "trainer")


def action_options(at: AppTest) -> list[str]:
    return by_label(at.radio, t("detail.actions")).options


def test_receiver_at_judge_is_offered_exactly_the_allowed_actions(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][3].id)
    at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    options = action_options(at)
    assert t("action.judge_valid") in options
    assert t("action.callback") not in options and t("action.close") not in options
    c = complaints.load(page_db.engine, number)
    assert options == [t(f"action.{a}") for a in allowed_actions(c, FRONTDESK)]
    # A manager may also sign off 'not valid' only once proposed: not offered here.
    at = ok(open_page(page_db.engine, "complaint", "manager", n=number))
    assert t("action.sign_off_invalid") not in action_options(at)


def test_judging_valid_moves_the_stage_in_the_store(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][4].id)
    at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    by_label(at.radio, t("detail.actions")).set_value("judge_valid")
    by_label(at.button, t("action.judge_valid")).click().run()
    ok(at)
    c = complaints.load(page_db.engine, number)
    assert c.stage == Stage.INVESTIGATE and c.valid is True and c.version == 2
    assert {m.label: m.value for m in at.metric}[t("col.stage")] == t("stage.investigate")
    assert t("action.investigate") in action_options(at)
    assert not at.warning  # the page follows its own save: no conflict
    timeline = at.dataframe[-1].value
    assert t("action.judge_valid") in timeline[t("col.action")].tolist()
    # People by name, not login: the receiver and whoever acted on the timeline.
    desk = users.get_account(page_db.engine, "frontdesk").display_name
    assert f"{desk} (frontdesk)" in [x.value for x in at.text]
    assert set(timeline[t("col.actor")]) == {f"{desk} (frontdesk)"}


def test_stale_version_is_refused_and_writes_nothing(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][5].id)
    engine = page_db.engine
    at = ok(open_page(engine, "complaint", "frontdesk", n=number))
    # Meanwhile another session records the root cause: same stage, new version.
    complaints.act(engine, number, 1, Actor("manager", Role.MANAGER), "record_root_cause",
                   root_cause="照明线路老化", prevention="每月巡检楼道照明")
    by_label(at.radio, t("detail.actions")).set_value("judge_valid")
    by_label(at.button, t("action.judge_valid")).click().run()
    assert not at.exception
    assert t("err.conflict") in [e.value for e in at.error]
    assert t("err.conflict") in [w.value for w in at.warning]
    c = complaints.load(engine, number)
    assert (c.stage, c.version, c.valid) == (Stage.JUDGE, 2, None)
    # Reloading takes the current version; then the action goes through.
    by_label(at.button, t("detail.reload")).click().run()
    assert not at.warning
    by_label(at.radio, t("detail.actions")).set_value("judge_valid")
    by_label(at.button, t("action.judge_valid")).click().run()
    ok(at)
    assert complaints.load(engine, number).stage == Stage.INVESTIGATE


def test_unknown_number_is_not_found(page_db):
    at = open_page(page_db.engine, "complaint", "frontdesk", n="TS-19990101-0001")
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.complaint_unknown", number="TS\\-19990101\\-0001")]
    assert not at.metric and not at.main.radio


def test_ticket_of_another_project_is_not_found_for_frontdesk(page_db):
    with page_db.engine.connect() as conn:
        number = conn.scalar(select(ComplaintRow.number).where(ComplaintRow.project_id != page_db.batch_project)
                             .order_by(ComplaintRow.id).limit(1))
    at = open_page(page_db.engine, "complaint", "frontdesk", n=number)
    assert [e.value for e in at.error] == [t("err.complaint_unknown", number=md_plain(number))]
    ok(open_page(page_db.engine, "complaint", "manager", n=number))


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "<img src=x onerror=1>", "[x](javascript:1)"])
def test_html_typed_as_a_number_stays_text(page_db, typed):
    at = open_page(page_db.engine, "complaint", "frontdesk", n=typed)
    assert not at.exception
    shown = typed[:20].strip().upper()  # the field keeps 20 characters
    assert [e.value for e in at.error] == [t("err.complaint_unknown", number=md_plain(shown))]
    assert not at.get("html")


def test_no_number_asks_for_one(run_page):
    at = run_page("complaint", "frontdesk")
    assert not at.exception and not at.error
    assert [i.value for i in at.info] == [t("detail.none")]


# ---------------------------------------------------------------- complaint_board

def shown_counts(at):
    return {m.label: m.value for m in at.metric}


def stage_totals(at) -> int:
    """The count in each stage column's heading: '**判定** · 3'."""
    heads = [m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value]
    return sum(int(h.rsplit(" · ", 1)[1]) for h in heads)


@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "complaint_board")])
def test_board_figures_match_the_store(page_db, user_of, role):
    at = ok(open_page(page_db.engine, "complaint_board", role))
    user = user_of(role)
    want = complaint_views.board_counts(page_db.engine, utcnow(), user.project_ids)
    assert shown_counts(at) == {t(f"board.{k}"): str(v) for k, v in want.items()}
    assert stage_totals(at) == want["open"]


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "complaint_board")])
def test_board_refuses(run_page, role):
    refused(run_page, "complaint_board", role)


def test_board_category_filter_narrows_the_cards(page_db):
    at = ok(open_page(page_db.engine, "complaint_board", "manager"))
    everything = stage_totals(at)
    by_label(at.selectbox, t("field.category")).select("repairs").run()
    ok(at)
    repairs = complaint_views.board(page_db.engine, utcnow(), None, None, "repairs", None)
    assert 0 < stage_totals(at) == len(repairs) < everything
    cards = [m.value for m in at.markdown if m.value.startswith(":") and " · " in m.value]
    assert cards and all(c.endswith(t("category.repairs")) for c in cards)


def test_manager_sees_the_escalations_frontdesk_does_not(page_db):
    escalations = complaint_views.escalations(page_db.engine, None)
    assert not escalations.empty
    at = ok(open_page(page_db.engine, "complaint_board", "manager"))
    assert f"**{t('board.escalations')}**" in [m.value for m in at.markdown]
    labels = {p.proto.label for p in at.get("page_link")}
    for r in escalations.itertuples():
        assert f"{r.number} · {t(f'escalation.{r.escalation}')} · {t(f'category.{r.category}')}" in labels
    at = ok(open_page(page_db.engine, "complaint_board", "frontdesk"))
    assert f"**{t('board.escalations')}**" not in [m.value for m in at.markdown]


def test_wall_mode_hides_the_filters(page_db):
    at = ok(open_page(page_db.engine, "complaint_board", "frontdesk"))
    at.toggle(key="board_wall").set_value(True).run()
    ok(at)
    assert not at.title and not at.selectbox
    assert len(at.metric) == 5


# ---------------------------------------------------------------- complaint_analysis

@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "complaint_analysis")])
def test_analysis_figures(page_db, run_page, role):
    at = ok(run_page("complaint_analysis", role))
    shown = shown_counts(at)
    assert set(shown) == {t(k) for k in ("analysis.received", "analysis.breach_rate",
                                          "analysis.callback_coverage", "analysis.satisfaction")}
    today = local_today()
    since = datetime.combine(today - timedelta(days=365), time(0), CHINA)
    until = datetime.combine(today + timedelta(days=1), time(0), CHINA)
    received = count(page_db.engine, ComplaintRow.received_at >= since, ComplaintRow.received_at < until)
    assert shown[t("analysis.received")] == f"{received:,}"
    assert t("analysis.def") in [c.value for c in at.caption]


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "complaint_analysis")])
def test_analysis_refuses(run_page, role):
    refused(run_page, "complaint_analysis", role)


def test_analysis_group_by_switch(run_page):
    at = ok(run_page("complaint_analysis", "manager"))
    received = shown_counts(at)[t("analysis.received")]
    for by in ("month", "building", "department", "category"):
        by_label(at.selectbox, t("analysis.by")).select(by).run()
        ok(at)
        table = at.dataframe[0].value
        assert t(f"analysis.by.{by}") in table.columns
        assert f"{int(table[t('analysis.received')].sum()):,}" == received  # every grouping counts them all
    by_label(at.selectbox, t("analysis.by")).select("month").run()
    months = at.dataframe[0].value[t("analysis.by.month")].tolist()
    assert months == sorted(months) and len(months) >= 12


def test_analysis_empty_range(run_page):
    at = ok(run_page("complaint_analysis", "manager"))
    at.date_input[0].set_value((date(2017, 1, 1), date(2017, 1, 31))).run()
    ok(at)
    assert [i.value for i in at.info] == [t("analysis.empty")]
    assert not at.metric and not at.dataframe
