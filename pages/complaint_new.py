"""Register a complaint fast; the unit's open items show before anything is saved."""
from datetime import timedelta

import streamlit as st

from ui.guard import require

user = require("complaint_new")

from core.auth.roles import Role  # noqa: E402
from core.complaints.model import Category, Channel, RedLine, Stage, Want  # noqa: E402
from core.complaints.workflow import Actor  # noqa: E402
from core.errors import DomainError  # noqa: E402
from core.org.rules import parse_room_no  # noqa: E402
from db import complaint_views, complaints, org  # noqa: E402
from db.engine import database_url  # noqa: E402
from db.models import utcnow  # noqa: E402
from ui import store  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402

engine = store.engine()
st.title(t("page.complaint_new"))
projects = store.projects(database_url(), user.project_ids)
if projects.empty:
    st.info(t("home.no_projects"))
    st.stop()
names = dict(zip(projects["id"], projects["name"]))
c1, c2 = st.columns(2)
project_id = c1.selectbox(t("cnew.project"), list(names), format_func=names.get, key="cnew_project")
room_text = c2.text_input(t("cnew.room"), max_chars=12, key="cnew_room", placeholder="3-1906")

unit_id = None
if room_text.strip():
    try:
        room_no, _ = parse_room_no(room_text)
        unit_id = org.find_unit(engine, project_id, room_no)
        if unit_id is None:
            raise DomainError("err.unit_unknown")
    except DomainError as e:
        st.error(error_text(e))
        st.stop()
    history, _ = complaint_views.unit_history(engine, unit_id)
    open_items = history[history["stage"] != Stage.CLOSED.value] if not history.empty else history
    if history.empty:
        st.caption(t("cnew.unit_history_none"))
    else:
        st.warning(t("cnew.unit_open", n=len(open_items)))
        shown = history[["number", "received_at", "category", "stage", "content", "agreed_steps", "repeat_count"]].copy()
        shown["category"] = shown["category"].map(lambda v: t(f"category.{v}"))
        shown["stage"] = shown["stage"].map(lambda v: t(f"stage.{v}"))
        st.dataframe(shown.rename(columns={c: t(f"col.{c if c != 'repeat_count' else 'repeat'}") for c in shown.columns}),
                     hide_index=True, width="stretch")

with st.form("complaint_new", clear_on_submit=False):
    f1, f2, f3 = st.columns(3)
    channel = f1.selectbox(t("field.channel"), [c.value for c in Channel], format_func=lambda v: t(f"channel.{v}"))
    category = f2.selectbox(t("field.category"), [c.value for c in Category], format_func=lambda v: t(f"category.{v}"))
    relayed_by = f3.text_input(t("field.relayed_by"), max_chars=100)
    complainant = f1.text_input(t("field.complainant"), max_chars=40)
    phone = f2.text_input(t("field.phone"), max_chars=20)
    place = f3.text_input(t("field.place"), max_chars=100)
    subject = st.text_input(t("field.subject"), max_chars=100)
    content = st.text_area(t("field.content"), max_chars=2000)
    wants = st.multiselect(t("field.wants"), [w.value for w in Want], format_func=lambda v: t(f"want.{v}"),
                           placeholder=t("form.choose"))
    red_lines = st.multiselect(t("field.red_lines"), [r.value for r in RedLine], placeholder=t("form.choose"),
                               format_func=lambda v: t(f"redline.{v}"))
    submitted = st.form_submit_button(t("cnew.submit"), type="primary")

if submitted:
    actor = Actor(user.username, Role(user.role))
    # The form keeps its values after saving: the same form sent again (a double tap, or the button
    # pressed once more) shows the ticket already registered instead of registering a duplicate
    # that would also count as a repeat complaint and escalate to the manager.
    fingerprint = (project_id, unit_id, channel, category, relayed_by, complainant, phone, place, subject,
                   content, tuple(wants), tuple(red_lines))
    last = st.session_state.get("cnew_last")
    if last and last[0] == fingerprint and utcnow() - last[2] < timedelta(minutes=10):
        number = last[1]
    else:
        try:
            number = complaints.register(engine, actor, unit_id=unit_id, project_id=project_id, channel=channel,
                                         complainant=complainant, phone=phone, place=place, content=content,
                                         category=category, wants=tuple(wants), subject=subject,
                                         relayed_by=relayed_by, red_lines=tuple(red_lines))
        except DomainError as e:
            st.error(error_text(e))
            st.stop()
        st.session_state["cnew_last"] = (fingerprint, number, utcnow())
        store.clear_caches()
    saved = complaints.load(engine, number)
    st.success(t("cnew.done", number=number, receiver=user.display_name))
    if saved.repeat_of:
        st.warning(t("cnew.repeat", n=saved.repeat_count, first=saved.repeat_of))
    st.page_link("pages/complaint.py", label=t("cnew.open_ticket"), query_params={"n": number},
                 icon=":material/open_in_new:")
