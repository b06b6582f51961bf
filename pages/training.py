"""Training sessions: pick cases and attendees, print a handout, see who was taught what."""

import streamlit as st

from ui.guard import require

user = require("training")

from services import training  # noqa: E402
from ui import cache, org_cache  # noqa: E402
from ui.document_views import handout_downloads  # noqa: E402
from ui.export import excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.training_forms import new_session_form  # noqa: E402

engine = cache.engine()
st.title(t("page.training"))
names = org_cache.staff_names(cache.url(), active_only=True)

with st.expander(t("training.new"), expanded=False):
    new_session_form(user, training.teachable_cases(engine, user.actor), names)

st.subheader(t("training.sessions"))
sessions = training.sessions(engine, user.actor)
if sessions.empty:
    st.info(t("training.none"))
    st.stop()
st.dataframe(sessions.drop(columns=["id"]).rename(columns={
    "title": t("training.title"), "held_on": t("training.col.held_on"), "trainer": t("training.trainer"),
    "attendees": t("training.col.attendees")}), hide_index=True, width="stretch")
labels = {int(r.id): f"{r.held_on} · {r.title}" for r in sessions.itertuples()}
chosen = st.selectbox(t("training.pick_session"), list(labels), format_func=labels.get)
handout_downloads(user, chosen)   # PDFs: trainee (no lessons), trainer, sign-in sheet

st.subheader(t("training.attendance"))
record = training.attendance(engine, user.actor)
shown = record.rename(columns=lambda c: t(f"training.col.{c}"))
st.dataframe(shown, hide_index=True, width="stretch")
excel_button(shown, "training_attendance.xlsx", key="attendance_export", sheet=t("xlsx.sheet.attendance"),
             title=t("xlsx.title.attendance"))
