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
from services import users
from db.models import ComplaintRow, Unit
from page_helpers import APP, ROLES, TIMEOUT, current_user
from services import complaints
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
READS_ALL = Actor("reader", Role.MANAGER)


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
            .order_by(Unit.id.desc()).limit(10)).all()
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
    saved = complaints.load(engine, READS_ALL, number)
    assert (saved.unit_id, saved.category.value, saved.receiver, saved.stage) == (unit_id, "repairs", "frontdesk",
                                                                                  Stage.JUDGE)
    assert count(engine, ComplaintRow.unit_id == unit_id) == 1

    # The same unit and matter again: the form puts the first beside it and asks; the receiver
    # confirms the same problem (the words alone, "还是漏水", are too few to tell): 第2次, linked, escalated.
    at = open_page(engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    assert [w.value for w in at.warning] == [t("cnew.unit_open", n=1)]
    fill(at, complainant="王先生", phone="13812345678", content="还是漏水，没人来修。")
    by_label(at.selectbox, t("field.category")).select("repairs")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert t("cnew.same_question") in [w.value for w in at.warning] and not at.success
    assert count(engine, ComplaintRow.unit_id == unit_id) == 1            # nothing saved before the answer
    shown = [x.value for x in at.text]
    assert "卫生间漏水，楼下天花板滴水。" in shown and "还是漏水，没人来修。" in shown   # both, side by side
    question = by_label(at.radio, t("cnew.same_pick"))
    assert question.options == [t("cnew.same_as", number=number), t("cnew.same_none")]
    assert question.value == ""                                            # not alike enough to preselect
    question.set_value(number).run()
    by_label(at.button, t("cnew.confirm")).click().run()
    ok(at)
    assert t("cnew.repeat", n=2, first=number) in [w.value for w in at.warning]
    assert count(engine, ComplaintRow.unit_id == unit_id) == 2
    second = complaints.load(engine, READS_ALL, ticket_number(at))
    assert (second.repeat_of, second.repeat_count, second.escalation.value) == (number, 2, "manager")


def test_another_matter_on_the_same_unit_is_history_only(page_db, rooms):
    """Issue 12: a leaking ceiling weeks after a power cut, both "repairs", is not 第2次."""
    room, unit_id = rooms["fresh"][8]
    engine = page_db.engine
    first = new_ticket(page_db, unit_id)                                   # 楼道灯坏了三天。
    at = open_page(engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    fill(at, complainant="王先生", phone="13812345678", content="卫生间天花板渗水，已经滴了三天。")
    by_label(at.selectbox, t("field.category")).select("repairs")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    question = by_label(at.radio, t("cnew.same_pick"))
    assert question.options == [t("cnew.same_as", number=first), t("cnew.same_none")]
    assert question.value == ""                                            # another matter is proposed
    by_label(at.button, t("cnew.confirm")).click().run()
    ok(at)
    assert t("cnew.history_only") in [i.value for i in at.info]
    assert t("cnew.repeat", n=2, first=first) not in [w.value for w in at.warning]
    leak = complaints.load(engine, READS_ALL, ticket_number(at))
    assert (leak.repeat_of, leak.repeat_count, leak.escalation.value) == (None, 1, "none")
    # The unit's history shows both on the next registration.
    at = open_page(engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    assert set(at.dataframe[0].value[t("col.number")]) == {first, leak.number}


def test_a_matter_that_reads_alike_is_proposed_as_the_same(page_db, rooms):
    room, unit_id = rooms["fresh"][9]
    engine = page_db.engine
    first = new_ticket(page_db, unit_id)                                   # 楼道灯坏了三天。
    at = open_page(engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(room).run()
    fill(at, complainant="王先生", phone="13812345678", content="楼道灯还是坏的，晚上看不见。")
    by_label(at.selectbox, t("field.category")).select("repairs")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert t("cnew.same_suggested") in [c.value for c in at.caption]
    assert by_label(at.radio, t("cnew.same_pick")).value == first
    by_label(at.button, t("cnew.confirm")).click().run()
    ok(at)
    second = complaints.load(engine, READS_ALL, ticket_number(at))
    assert (second.repeat_of, second.repeat_count, second.escalation.value) == (first, 2, "manager")
    assert count(engine, ComplaintRow.unit_id == unit_id) == 2


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
    # Changed content is a new complaint (here: the same matter again, so a repeat, once confirmed).
    by_label(at.text_area, t("field.content")).input("垃圾桶还是满的。")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert by_label(at.radio, t("cnew.same_pick")).value == number        # the words read alike
    by_label(at.button, t("cnew.confirm")).click().run()
    ok(at)
    assert ticket_number(at) != number
    assert count(engine, ComplaintRow.unit_id == unit_id) == 2
    # ...and that confirmed entry sent again is still one ticket
    again = ticket_number(at)
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    assert ticket_number(at) == again and count(engine, ComplaintRow.unit_id == unit_id) == 2


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
    c = complaints.load(page_db.engine, READS_ALL, number)
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
    c = complaints.load(page_db.engine, READS_ALL, number)
    assert c.stage == Stage.INVESTIGATE and c.valid is True and c.version == 2
    assert {m.label: m.value for m in at.metric}[t("col.stage")] == t("stage.investigate")
    assert t("action.investigate") in action_options(at)
    assert not at.warning  # the page follows its own save: no conflict
    timeline = at.dataframe[-1].value
    assert t("action.judge_valid") in timeline[t("col.action")].tolist()
    # People by name, not login: the receiver and whoever acted on the timeline.
    desk = users.get_account(page_db.engine, "frontdesk").display_name
    assert desk in [x.value for x in at.text]
    assert set(timeline[t("col.actor")]) == {desk}                 # the name, never the login
    assert not any("frontdesk" in x.value for x in at.text)


def test_stale_version_is_refused_and_writes_nothing(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][5].id)
    engine = page_db.engine
    at = ok(open_page(engine, "complaint", "frontdesk", n=number))
    # Meanwhile another session records the root cause: same stage, new version.
    complaints.act(engine, Actor("manager", Role.MANAGER), number, 1, "record_root_cause",
                   root_cause="照明线路老化", prevention="每月巡检楼道照明")
    by_label(at.radio, t("detail.actions")).set_value("judge_valid")
    by_label(at.button, t("action.judge_valid")).click().run()
    assert not at.exception
    assert t("err.conflict") in [e.value for e in at.error]
    assert t("err.conflict") in [w.value for w in at.warning]
    c = complaints.load(engine, READS_ALL, number)
    assert (c.stage, c.version, c.valid) == (Stage.JUDGE, 2, None)
    # Reloading takes the current version; then the action goes through.
    by_label(at.button, t("detail.reload")).click().run()
    assert not at.warning
    by_label(at.radio, t("detail.actions")).set_value("judge_valid")
    by_label(at.button, t("action.judge_valid")).click().run()
    ok(at)
    assert complaints.load(engine, READS_ALL, number).stage == Stage.INVESTIGATE


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


def test_a_closed_ticket_becomes_a_draft_case_once_for_who_may(page_db):
    from db.case_models import CaseRow

    engine = page_db.engine
    with engine.connect() as conn:
        number = conn.scalar(select(ComplaintRow.number).where(ComplaintRow.stage == "closed")
                             .order_by(ComplaintRow.id.desc()).limit(1))
        drafts = conn.scalar(select(func.count()).select_from(CaseRow))
    at = ok(open_page(engine, "complaint", "manager", n=number))
    for _tap in range(2):                          # the same button tapped twice: one draft
        by_label(at.button, t("cases.from_complaint")).click().run()
        ok(at)
        assert [s.value for s in at.success] == [t("cases.from_complaint_done")]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CaseRow)) == drafts + 1
    # Front desk may not turn complaints into cases: no button (and the service would refuse).
    with engine.connect() as conn:
        own = conn.scalar(select(ComplaintRow.number).where(
            ComplaintRow.stage == "closed", ComplaintRow.project_id == page_db.batch_project).limit(1))
    at = ok(open_page(engine, "complaint", "frontdesk", n=own))
    assert t("cases.from_complaint") not in [b.label for b in at.button]


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
    want = complaints.counts(page_db.engine, user.actor)
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
    repairs = complaints.board(page_db.engine, READS_ALL, category="repairs")
    assert 0 < stage_totals(at) == len(repairs) < everything
    cards = [m.value for m in at.markdown if m.value.startswith(":") and " · " in m.value]
    assert cards and all(c.endswith(t("category.repairs")) for c in cards)


def test_board_person_filter_offers_people_by_name_and_narrows_the_cards(page_db):
    at = ok(open_page(page_db.engine, "complaint_board", "manager"))
    everything = stage_totals(at)
    names = users.staff_names(page_db.engine, active_only=True)
    pick = by_label(at.selectbox, t("board.handler"))
    assert pick.options == [t("board.all"), *sorted(names.values())]       # names, never logins
    handled = complaints.board(page_db.engine, READS_ALL)["handler"].dropna()
    person = handled.value_counts().index[0]                               # a demo handler (project staff)
    pick.select(person).run()
    ok(at)
    theirs = complaints.board(page_db.engine, READS_ALL, handler=person)
    assert 0 < stage_totals(at) == len(theirs) < everything


def test_board_cards_name_the_receiver_not_their_login(page_db):
    at = ok(open_page(page_db.engine, "complaint_board", "manager"))
    names = users.staff_names(page_db.engine)
    shown = [e.value for e in at.text]
    receivers = {r.receiver for r in complaints.board(page_db.engine, READS_ALL).itertuples()}
    assert receivers and receivers <= set(names)
    assert not receivers & set(shown), "a card shows a login instead of the person"
    assert any(s.startswith(names[r]) for r in receivers for s in shown)


def test_manager_sees_the_escalations_frontdesk_does_not(page_db):
    escalations = complaints.escalations(page_db.engine, READS_ALL)
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
    # the toggle opens the wall view (?wall=1, tests/pages/test_page_complaint_wall.py): no filters
    assert at.query_params["wall"] == "1" and [x.value for x in at.title] == [t("wall.title")]
    assert not at.selectbox and not at.toggle


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


# ---------------------------------------------------------------- issue 14: the desk's ticket and registration

STEPS = [(Stage.JUDGE, "judge_valid", {}), (Stage.INVESTIGATE, "investigate", {"cause": "楼顶防水层开裂。"}),
         (Stage.ASSIGN, "assign", {"department": "工程部", "handler": "admin"}),
         (Stage.PROPOSE, "propose", {"options": ["重做防水"]}), (Stage.AGREE, "agree", {"steps": "周四上午重做防水。"}),
         (Stage.IMPLEMENT, "implement", {"record": "已重做防水。"}), (Stage.FEEDBACK, "feedback", {"confirmed": True})]


def drive(page_db, number: str, until: Stage) -> None:
    """The ticket taken by its receiver along the method until it waits at `until`."""
    engine = page_db.engine
    for home, action, data in STEPS:
        c = complaints.load(engine, READS_ALL, number)
        if c.stage == until:
            return
        if c.stage != home:
            continue
        if action == "agree":
            data = {**data, "agreed_at": datetime.now(CHINA) + timedelta(days=2)}
        complaints.act(engine, FRONTDESK, number, c.version, action, **data)
    assert complaints.load(engine, READS_ALL, number).stage == until


def test_a_blocked_close_lists_each_missing_condition_with_the_way_to_supply_it(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][7].id)
    drive(page_db, number, Stage.CALLBACK)
    at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    assert t("detail.close_blocked") in [w.value for w in at.warning]
    lines = [m.value for m in at.markdown if m.value.startswith(":red[✗]")]
    assert lines == [f":red[✗] {t('close.need_callback')}", f":red[✗] {t('close.need_root_cause')}"]
    # The receiver may not call back: who can is said; the root cause has a button that opens its form.
    assert t("close.hint_colleague") in [c.value for c in at.caption]
    assert at.button(key=f"close_blocked_{number}").disabled
    # The default action is the step closing needs from this person, not "pause the clock".
    assert by_label(at.radio, t("detail.actions")).value == "record_root_cause"
    by_label(at.radio, t("detail.actions")).set_value("flag_red_line").run()
    at.button(key=f"close_goto_{number}_close.need_root_cause").click().run()
    ok(at)
    assert by_label(at.radio, t("detail.actions")).value == "record_root_cause"
    assert t("field.root_cause") in [a.label for a in at.text_area]


def test_the_default_action_is_the_stage_step_never_pause(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][7].id, category="cleaning")
    for stage in (Stage.JUDGE, Stage.INVESTIGATE, Stage.FEEDBACK):
        drive(page_db, number, stage)
        at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
        chosen = by_label(at.radio, t("detail.actions")).value
        assert chosen != "pause" and chosen == {"judge": "judge_valid", "investigate": "investigate",
                                                "feedback": "feedback"}[stage.value]
    # At the feedback stage the close action is already shown, with what it waits for.
    assert t("detail.close_title") in " ".join(m.value for m in at.markdown)
    assert f":red[✗] {t('close.need_confirmation')}" in [m.value for m in at.markdown]


def test_a_call_back_inserts_a_canned_reply_into_its_notes(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][7].id, category="repairs")
    drive(page_db, number, Stage.CALLBACK)
    at = ok(open_page(page_db.engine, "complaint", "manager", n=number))
    assert by_label(at.radio, t("detail.actions")).value == "callback"
    pick = by_label(at.selectbox, t("replies.pick"))
    from services import canned_replies
    offered = canned_replies.for_action(page_db.engine, READS_ALL, "callback", "repairs")
    assert pick.value == offered[0].id
    at.button(key=f"reply_insert_callback_{number}m").click().run()
    ok(at)
    assert by_label(at.text_area, t("field.comment")).value == offered[0].body
    # A second wording goes after the first, on its own line; then the text is edited and saved.
    by_label(at.selectbox, t("replies.pick")).set_value(offered[1].id).run()
    at.button(key=f"reply_insert_callback_{number}m").click().run()
    assert by_label(at.text_area, t("field.comment")).value == offered[0].body + "\n" + offered[1].body
    by_label(at.text_area, t("field.comment")).input(offered[0].body + "\n客户很满意。")
    [b for b in at.button if b.label == t("action.callback")][-1].click().run()   # the form's (the first: closing's)
    ok(at)
    saved = complaints.load(page_db.engine, READS_ALL, number)
    assert saved.callbacks[-1].comment == offered[0].body + "\n客户很满意。"


def test_the_timeline_shows_no_raw_key(page_db, rooms):
    number = complaints.register(page_db.engine, FRONTDESK, unit_id=rooms["fresh"][7].id,
                                 project_id=page_db.batch_project, channel="walk_in", complainant="测试业主",
                                 phone="13812345678", content="记者在小区门口拍了漏水的照片。", category="repairs",
                                 red_lines=("media",))
    c = complaints.load(page_db.engine, READS_ALL, number)
    complaints.act(page_db.engine, FRONTDESK, number, c.version, "pause", reason="customer", note="客户出差")
    for lang in ("zh", "en"):
        at = open_page(page_db.engine, "complaint", "frontdesk", n=number)
        at.session_state["lang"] = lang
        ok(at.run())
        timeline = at.dataframe[-1].value
        cells = [str(v) for col in timeline.columns for v in timeline[col]]
        assert "—" in timeline[translate("col.stage", lang)].tolist()      # the red-line event moved no stage
        assert not [v for v in cells if re.search(r"\b(stage|action)\.\w+|\bnan\b|\bNone\b", v)], cells


def unit_with_owner(page_db, rooms, i: int):
    from db.models import UnitOwner
    room, unit_id = rooms["fresh"][i]
    with page_db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(UnitOwner).where(UnitOwner.unit_id == unit_id))
    return room, unit_id


def test_the_unit_history_opens_with_open_tickets_in_china_time(page_db, rooms):
    room, unit_id = rooms["fresh"][7]
    at = ok(open_page(page_db.engine, "complaint_new", "frontdesk"))
    at.text_input(key="cnew_room").input(room).run()
    ok(at)
    opened = [c for c in complaints.unit_history(page_db.engine, READS_ALL, unit_id)[0].itertuples()
              if c.stage != "closed"]
    links = {p.proto.label for p in at.get("page_link")}
    assert opened and {c.number for c in opened} <= links
    table = at.dataframe[0].value
    for shown in table[t("col.received_at")]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", shown), shown     # no "+00:00", no seconds
    first = max(opened, key=lambda c: c.received_at)
    from ui.fmt import local
    assert local(first.received_at) in table[t("col.received_at")].tolist()
    assert any(local(first.received_at) in c.value for c in at.caption)


def test_the_owner_is_prefilled_and_editable(page_db, rooms):
    room, unit_id = unit_with_owner(page_db, rooms, 0)
    owner = complaints.unit_caller(page_db.engine, FRONTDESK, unit_id)
    at = ok(open_page(page_db.engine, "complaint_new", "frontdesk"))
    at.text_input(key="cnew_room").input(room).run()
    assert (by_label(at.text_input, t("field.complainant")).value, by_label(at.text_input, t("field.phone")).value) \
        == owner and owner[0]
    # A tenant calls: the name is changed before saving, and what is saved is what was typed.
    fill(at, complainant="租户刘先生", content="楼上装修太吵。")
    by_label(at.selectbox, t("field.category")).select("neighbours")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    saved = complaints.load(page_db.engine, READS_ALL, ticket_number(at))
    assert (saved.complainant, saved.phone, saved.unit_id) == ("租户刘先生", owner[1], unit_id)
    # The supervisor sees numbers masked: the name is prefilled, the phone left for the caller to give.
    at = ok(open_page(page_db.engine, "complaint_new", "supervisor"))
    at.text_input(key="cnew_room").input(room).run()
    assert by_label(at.text_input, t("field.phone")).value == ""
    assert by_label(at.text_input, t("field.complainant")).value == owner[0]


def test_every_wrong_field_is_named_at_once_beside_it(page_db, rooms):
    before = count(page_db.engine)
    at = ok(open_page(page_db.engine, "complaint_new", "frontdesk"))
    at.text_input(key="cnew_room").input(rooms["fresh"][1].room_no).run()
    fill(at, complainant="", phone="1381234", content="")
    by_label(at.selectbox, t("field.channel")).select("relayed")
    by_label(at.button, t("cnew.submit")).click().run()
    assert not at.exception and not at.success
    assert sorted(e.value for e in at.error) == sorted([
        t("err.required", field="relayed_by"), t("err.required", field="complainant"), t("err.phone_format"),
        t("err.required", field="content")])
    assert count(page_db.engine) == before
    # What was typed stays for correcting, and people's ways of writing a phone are taken.
    assert by_label(at.text_input, t("field.phone")).value == "1381234"
    fill(at, complainant="王先生", phone="+86 138-1234-5678", content="门禁卡失灵。")
    by_label(at.text_input, t("field.relayed_by")).input("保安小李")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    saved = complaints.load(page_db.engine, READS_ALL, ticket_number(at))
    assert saved.phone == "13812345678" and saved.relayed_by == "保安小李"


def test_save_and_register_the_next_keeps_channel_and_relayer(page_db, rooms):
    room, unit_id = rooms["fresh"][4]
    engine = page_db.engine
    before = count(engine, ComplaintRow.unit_id == unit_id)
    at = ok(open_page(engine, "complaint_new", "frontdesk"))
    at.text_input(key="cnew_room").input(room).run()
    by_label(at.selectbox, t("field.channel")).select("relayed")
    by_label(at.text_input, t("field.relayed_by")).input("保洁阿姨")
    fill(at, complainant="王先生", phone="138 1234 5678", content="电梯按钮失灵。")
    by_label(at.selectbox, t("field.category")).select("greening")
    by_label(at.button, t("cnew.submit_next")).click().run()
    ok(at)
    if t("cnew.confirm") in [b.label for b in at.button]:    # an earlier ticket of the unit: "another matter"
        by_label(at.radio, t("cnew.same_pick")).set_value("").run()
        by_label(at.button, t("cnew.confirm")).click().run()
        ok(at)
    assert count(engine, ComplaintRow.unit_id == unit_id) == before + 1
    number = re.search(r"TS-\d{8}-\d{4}", at.success[0].value).group(0)
    assert at.success[0].value == t("cnew.done_next", number=number)
    assert t("cnew.open_ticket_n", number=number) in {p.proto.label for p in at.get("page_link")}
    assert by_label(at.selectbox, t("field.channel")).value == "relayed"
    assert by_label(at.text_input, t("field.relayed_by")).value == "保洁阿姨"
    assert at.text_input(key="cnew_room").value == ""
    assert by_label(at.text_input, t("field.complainant")).value == ""
    assert by_label(at.text_area, t("field.content")).value == ""
    assert by_label(at.selectbox, t("field.category")).value == "service"         # the next caller's own, from the top
    assert complaints.load(engine, READS_ALL, number).category.value == "greening"


# ---------------------------------------------------------------- replies (统一说词)

def test_a_manager_edits_a_wording_on_the_replies_page(page_db):
    from services import canned_replies
    engine = page_db.engine
    at = ok(open_page(engine, "replies", "manager"))
    assert [x.value for x in at.title] == [t("page.replies")]
    library = canned_replies.all_replies(engine, READS_ALL)
    assert len(at.dataframe[0].value) == len(library)
    target = library[0]
    by_label(at.selectbox, t("replies.pick_edit")).set_value(target.id).run()
    by_label(at.text_area, t("replies.body")).input(target.body + "祝您生活愉快。")
    # Meanwhile another manager saves the same wording: this save is refused, nothing overwritten.
    canned_replies.save_reply(engine, Actor("admin", Role.ADMIN), reply_id=target.id, expected_version=target.version,
                              situation=target.situation, category=target.category, title=target.title,
                              body="管理员的新版本。")
    by_label(at.button, t("replies.save")).click().run()
    assert not at.exception and t("err.conflict") in [e.value for e in at.error]
    now = next(r for r in canned_replies.all_replies(engine, READS_ALL) if r.id == target.id)
    assert now.body == "管理员的新版本。"
    by_label(at.button, t("detail.reload")).click().run()
    by_label(at.text_area, t("replies.body")).input("管理员的新版本。祝您生活愉快。")
    by_label(at.button, t("replies.save")).click().run()
    ok(at)
    assert [s.value for s in at.success] == [t("replies.saved")]
    assert next(r for r in canned_replies.all_replies(engine, READS_ALL) if r.id == target.id).body == \
        "管理员的新版本。祝您生活愉快。"


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "replies")])
def test_the_replies_page_refuses(run_page, role):
    refused(run_page, "replies", role)
