"""One small form per complaint action; returns the action's data when submitted, else None."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.clock import CHINA, local_now
from core.complaints.model import Category, Complaint, PauseReason, RedLine
from ui.i18n import t


def _area(field: str, key: str) -> str:
    return st.text_area(t(f"field.{field}"), max_chars=2000, key=key)


def action_form(action: str, c: Complaint) -> dict | None:
    with st.form(f"act_{action}", clear_on_submit=False):
        data: dict = {}
        k = f"{action}_{c.number}"
        if action == "judge_valid":
            cats = [x.value for x in Category]
            data["category"] = st.selectbox(t("field.category"), cats, index=cats.index(c.category.value),
                                            format_func=lambda v: t(f"category.{v}"), key=k)
        elif action == "propose_invalid":
            data["reason"] = _area("invalid_reason", k)
        elif action == "sign_off_invalid":
            st.caption(f"{t('field.invalid_reason')}:")
            st.text(c.invalid_reason)
            data["reply"] = _area("reply", k)
        elif action == "investigate":
            data["cause"] = _area("cause", k)
        elif action == "assign":
            data["department"] = st.text_input(t("field.department"), max_chars=100, key=k + "d")
            data["handler"] = st.text_input(t("field.handler"), max_chars=40, key=k + "h")
        elif action == "propose":
            data["options"] = _area("options", k).splitlines()
        elif action == "agree":
            data["steps"] = _area("agreed_steps", k + "s")
            default = (local_now() + timedelta(days=1)).replace(second=0, microsecond=0, tzinfo=None)
            moment = st.datetime_input(t("field.agreed_at"), value=default, key=k + "t")
            data["agreed_at"] = moment.replace(tzinfo=CHINA) if moment else None
        elif action == "implement":
            data["record"] = _area("implementation", k)
        elif action == "feedback":
            data["confirmed"] = st.checkbox(t("field.confirmed"), value=True, key=k + "c")
            data["note"] = _area("note", k + "n")
        elif action == "callback":
            data["reached"] = st.checkbox(t("field.reached"), value=True, key=k + "r")
            data["satisfaction"] = st.slider(t("field.satisfaction"), 1, 5, 4, key=k + "s")
            data["comment"] = _area("comment", k + "m")
        elif action == "record_root_cause":
            data["root_cause"] = _area("root_cause", k + "r")
            data["prevention"] = _area("prevention", k + "p")
        elif action == "pause":
            data["reason"] = st.selectbox(t("field.pause_reason"), [p.value for p in PauseReason],
                                          format_func=lambda v: t(f"pause.{v}"), key=k + "r")
            data["note"] = _area("note", k + "n")
        elif action == "flag_red_line":
            data["flag"] = st.selectbox(t("field.flag"), [r.value for r in RedLine],
                                        format_func=lambda v: t(f"redline.{v}"), key=k + "f")
            data["note"] = _area("note", k + "n")
        submitted = st.form_submit_button(t(f"action.{action}"), type="primary")
    return data if submitted else None
