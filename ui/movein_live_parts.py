"""Parts of the live move-in page."""
from __future__ import annotations

import streamlit as st

from core.errors import DomainError
from core.movein.defects import KINDS, LOCATIONS, RESPONSIBLE, SEVERITIES
from db import movein
from ui.i18n import error_text, t
from ui.movein_views import live_station_chart, station_name
from ui.widgets import field

# Constant CSS, no user text: touch targets of at least 48 px on the tablet page.
_TOUCH_CSS = """<style>
div[data-testid="stButton"] button, div[data-testid="stFormSubmitButton"] button { min-height: 52px; font-size: 1.1rem; }
div[data-testid="stTextInput"] input { min-height: 48px; font-size: 1.1rem; }
</style>"""


def touch_style() -> None:
    st.html(_TOUCH_CSS)


def _act(action, *args) -> None:
    try:
        action(*args)
    except DomainError as e:
        st.session_state["live_error"] = error_text(e)
    else:
        st.session_state["live_error"] = None
        st.toast(t("mlive.saved"))


def household_card(engine, user, batch_id, settings, h: dict) -> None:
    codes = [s.code for s in settings.stations]
    with st.container(border=True):
        c1, c2 = st.columns(2)
        field(t("mlive.room"), h["room_no"], c1)
        field(t("units.col.owner"), h["owner"], c2)
        st.caption(t("mlive.slot", day=h["day"], hour=h["slot_hour"]) + " · " +
                   t("mlive.progress", done=h["stations_done"], total=len(codes)))
        if h["special_needs"]:
            st.warning(t("mlive.special", note=""))
            st.text(h["special_needs"])
        error = st.session_state.get("live_error")
        if error:
            st.error(error)
        if h["no_show"]:
            st.info(t("err.household_no_show"))
            return
        if h["stations_done"] >= len(codes):
            st.success(t("mlive.finished"))
            return
        b1, b2 = st.columns([3, 1])
        if h["arrived_at"] is None:
            b1.button(t("mlive.check_in"), type="primary", width="stretch", key=f"in_{h['id']}", on_click=_act,
                      args=(movein.check_in, engine, user.username, batch_id, h["id"]))
            b2.button(t("mlive.no_show"), width="stretch", key=f"noshow_{h['id']}", on_click=_act,
                      args=(movein.mark_no_show, engine, user.username, batch_id, h["id"]))
            return
        # The button names the station it finishes, so a tap cannot finish the wrong one.
        station = codes[h["stations_done"]]
        b1.button(t("mlive.advance", station=station_name(station)), type="primary", width="stretch",
                  key=f"adv_{h['id']}_{station}", on_click=_act,
                  args=(movein.advance, engine, user.username, batch_id, h["id"], station))


def defect_form(engine, user, batch_id, h: dict) -> None:
    with st.expander(t("mlive.defect")):
        with st.form(f"defect_{h['id']}", clear_on_submit=True):
            c1, c2 = st.columns(2)
            location = c1.selectbox(t("field.location"), LOCATIONS, format_func=lambda v: t(f"loc.{v}"))
            kind = c2.selectbox(t("field.kind"), KINDS, format_func=lambda v: t(f"kind.{v}"))
            severity = c1.selectbox(t("field.severity"), SEVERITIES, format_func=lambda v: t(f"sev.{v}"))
            responsible = c2.selectbox(t("field.responsible"), RESPONSIBLE, format_func=lambda v: t(f"resp.{v}"))
            note = st.text_area(t("mlive.note"), max_chars=500)
            photo = st.file_uploader(t("field.photo"), type=["jpg", "jpeg", "png"])
            if st.form_submit_button(t("mlive.defect"), width="stretch"):
                _act(lambda: movein.log_defect(engine, user.username, batch_id, h["unit_id"], location=location,
                                               kind=kind, severity=severity, responsible=responsible, note=note,
                                               photo=photo.getvalue() if photo else None))
                if st.session_state.get("live_error"):
                    st.error(st.session_state["live_error"])


def dispute_form(engine, user, batch_id, h: dict) -> None:
    with st.expander(t("mlive.dispute")):
        with st.form(f"dispute_{h['id']}", clear_on_submit=True):
            note = st.text_area(t("mlive.note"), max_chars=500)
            if st.form_submit_button(t("mlive.dispute"), width="stretch"):
                _act(lambda: movein.log_dispute(engine, user.username, batch_id, h["unit_id"], note))
                if st.session_state.get("live_error"):
                    st.error(st.session_state["live_error"])


@st.fragment(run_every="10s")
def live_board(engine, batch_id, day) -> None:
    board = movein.live_board(engine, batch_id, day)
    m = st.columns(5)
    m[0].metric(t("mlive.plan_today"), board["planned"])
    m[1].metric(t("mlive.done_today"), board["finished"])
    m[2].metric(t("mlive.not_arrived"), board["not_arrived"])
    m[3].metric(t("mlive.no_shows"), board["no_shows"])
    m[4].metric(t("mlive.mean_flow"), "—" if board["mean_flow_min"] is None else f"{board['mean_flow_min']:.0f}")
    if board["bottleneck"]:
        st.warning(t("mlive.bottleneck", station=station_name(board["bottleneck"])))
    else:
        st.caption(t("mlive.no_bottleneck"))
    st.altair_chart(live_station_chart(board["stations"]), width="stretch")
    st.caption(t("mlive.refreshed"))
