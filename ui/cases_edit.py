"""Trainers' editing of cases: new, edit, publish."""
from __future__ import annotations

import streamlit as st

from core.cases.content import KINDS, METHOD_STEPS, TOPICS
from core.cases.model import STATUSES, CaseDraft
from core.errors import DomainError
from db import cases
from ui.i18n import error_text, t


def edit_tab(engine, user) -> None:
    everything = cases.search(engine, see_drafts=True, limit=500)
    drafts_first = everything.sort_values("status")  # 'draft' before 'published'
    labels = {None: t("cases.new"),
              **{int(r.id): f"[{t(f'cstatus.{r.status}')}] {r.title}" for r in drafts_first.itertuples()}}
    chosen = st.selectbox(t("cases.edit_pick"), list(labels), format_func=labels.get, key="case_edit_pick")
    current = cases.get(engine, chosen, see_drafts=True) if chosen else None
    get = (lambda k, d="": current[k] if current else d)
    with st.form(f"case_form_{chosen}"):
        title = st.text_input(t("field.case_title"), value=get("title"), max_chars=100)
        title_en = st.text_input(t("field.case_title_en"), value=get("title_en"), max_chars=200)
        story = st.text_area(t("field.case_story"), value=get("story"), max_chars=5000, height=200)
        outcome = st.text_area(t("field.case_outcome"), value=get("outcome"), max_chars=3000)
        lesson = st.text_area(t("field.case_lesson"), value=get("lesson"), max_chars=2000)
        questions = st.text_area(t("cases.questions"), value="\n".join(get("questions", [])), help=t("cases.questions_help"))
        c1, c2 = st.columns(2)
        kind = c1.selectbox(t("field.case_kind"), KINDS, index=KINDS.index(get("kind", "complaint")),
                            format_func=lambda v: t(f"ckind.{v}"))
        status = c2.selectbox(t("field.case_status"), STATUSES, index=STATUSES.index(get("status", "draft")),
                              format_func=lambda v: t(f"cstatus.{v}"))
        topics = st.multiselect(t("cases.topic"), TOPICS, default=list(get("topics", ())),
                                format_func=lambda v: t(f"topic.{v}"), placeholder=t("form.choose"))
        steps = st.multiselect(t("cases.step"), METHOD_STEPS, default=list(get("method_steps", ())),
                               format_func=lambda v: t(f"mstep.{v}"), placeholder=t("form.choose"))
        if st.form_submit_button(t("cases.save"), type="primary"):
            draft = CaseDraft(title=title, story=story, kind=kind, outcome=outcome, lesson=lesson,
                              questions=tuple(questions.splitlines()), topics=tuple(topics), method_steps=tuple(steps),
                              title_en=title_en, summary_en=get("summary_en"), source=get("source"), status=status)
            try:
                cases.save(engine, user.username, draft, chosen, get("version", None))
            except DomainError as e:
                st.error(error_text(e))
            else:
                st.success(t("cases.saved"))
