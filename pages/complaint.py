"""One ticket: its clocks, its facts, its timeline, and only the actions allowed now."""
import streamlit as st

from ui.guard import require

user = require("complaint")

from core.auth.capabilities import Capability  # noqa: E402
from core.clock import local_now  # noqa: E402
from core.complaints.model import Stage  # noqa: E402
from core.complaints.workflow import CLOSE_STAGES, allowed_actions, close_missing, default_action  # noqa: E402
from core.errors import DomainError  # noqa: E402
from services import canned_replies, cases, complaints  # noqa: E402
from ui import cache  # noqa: E402
from ui.complaint_forms import action_form  # noqa: E402
from ui.complaint_views import show_clocks, show_close_panel, show_facts, show_timeline  # noqa: E402
from ui.complaint_attachments import ticket_attachments  # noqa: E402
from ui.complaint_incidents import incident_section, unreachable_note  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402
from ui.submit import submit  # noqa: E402

engine = cache.engine()
st.title(t("page.complaint"))
number = st.text_input(t("detail.pick"), value=st.query_params.get("n", ""), max_chars=20).strip().upper()
if not number:
    st.info(t("detail.none"))
    st.stop()
try:
    ticket = complaints.ticket(engine, user.actor, number)   # another project's ticket is unknown here
except DomainError as e:
    st.error(error_text(e))
    st.stop()
st.query_params["n"] = number
c = ticket.complaint
seen_key = f"seen_version_{number}"
seen = st.session_state.setdefault(seen_key, c.version)  # the version this user is looking at

show_clocks(c, local_now(), ticket.calendar_changed)
if seen != c.version:
    st.warning(t("err.conflict"))
    if st.button(t("detail.reload"), key="reload"):
        st.session_state[seen_key] = c.version
        st.rerun()

# Closing first, where the stage makes it near: what it still needs, each with a button to its form.
actions = allowed_actions(c, user.actor)
radio_key = f"action_{number}"
if st.session_state.get(radio_key) not in actions:   # the stage moved on: its default again
    st.session_state.pop(radio_key, None)
    if (default := default_action(c, user.actor, actions)) is not None:
        st.session_state[radio_key] = default
if c.stage in CLOSE_STAGES and (user.actor.username == c.receiver or user.actor.can(Capability.MANAGE_COMPLAINTS)):
    show_close_panel(c, close_missing(c, user.actor), radio_key, ready="close" in actions)
show_facts(c, ticket.place)
unreachable_note(c)
if c.stage == Stage.CLOSED and user.actor.can(Capability.COMPLAINT_TO_CASE):
    if st.button(t("cases.from_complaint"), icon=":material/school:", key="to_case"):
        made = submit("complaint_to_case",
                      lambda key: cases.case_from_complaint(engine, user.actor, number, request_key=key),
                      values={"number": number}, clears=("cases",))
        if made is not None:
            st.success(t("cases.from_complaint_done"))
st.subheader(t("detail.actions"))
if not actions:
    st.caption(t("detail.no_actions"))
else:
    action = st.radio(t("detail.actions"), actions, format_func=lambda a: t(f"action.{a}"),
                      index=None if radio_key not in st.session_state else 0,
                      horizontal=True, label_visibility="collapsed", key=radio_key)
    if action is None:
        st.caption(t("detail.pick_action"))
    wordings = canned_replies.for_action(engine, user.actor, action, c.category.value) if action else []
    staff = complaints.handler_candidates(engine, user.actor, number) if action in ("assign", "reassign") else {}
    data = None if action is None else action_form(action, c, wordings, staff)
    if data is not None:
        # Closing ends the dunning stop an open complaint puts on the unit's arrears.
        clears = ("complaints", "collections") if action == "close" else ("complaints",)
        saved = submit("complaint_act",
                       lambda key: complaints.act(engine, user.actor, number, seen, action, request_key=key, **data),
                       values={"number": number, "version": seen, "action": action, **data}, clears=clears)
        if saved is not None:
            st.session_state[seen_key] = saved.version
            st.toast(t("detail.saved"))
            st.rerun()
incident_section(engine, user, number, c)
ticket_attachments(engine, user, number)
show_timeline(ticket.timeline)
