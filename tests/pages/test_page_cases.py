"""Case library and training pages: search, reading (projector mode), trainers' drafts, and
training sessions with their handout."""
from __future__ import annotations

from html import escape

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role, can_open
from core.i18n import translate
from db.case_models import CaseRow, TrainingSession
from page_helpers import ROLES
from services import cases, training
from ui.widgets import md_plain

t = translate
CASE_ROLES = [r for r in ROLES if can_open(r, "cases")]
NOT_CASE_ROLES = [r for r in ROLES if not can_open(r, "cases")]
READER = Actor("reader", Role.MANAGER)      # the published library
TRAINER = Actor("trainer", Role.TRAINER)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def refused(run_page, page: str, role: str) -> None:
    at = run_page(page, role)
    assert not at.exception
    assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]
    assert not at.title and not at.text_input


def by_label(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, (label, [e.label for e in elements])
    return found[0]


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


@pytest.fixture(scope="module")
def power_cut(page_db):
    with page_db.engine.connect() as conn:
        case_id = conn.scalar(select(CaseRow.id).where(CaseRow.slug == "power-cut-front-back-office"))
    assert case_id is not None
    return cases.get(page_db.engine, READER, case_id)


def search(run_page, role: str, query: str) -> AppTest:
    at = run_page("cases", role)
    at.text_input(key="case_q").input(query).run()
    return ok(at)


def listed_titles(at: AppTest) -> list[str]:
    """Titles of the result cards, in order (each card shows its title as plain text), on the
    browse tab (the reference cards' tab shows its bodies as text too)."""
    return [x.value for x in at.tabs[0].text]


# ---------------------------------------------------------------- cases

@pytest.mark.parametrize("role", CASE_ROLES)
def test_library_renders_for_allowed_roles(page_db, run_page, role):
    at = ok(run_page("cases", role))
    assert [x.value for x in at.title] == [t("page.cases")]
    editor = can(role, Capability.EDIT_CASES)
    visible = cases.search(page_db.engine, Actor(role, role), limit=500)  # drafts: editors only
    assert t("cases.results", n=len(visible)) in [c.value for c in at.caption]
    assert listed_titles(at) == visible["title"].tolist()
    assert (t("cases.tab.edit") in tab_labels(at)) is editor


@pytest.mark.parametrize("role", NOT_CASE_ROLES)
def test_library_refuses_supervisor_and_frontdesk(run_page, role):
    refused(run_page, "cases", role)


def test_search_for_a_power_cut_lists_that_case_first(run_page, power_cut):
    at = search(run_page, "manager", "停电")
    titles = listed_titles(at)
    assert titles and titles[0] == power_cut["title"]


def test_search_with_no_hit_says_so(run_page):
    at = search(run_page, "trainer", "琥珀猫头鹰")   # words in no case at all
    assert [i.value for i in at.info] == [t("cases.none")]
    assert not listed_titles(at)


def open_case(run_page, role: str, case_id: int) -> AppTest:
    at = run_page("cases", role)
    at.button(key=f"open_{case_id}").click().run()
    return ok(at)


def test_opening_a_case_shows_its_questions(run_page, power_cut):
    assert power_cut["questions"]
    at = open_case(run_page, "manager", power_cut["id"])
    assert [h.value for h in at.header] == [power_cut["title"]]
    heads = [s.value for s in at.subheader]
    assert t("cases.story") in heads and t("cases.questions") in heads
    shown = "\n".join(m.value for m in at.markdown)
    for i, q in enumerate(power_cut["questions"], start=1):
        assert md_plain(f"{i}. {q}") in shown
    # Back to the list.
    at.button(key="case_back").click().run()
    ok(at)
    assert at.text_input(key="case_q") is not None and not at.header


def test_projector_mode_shows_the_same_text_large(run_page, power_cut):
    at = open_case(run_page, "trainer", power_cut["id"])
    at.toggle(key="projector").set_value(True).run()
    ok(at)
    blocks = [h.proto.body for h in at.get("html")]
    assert any(escape(power_cut["story"]) in b for b in blocks)
    assert any(escape(power_cut["questions"][0]) in b for b in blocks)
    assert "font-size:1.7rem" in blocks[0]
    assert t("cases.questions") in [s.value for s in at.subheader]


DRAFT_TITLE = "测试草稿：电梯困人后的回访"


def test_trainer_saves_a_new_draft_that_a_manager_does_not_see(page_db, run_page):
    engine = page_db.engine
    with engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(CaseRow))
    at = ok(run_page("cases", "trainer"))
    assert t("cases.tab.edit") in tab_labels(at)
    assert at.selectbox(key="case_edit_pick").value is None  # a new case
    by_label(at.text_input, t("field.case_title")).input(DRAFT_TITLE)
    by_label(at.text_area, t("field.case_story")).input("业主被困电梯二十分钟，事后无人回访。<b>不是HTML</b>")
    by_label(at.text_area, t("cases.questions")).input("谁应该回访？\n回访时说什么？")
    by_label(at.button, t("cases.save")).click().run()
    ok(at)
    assert [s.value for s in at.success] == [t("cases.saved")]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CaseRow)) == before + 1
        row = conn.execute(select(CaseRow.id, CaseRow.status, CaseRow.questions, CaseRow.created_by)
                           .where(CaseRow.title == DRAFT_TITLE)).one()
    assert (row.status, row.questions, row.created_by) == ("draft", ["谁应该回访？", "回访时说什么？"], "trainer")

    # The trainer finds the draft; a manager does not, and cannot open it by its button.
    at = search(run_page, "trainer", "电梯困人")
    assert DRAFT_TITLE in listed_titles(at)
    at = search(run_page, "manager", "电梯困人")
    assert DRAFT_TITLE not in listed_titles(at)
    assert not [b for b in at.button if b.key == f"open_{row.id}"]
    assert t("cases.tab.edit") not in tab_labels(at)
    # Opened anyway (a stale session value), the draft is refused as unknown.
    at = run_page("cases", "manager")
    at.session_state["case_open"] = row.id
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.case_unknown")]


def test_empty_title_is_refused(page_db, run_page):
    with page_db.engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(CaseRow))
    at = ok(run_page("cases", "admin"))
    by_label(at.text_area, t("field.case_story")).input("有内容但没有标题")
    by_label(at.button, t("cases.save")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.required", field="case_title")]
    with page_db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CaseRow)) == before


# ---------------------------------------------------------------- training

TRAINING_ROLES = [r for r in ROLES if can_open(r, "training")]


@pytest.mark.parametrize("role", TRAINING_ROLES)
def test_training_renders_with_the_demo_session(page_db, run_page, role):
    at = ok(run_page("training", role))
    sessions = training.sessions(page_db.engine, TRAINER)
    assert len(sessions) >= 1
    shown = at.dataframe[0].value
    assert shown[t("training.title")].tolist() == sessions["title"].tolist()
    # The handout is printed as PDF now (ui/document_views): trainee, trainer, sign-in sheet.
    labels = [b.label for b in at.get("download_button")]
    assert [t("docs.handout_trainee"), t("docs.handout_trainer"), t("docs.sign_in")] == labels[:3]


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "training")])
def test_training_refuses(run_page, role):
    refused(run_page, "training", role)


def session_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(TrainingSession))


def new_session(at: AppTest, title: str, case_ids=(), attendees=()) -> AppTest:
    by_label(at.text_input, t("training.title")).input(title)
    by_label(at.multiselect, t("training.cases")).set_value(list(case_ids))
    by_label(at.multiselect, t("training.attendees")).set_value(list(attendees))
    by_label(at.button, t("training.create")).click().run()
    return at


def test_session_without_cases_is_refused(page_db, run_page):
    before = session_count(page_db.engine)
    at = new_session(run_page("training", "trainer"), "没有案例的培训", attendees=["frontdesk"])
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.session_no_cases")]
    assert not at.success
    assert session_count(page_db.engine) == before


def test_good_session_is_listed_with_its_handout(page_db, run_page, power_cut):
    before = session_count(page_db.engine)
    at = new_session(run_page("training", "trainer"), "停电投诉复盘", case_ids=[power_cut["id"]],
                     attendees=["frontdesk", "supervisor"])
    ok(at)
    assert [s.value for s in at.success] == [t("training.created")]
    assert session_count(page_db.engine) == before + 1
    assert "停电投诉复盘" in at.dataframe[0].value[t("training.title")].tolist()
    # The handout of the new session (today's, so listed first) carries the case.
    picker = by_label(at.selectbox, t("training.pick_session"))
    new_id = int(training.sessions(page_db.engine, TRAINER).query("title == '停电投诉复盘'")["id"].iloc[0])
    picker.set_value(new_id).run()
    ok(at)
    button = next(b for b in at.get("download_button") if b.label == t("docs.handout_trainee"))
    assert button.proto.label == t("docs.handout_trainee")
    attendance = at.dataframe[-1].value
    assert {"frontdesk", "supervisor"} <= set(attendance[t("training.col.username")])


def test_two_editors_of_one_case_the_second_is_told_and_shown_the_first_ones_text(page_db, run_page):
    """The version check of the case editor fires: the editor who saves second is refused, keeps
    what they typed in the form, and sees the text the first one saved."""
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from core.cases.model import CaseDraft
    from services import cases as case_service

    trainer = Actor("trainer", Role.TRAINER)
    case_id = case_service.save(page_db.engine, trainer, CaseDraft(title="并发编辑案例", story="第一版内容",
                                                                    kind="complaint", status="draft"))
    first = run_page("cases", "trainer")
    first.selectbox(key="case_edit_pick").select(case_id).run()
    second = run_page("cases", "admin")
    second.selectbox(key="case_edit_pick").select(case_id).run()
    by_label(first.text_area, t("field.case_story")).input("甲保存的内容")
    by_label(first.button, t("cases.save")).click().run()
    assert [s.value for s in first.success] == [t("cases.saved")]
    by_label(second.text_area, t("field.case_story")).input("乙想保存的内容")
    by_label(second.button, t("cases.save")).click().run()
    assert not second.exception
    assert t("err.conflict") in [e.value for e in second.error] + [w.value for w in second.warning]
    assert "甲保存的内容" in [x.value for x in second.text]
    assert case_service.get(page_db.engine, trainer, case_id)["story"] == "甲保存的内容"
