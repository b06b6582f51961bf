"""Worklist table and the form that records a reminder's outcome."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.collections.dunning import Outcome, Step
from core.collections.money import yuan
from core.errors import DomainError
from db import collections
from ui import store
from ui.i18n import error_text, t


def _words(codes: pd.Series, prefix: str) -> pd.Series:
    """'notice,phone' -> '催缴通知、电话提醒': each distinct combination translated once (a worklist
    has tens of thousands of rows but a handful of combinations)."""
    names = {v: "、".join(t(f"{prefix}.{c}") for c in v.split(",") if c) for v in codes.unique()}
    return codes.map(names)


def work_table(work: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("work.col.project"): work["project"], t("work.col.building"): work["building"],
        t("work.col.room"): work["room_no"], t("work.col.owner"): work["owner"], t("work.col.phone"): work["phone"],
        t("work.col.steps"): _words(work["steps"], "step"),
        t("work.col.expires"): work["expires"], t("work.col.paused"): _words(work["paused_by"], "pause"),
        t("work.col.arrears"): work["arrears"].map(yuan), t("work.col.months"): work["months"],
        t("work.col.staff"): work["staff"]})


def record_action_form(user, work: pd.DataFrame, today) -> None:
    st.subheader(t("work.record"))
    owner = work["owner"].where(work["owner"].map(lambda o: isinstance(o, str)), None)
    labels = work["project"] + " " + work["room_no"] + (" · " + owner).fillna("")
    units = dict(zip(work["unit_id"].astype(int), labels))
    with st.form("record_action", clear_on_submit=True):
        unit_id = st.selectbox(t("work.unit"), list(units), format_func=units.get)
        c1, c2 = st.columns(2)
        step = c1.selectbox(t("field.step"), [s.value for s in Step], format_func=lambda s: t(f"step.{s}"))
        outcome = c2.selectbox(t("ledger.col.outcome"), [o.value for o in Outcome], format_func=lambda o: t(f"outcome.{o}"))
        taken_on = c1.date_input(t("field.taken_on"), value=today, max_value=today)
        promised_on = c2.date_input(t("field.promised_on"), value=None)
        delivered = st.checkbox(t("work.delivered"))
        note = st.text_input(t("ledger.col.note"), max_chars=300)
        if st.form_submit_button(t("work.record"), type="primary"):
            try:
                collections.record_action(store.engine(), user.username, unit_id, step, outcome, taken_on,
                                          promised_on, note, delivered, today)
            except DomainError as e:
                st.error(error_text(e))
            else:
                store.clear_caches()
                st.success(t("work.saved"))
