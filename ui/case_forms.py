"""Editing of cases by those who may: new, edit, publish."""
from __future__ import annotations

import streamlit as st

from core.cases.content import KINDS, METHOD_STEPS, TOPICS
from core.cases.model import STATUSES, CaseDraft
from services import cases
from ui import cache
from ui.i18n import t
from ui.session import CurrentUser
from ui.submit import submit
from ui.widgets import choose_many


def _draft_form(chosen: int | None, current: dict | None) -> CaseDraft | None:
    """The form, filled with the case being edited; the typed draft when saved, else None."""
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
        topics = choose_many(t("cases.topic"), TOPICS, default=list(get("topics", ())),
                                format_func=lambda v: t(f"topic.{v}"), placeholder=t("form.choose"))
        steps = choose_many(t("cases.step"), METHOD_STEPS, default=list(get("method_steps", ())),
                               format_func=lambda v: t(f"mstep.{v}"), placeholder=t("form.choose"))
        if not st.form_submit_button(t("cases.save"), type="primary"):
            return None
    return CaseDraft(title=title, story=story, kind=kind, outcome=outcome, lesson=lesson,
                     questions=tuple(questions.splitlines()), topics=tuple(topics), method_steps=tuple(steps),
                     title_en=title_en, summary_en=get("summary_en"), source=get("source"), status=status)


def edit_tab(user: CurrentUser) -> None:
    engine = cache.engine()
    everything = cases.search(engine, user.actor, limit=500)
    drafts_first = everything.sort_values("status")  # 'draft' before 'published'
    labels = {None: t("cases.new"),
              **{int(r.id): f"[{t(f'cstatus.{r.status}')}] {r.title}" for r in drafts_first.itertuples()}}
    chosen = st.selectbox(t("cases.edit_pick"), list(labels), format_func=labels.get, key="case_edit_pick")
    current = cases.get(engine, user.actor, chosen) if chosen else None
    # The version this editor opened, kept across reruns: read again at save time it would always
    # match, and a colleague's save in between would be silently overwritten.
    seen_key = f"case_seen_version_{chosen}"
    version = st.session_state.setdefault(seen_key, current["version"]) if current else None
    shown = bool(current) and version != current["version"]
    if shown:
        _show_theirs(current, seen_key)
    draft = _draft_form(chosen, current)
    if draft is None:
        return
    done = submit(f"case_form_{chosen}",
                  lambda key: cases.save(engine, user.actor, draft, chosen, version, request_key=key),
                  values={"draft": draft, "case": chosen, "version": version}, clears=("cases",))
    if done is not None:
        st.session_state.pop(seen_key, None)
        st.success(t("cases.saved"))
    elif current and not shown:
        latest = cases.get(engine, user.actor, chosen)
        if latest["version"] != version:
            _show_theirs(latest, seen_key)


def _show_theirs(case: dict, seen_key: str) -> None:
    """Someone saved this case after it was opened here: their text, so nothing is lost by
    either side (copy what you need, then take their version and edit on top of it)."""
    st.warning(t("err.conflict"))
    with st.expander(t("cases.their_version"), expanded=True):
        st.text(case["title"])
        st.text(case["story"])
        if case["outcome"]:
            st.text(case["outcome"])
        if case["lesson"]:
            st.text(case["lesson"])
    if st.button(t("cases.take_theirs"), key=f"{seen_key}_reload"):
        st.session_state[seen_key] = case["version"]
        st.rerun()
