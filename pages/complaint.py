"""One ticket: its clocks, its facts, its timeline, and only the actions allowed now."""
import streamlit as st

from ui.guard import require

user = require("complaint")

from core.auth.roles import Role  # noqa: E402
from core.complaints import clock  # noqa: E402
from core.complaints.workflow import Actor, allowed_actions  # noqa: E402
from core.errors import ConflictError, DomainError  # noqa: E402
from db import complaint_views, complaints  # noqa: E402
from db.cases import case_from_complaint  # noqa: E402
from db.models import utcnow  # noqa: E402
from ui import store  # noqa: E402
from ui.board import light_label  # noqa: E402
from ui.complaint_forms import action_form  # noqa: E402
from ui.complaint_view import show_facts, show_timeline  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402
from ui.widgets import md_plain  # noqa: E402

engine = store.engine()
st.title(t("page.complaint"))
number = st.text_input(t("detail.pick"), value=st.query_params.get("n", ""), max_chars=20).strip().upper()
if not number:
    st.info(t("detail.none"))
    st.stop()
place = complaint_views.ticket_place(engine, number)
if not place or (user.project_ids is not None and place["project_id"] not in user.project_ids):
    st.error(t("err.complaint_unknown", number=md_plain(number)))
    st.stop()
st.query_params["n"] = number
c = complaints.load(engine, number)
seen_key = f"seen_version_{number}"
seen = st.session_state.setdefault(seen_key, c.version)  # the version this user is looking at

now = utcnow()
stage_light = clock.light(c.stage_started_at, c.stage_deadline, now, c.paused_since)
overall_light = clock.light(c.received_at, c.due_at, now, c.paused_since) if c.closed_at is None else None
head = st.columns(3)
head[0].metric(t("col.stage"), t(f"stage.{c.stage.value}"))
with head[1]:
    st.caption(t("detail.stage_clock"))
    st.markdown(f"{light_label(stage_light.value)}  \n{t('detail.due', time=local(c.stage_deadline))}")
if overall_light:
    with head[2]:
        st.caption(t("detail.overall"))
        st.markdown(f"{light_label(overall_light.value)}  \n{t('detail.due', time=local(c.due_at))}")
if seen != c.version:
    st.warning(t("err.conflict"))
    if st.button(t("detail.reload"), key="reload"):
        st.session_state[seen_key] = c.version
        st.rerun()

show_facts(c, place)
if c.stage.value == "closed" and user.role in ("manager", "admin"):
    if st.button(t("cases.from_complaint"), icon=":material/school:", key="to_case"):
        try:
            case_from_complaint(engine, user.username, number)
            st.success(t("cases.from_complaint_done"))
        except DomainError as e:
            st.error(error_text(e))
actor = Actor(user.username, Role(user.role))
actions = allowed_actions(c, actor)
st.subheader(t("detail.actions"))
if not actions:
    st.caption(t("detail.no_actions"))
else:
    action = st.radio(t("detail.actions"), actions, format_func=lambda a: t(f"action.{a}"),
                      horizontal=True, label_visibility="collapsed", key=f"action_{number}")
    data = action_form(action, c)
    if data is not None:
        try:
            saved = complaints.act(engine, number, seen, actor, action, **data)
        except ConflictError as e:
            st.error(error_text(e))
        except DomainError as e:
            st.error(error_text(e))
        else:
            st.session_state[seen_key] = saved.version
            store.clear_caches()
            st.toast(t("detail.saved"))
            st.rerun()
show_timeline(engine, c)
