"""The form that records a training session."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.clock import local_today
from services import training
from ui import cache
from ui.i18n import t
from ui.session import CurrentUser
from ui.submit import submit
from ui.widgets import choose_many


def new_session_form(user: CurrentUser, teachable: pd.DataFrame, names: dict[str, str]) -> None:
    with st.form("new_session"):
        c1, c2 = st.columns(2)
        title = c1.text_input(t("training.title"), max_chars=100)
        held_on = c2.date_input(t("training.date"), value=local_today())
        case_ids = choose_many(t("training.cases"), teachable["id"].astype(int).tolist(), placeholder=t("form.choose"),
                                  format_func=dict(zip(teachable["id"].astype(int), teachable["title"])).get)
        attendees = choose_many(t("training.attendees"), list(names), format_func=lambda u: f"{names[u]} ({u})",
                                   placeholder=t("form.choose"))
        notes = st.text_area(t("training.notes"), max_chars=5000)
        if not st.form_submit_button(t("training.create"), type="primary"):
            return
    engine = cache.engine()
    done = submit("new_session",
                  lambda key: training.create_session(engine, user.actor, title, held_on, case_ids, attendees, notes,
                                                      request_key=key),
                  values={"title": title, "held_on": held_on, "cases": case_ids, "attendees": attendees,
                          "notes": notes}, clears=("cases",))
    if done is not None:
        st.success(t("training.created"))
