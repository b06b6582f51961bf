"""Search on the pages: the case library's search box shows each hit with a snippet whose matched
words are bold and whose user text (markdown, HTML) shows as typed; the complaint search page finds
a ticket by the words of its content and links to it; roles without it are refused."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.auth.actor import Actor
from core.auth.roles import Role
from core.cases.model import CaseDraft
from core.search.rank import escape_markdown
from core.i18n import translate
from services import cases
from services import complaints as svc
from db.models import Unit
from sqlalchemy import select
from page_helpers import APP, TIMEOUT, current_user

t = translate
TRAINER = Actor("trainer", Role.TRAINER)


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def markdown_of(at) -> list[str]:
    return [m.value for m in at.tabs[0].markdown] if at.tabs else [m.value for m in at.markdown]


def test_cases_page_lists_the_renovation_case_first_with_a_highlighted_snippet(run_page):
    at = run_page("cases", "trainer")
    at.text_input(key="case_q").input("装修噪音").run()
    ok(at)
    titles = [x.value for x in at.tabs[0].text]
    assert titles[0] == "练习：楼上装修，楼下一家整个周末不得安宁"
    snippets = [m for m in markdown_of(at) if "**装修**" in m or "**噪音**" in m or "**噪声**" in m]
    assert snippets, markdown_of(at)


def test_user_text_in_a_snippet_shows_as_text_not_markup(page_db, run_page):
    story = "业主留言：<img src=x onerror=alert(1)> **加急** [点这里](http://evil) 鸽子笼漏风"
    cases.save(page_db.engine, TRAINER, CaseDraft(title="鸽子笼漏风的练习", story=story, kind="exercise",
                                                 status="published"))
    at = run_page("cases", "trainer")
    at.text_input(key="case_q").input("鸽子笼").run()
    ok(at)
    md = [m for m in markdown_of(at) if "**鸽子笼**" in m]
    assert md, markdown_of(at)
    assert "\\<img" in md[0] and "\\*\\*加急\\*\\*" in md[0] and "\\[点这里\\]" in md[0]
    assert "<img" not in md[0].replace("\\<img", "")


def test_complaint_search_finds_a_ticket_by_its_words_and_links_to_it(page_db, run_page):
    with page_db.engine.connect() as conn:
        unit_id = conn.scalar(select(Unit.id).order_by(Unit.id).limit(1))
    number = svc.register(page_db.engine, Actor("admin", Role.ADMIN), channel="phone", complainant="刘女士",
                          phone="13812345678", content="楼顶琥珀色的水渍越来越大，怀疑屋面防水层老化。",
                          category="repairs", unit_id=unit_id)
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)     # through app.py: the link needs navigation
    at.session_state["current_user"] = current_user(page_db.engine, "manager")
    at.switch_page("pages/search.py")
    at.run()
    assert [i.value for i in at.info] == [t("search.empty_query")]
    at.text_input(key="search_q").input("琥珀色水渍").run()
    ok(at)
    assert any(escape_markdown(number) in m.value for m in at.markdown)
    assert any("**水渍**" in m.value for m in at.markdown)
    assert t("search.open") in {p.proto.label for p in at.get("page_link")}
    at.text_input(key="search_q").input("麒麟鸵鸟").run()
    assert [w.value for w in at.warning] == [t("search.none")]


@pytest.mark.parametrize("role", ["trainer"])
def test_complaint_search_is_refused_to_roles_without_it(run_page, role):
    at = run_page("search", role)
    assert not at.exception
    assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]
