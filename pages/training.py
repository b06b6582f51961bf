"""Training sessions: pick cases and attendees, print a handout, see who was taught what."""

import streamlit as st

from ui.guard import require

user = require("training")

from core.cases.handout import render_handout  # noqa: E402
from core.clock import local_today  # noqa: E402
from core.errors import DomainError  # noqa: E402
from db import cases, users  # noqa: E402
from ui import store  # noqa: E402
from ui.export import excel_button  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402

engine = store.engine()
st.title(t("page.training"))
published = cases.search(engine, limit=500)
staff = users.list_users(engine)
staff = staff[staff["active"]]
names = dict(zip(staff["username"], staff["display_name"]))

with st.expander(t("training.new"), expanded=False):
    with st.form("new_session"):
        c1, c2 = st.columns(2)
        title = c1.text_input(t("training.title"), max_chars=100)
        held_on = c2.date_input(t("training.date"), value=local_today())
        case_ids = st.multiselect(t("training.cases"), published["id"].astype(int).tolist(), placeholder=t("form.choose"),
                                  format_func=dict(zip(published["id"].astype(int), published["title"])).get)
        attendees = st.multiselect(t("training.attendees"), list(names), format_func=lambda u: f"{names[u]} ({u})",
                                   placeholder=t("form.choose"))
        notes = st.text_area(t("training.notes"), max_chars=5000)
        if st.form_submit_button(t("training.create"), type="primary"):
            try:
                cases.create_session(engine, user.username, title, held_on, user.username, case_ids, attendees, notes)
                st.success(t("training.created"))
            except DomainError as e:
                st.error(error_text(e))

st.subheader(t("training.sessions"))
sessions = cases.sessions(engine)
if sessions.empty:
    st.info(t("training.none"))
    st.stop()
st.dataframe(sessions.drop(columns=["id"]).rename(columns={
    "title": t("training.title"), "held_on": t("training.col.held_on"), "trainer": t("training.trainer"),
    "attendees": t("training.col.attendees")}), hide_index=True, width="stretch")
labels = {int(r.id): f"{r.held_on} · {r.title}" for r in sessions.itertuples()}
chosen = st.selectbox(t("training.pick_session"), list(labels), format_func=labels.get)
row = sessions.set_index("id").loc[chosen]
html = render_handout(row["title"], str(row["held_on"]), names.get(row["trainer"], row["trainer"]),
                      cases.session_cases(engine, chosen),
                      {k: t(f"handout.{k}") for k in ("questions", "lesson", "outcome")})
st.download_button(t("training.handout"), data=html.encode("utf-8"), file_name=f"handout_{chosen}.html",
                   mime="text/html", icon=":material/print:")

st.subheader(t("training.attendance"))
record = cases.attendance(engine)
shown = record.rename(columns=lambda c: t(f"training.col.{c}"))
st.dataframe(shown, hide_index=True, width="stretch")
excel_button(shown, "training_attendance.xlsx", key="attendance_export")
