"""Case display: normal and projector mode, and the reference cards. Case text is shown exactly
as written."""
from __future__ import annotations

from html import escape

import streamlit as st

from ui.i18n import lang, t
from ui.widgets import md_plain


def _block(text: str, projector: bool) -> None:
    if not text:
        return
    if projector:
        # Escaped before it meets HTML; the style is ours and constant.
        st.html(f"<div style='font-size:1.7rem;line-height:1.8;white-space:pre-wrap'>{escape(text)}</div>")
    else:
        st.markdown(md_plain(text).replace("\n", "  \n"))


def case_view(case: dict, projector: bool) -> None:
    title = case["title_en"] if lang() == "en" and case["title_en"] else case["title"]
    st.header(md_plain(title), anchor=False)
    st.caption(" · ".join([t(f"ckind.{case['kind']}"), *[t(f"topic.{x}") for x in case["topics"]],
                           t(f"cstatus.{case['status']}")]))
    if lang() == "en" and case["summary_en"]:
        _block(case["summary_en"], projector)
    st.subheader(t("cases.story"), anchor=False)
    _block(case["story"], projector)
    for key in ("outcome", "lesson"):
        if case[key]:
            st.subheader(t(f"cases.{key}"), anchor=False)
            _block(case[key], projector)
    if case["questions"]:
        st.subheader(t("cases.questions"), anchor=False)
        _block("\n".join(f"{i}. {q}" for i, q in enumerate(case["questions"], start=1)), projector)
    if case["method_steps"]:
        st.caption(" → ".join(t(f"mstep.{s}") for s in case["method_steps"]))


def reference_cards(cards: list[dict]) -> None:
    for card in cards:
        with st.expander(card["title_en"] if lang() == "en" else card["title"]):
            st.text(card["body_en"] if lang() == "en" else card["body"])
