"""The live move-in day on a tablet: today's list (a chip per household, filters, search by room,
owner or phone tail, a tap opens the household's card), or station mode (the tablet set to one
station: its queue, take the next household and finish it, one tap each), and the hall board."""

import streamlit as st

from ui.guard import live_fragment, require

user = require("movein_live")

from core.clock import local_today
from core.errors import DomainError
from core.movein.forecast import staffed
from services import movein
from ui import cache, movein_cache
from ui.document_views import handover_downloads
from ui.i18n import t
from ui.movein_forms import (
    LIVE,
    arrivals,
    close_defect_form,
    defect_form,
    desk_controls,
    dispute_form,
    household_actions,
    my_undo,
    tap_refusals,
    undo_control,
)
from ui.movein_hall_views import (
    FILTERS,
    card_head,
    defect_cards,
    filtered,
    list_counts,
    row_label,
    station_header,
    timeline_view,
    waiting_list,
)
from ui.movein_tablet import tablet_style
from ui.movein_views import live_board_view, station_name
from ui.submit import show_errors, show_flash

# A tablet page: the sidebar starts folded away, the hall gets the whole width.
st.set_page_config(initial_sidebar_state="collapsed")
tablet_style()
st.subheader(t("page.movein_live"), anchor=False)
batches = movein_cache.batches(cache.url(), user.reader)
if batches.empty:
    st.info(t("mlive.none"))
    st.stop()
today = local_today()
engine = cache.engine()
labels = {int(r.id): f"{r.name} · {r.start}" for r in batches.itertuples()}
c1, c2, c3 = st.columns([2, 2, 2])
batch_id = c1.selectbox(t("mlive.batch"), list(labels), format_func=labels.get, key="live_batch")
days = [d for d, _ in movein_cache.booked_days(cache.url(), user.reader, batch_id)]
day = c2.selectbox(t("mlive.day"), days, index=days.index(today) if today in days else 0, key="live_day")
codes = [s.code for s in movein.load_batch(engine, user.actor, batch_id).settings.stations]
# The station a tablet is set to survives a reload and can be bookmarked: ?station=inspection.
modes = ["list", *codes]
if "live_mode" not in st.session_state:
    asked = st.query_params.get("station")
    st.session_state["live_mode"] = asked if asked in modes else "list"
mode = c3.selectbox(t("mlive.mode"), modes, key="live_mode",
                    format_func=lambda m: t("mlive.mode_list") if m == "list" else t("mlive.mode_station", station=station_name(m)))
if mode == "list":
    st.query_params.pop("station", None)
else:
    st.query_params["station"] = mode


def refusals() -> None:
    """What the last tap was refused with, and its saved message, where the tap reran."""
    show_flash(LIVE)
    for message in tap_refusals():
        st.error(message)


def household_card(appointment_id: int) -> None:
    try:
        # Read fresh, not cached: the card must show the household as it is stored now.
        h = movein.household(engine, user.actor, batch_id, appointment_id)
    except DomainError as e:
        show_errors(e)
        return
    with st.container(border=True):
        card_head(h)
        household_actions(user, batch_id, h, today)
        events = movein.timeline(engine, user.actor, batch_id, h.id)
        undo_control(user, batch_id, h, events)
        timeline_view(events)
        defect_cards(movein.household_defects(engine, user.actor, batch_id, h.unit_id),
                     lambda d: close_defect_form(user, d))
        handover_downloads(user, batch_id, h.id)   # the papers the owner signs at the last desk
        if st.button(t("mlive.close_card"), key="close_card", width="stretch"):
            st.session_state.pop("live_open", None)
            st.rerun()
    defect_form(user, batch_id, h)
    dispute_form(user, batch_id, h)


def open_row(appointment_id: int) -> None:
    st.session_state["live_open"] = appointment_id


@live_fragment(None)
def todays_list() -> None:
    """A fragment: a tap on a household, its card or the filters reruns the list alone, not the
    page's header and the hall board (which refreshes by itself)."""
    refusals()
    with st.form("find", border=False):
        f1, f2 = st.columns([3, 1], vertical_alignment="bottom")
        query = f1.text_input(t("mlive.room"), max_chars=20, placeholder=t("mlive.search_hint"), key="live_room")
        found = f2.form_submit_button(t("mlive.find"), type="primary", width="stretch")
    rows = movein.day_list(engine, user.actor, batch_id, day)
    if found:
        st.session_state.pop("live_open", None)
        hits = movein.find_in_day(engine, user.actor, batch_id, day, query) if query.strip() else rows
        exact = [r for r in hits if r.room_no.upper() == query.strip().upper()]
        hits = exact or hits
        if not hits and query.strip():
            try:   # a household of another day of the batch, by its room number
                other = movein.find_household(engine, user.actor, batch_id, query)
            except DomainError as e:
                show_errors(e)
                hits = []
            else:
                st.session_state["live_open"] = other.id
        elif len(hits) == 1:
            st.session_state["live_open"] = hits[0].id
        st.session_state["live_hits"] = [r.id for r in hits] if query.strip() else None
    if st.session_state.get("live_open"):
        household_card(st.session_state["live_open"])
    f1, f2 = st.columns(2)
    status = f1.selectbox(t("mlive.filter"), list(FILTERS), format_func=lambda k: t(f"mlive.filter.{k}"),
                          key="live_filter")
    buildings = sorted({r.building_id for r in rows})
    names = movein_cache.building_names(cache.url(), user.reader, tuple(buildings))
    building = f2.selectbox(t("mlive.building"), [None, *buildings], key="live_building",
                            format_func=lambda b: t("mlive.all_buildings") if b is None else names.get(b, str(b)))
    hits = st.session_state.get("live_hits")
    shown = filtered([r for r in rows if hits is None or r.id in hits], status, building)
    st.caption(list_counts(rows))
    if not shown:
        st.caption(t("mlive.list_empty") if rows else t("mlive.hint"))
    cols = st.columns(3)
    for i, r in enumerate(shown):
        cols[i % 3].button(row_label(r), key=f"row_{r.id}", width="stretch", on_click=open_row, args=(r.id,))


@live_fragment("5s")
def station_mode(station: str) -> None:
    """Reruns by itself: the desk sees households arrive from the station before without a tap."""
    refusals()
    queue = movein.station_queue(engine, user.actor, batch_id, day, station)
    # The day's staff of the station from the plan (one row), not from the whole hall board: a
    # tap clears the move-in caches, so the board would be recomputed on every tap.
    plan = movein.load_batch(engine, user.actor, batch_id)
    staff = next(s.staff for s in staffed(plan.settings.stations, plan.staffing, day) if s.code == station)
    station_header(queue, staff)
    desk_controls(user, batch_id, queue, day)
    my_undo(user, batch_id)
    waiting_list(queue)
    if queue.index == 0:
        arrivals(user, batch_id, movein.day_list(engine, user.actor, batch_id, day), today)


if mode == "list":
    todays_list()
else:
    station_mode(mode)


@live_fragment("10s")
def board() -> None:
    live_board_view(movein_cache.live_board(cache.url(), user.reader, batch_id, day))


board()
