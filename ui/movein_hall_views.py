"""What the hall's tablet shows: today's list with a chip per household, a station's queue (station
mode), the household's timeline and its defects with their photos. The buttons that write are in
ui/movein_forms.py; user text goes through st.text / st.dataframe / md_plain, never as HTML."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.movein.flow import Chip
from ui.fmt import local
from ui.i18n import t
from ui.movein_views import station_name
from ui.widgets import md_plain

CHIP_ICON = {Chip.EXPECTED: "⏳", Chip.CHECKED_IN: "🟦", Chip.AT_STATION: "🟧", Chip.DONE: "✅",
             Chip.NO_SHOW: "⛔", Chip.MOVED: "↪"}
# The list's filter: which chips each choice shows.
FILTERS = {"open": {Chip.EXPECTED, Chip.CHECKED_IN, Chip.AT_STATION}, "expected": {Chip.EXPECTED},
           "in_hall": {Chip.CHECKED_IN, Chip.AT_STATION}, "done": {Chip.DONE}, "no_show": {Chip.NO_SHOW},
           "moved": {Chip.MOVED}, "all": set(Chip)}


def chip_text(chip: Chip, station: str | None = None, day=None) -> str:
    if chip is Chip.AT_STATION and station:
        return t("chip.at_station", station=station_name(station))
    if chip is Chip.MOVED and day is not None:
        return t("chip.moved_to", day=day.strftime("%m-%d"))
    return t(f"chip.{chip.value}")


def row_label(r) -> str:
    """A list row as its button reads: room, slot, chip (the owner's name stays off the button:
    markdown in a label would render it)."""
    return f"{CHIP_ICON[r.chip]} {r.room_no} · {r.slot_hour}:00 · {chip_text(r.chip, r.station, r.day)}"


def filtered(rows, status: str, building: int | None):
    keep = FILTERS.get(status, FILTERS["all"])
    return [r for r in rows if r.chip in keep and (building is None or r.building_id == building)]


def list_counts(rows) -> str:
    n = {c: sum(1 for r in rows if r.chip is c) for c in Chip}
    return t("mlive.list_counts", total=len(rows) - n[Chip.MOVED], expected=n[Chip.EXPECTED],
             in_hall=n[Chip.CHECKED_IN] + n[Chip.AT_STATION], done=n[Chip.DONE], no_show=n[Chip.NO_SHOW])


# ---------------------------------------------------------------- station mode

def queue_table(entries) -> pd.DataFrame:
    return pd.DataFrame([{t("mlive.col.order"): i, t("col.room"): e.room_no, t("units.col.owner"): e.owner,
                          t("mlive.col.waited"): e.minutes} for i, e in enumerate(entries, start=1)])


def station_header(queue, staff: int) -> None:
    st.subheader(station_name(queue.station), anchor=False)
    c = st.columns(3)
    c[0].metric(t("mlive.waiting"), len(queue.waiting))
    c[1].metric(t("mlive.served"), len(queue.serving))
    c[2].metric(t("mlive.longest"), queue.waiting[0].minutes if queue.waiting else 0)
    st.caption(t("mlive.station_staff", n=staff))


def waiting_list(queue) -> None:
    st.markdown(f"**{t('mlive.queue_title')}**")
    if not queue.waiting:
        st.caption(t("mlive.queue_empty"))
        return
    st.dataframe(queue_table(queue.waiting), hide_index=True, width="stretch", row_height=44)


# ---------------------------------------------------------------- the household card

def card_head(h) -> None:
    st.subheader(md_plain(h.room_no), anchor=False)
    c1, c2, c3 = st.columns(3)
    c1.text(h.owner or t("mlive.no_owner"))
    c2.text(h.phone or "—")
    c3.text(chip_text(h.chip, h.next_station if h.chip is Chip.AT_STATION else None))
    st.caption(t("mlive.slot", day=h.day, hour=h.slot_hour) + " · " +
               t("mlive.progress", done=h.stations_done, total=h.station_count))
    if h.booked_day is not None:
        st.info(t("mlive.came_other_day", day=h.booked_day.isoformat()))
    if h.serving_by:
        st.caption(t("mlive.serving_by", station=station_name(h.next_station), who=h.serving_by))
    if h.special_needs:
        st.warning(t("mlive.special", note=""))
        st.text(h.special_needs)


TAP_KINDS = ("check_in", "late_arrival", "take", "finish", "no_show")


def tap_text(kind: str, station: str | None) -> str:
    return t(f"tap.{kind}", station=station_name(station) if station else "")


def timeline_view(events) -> None:
    with st.expander(t("mlive.timeline", n=len(events))):
        if not events:
            st.caption(t("mlive.timeline_empty"))
            return
        rows = []
        for e in events:
            undone = "" if e["undone_at"] is None else t(
                "mlive.undone", who=e["undone_by"], at=local(e["undone_at"]),
                reason=e["undo_reason"] or "—")
            rows.append({t("col.at"): local(e["at"]), t("mlive.col.tap"): tap_text(e["kind"], e["station"]),
                         t("mlive.col.by"): e["by"], t("mlive.col.undone"): undone})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


@st.dialog(" ", width="large")
def _photo_dialog(photo: bytes, caption: str) -> None:
    st.image(photo, caption=caption, width="stretch")


def defect_caption(d) -> str:
    return " · ".join([t(f"loc.{d['location']}"), t(f"kind.{d['kind']}"), t(f"sev.{d['severity']}"),
                       t(f"resp.{d['responsible']}"), t(f"defect.{d['status']}")])


def defect_cards(defects, close_form) -> None:
    """The household's defects already logged: what, who puts it right by when, the photo as a
    thumbnail that opens large; `close_form(d)` draws the owner-confirmed closing of an open one."""
    st.markdown(f"**{t('mlive.defects_logged', n=len(defects))}**")
    if not defects:
        st.caption(t("mlive.no_defects_yet"))
        return
    for d in defects:
        with st.container(border=True):
            left, right = st.columns([1, 4]) if d["photo"] else (None, st.container())
            if d["photo"]:
                left.image(d["photo"], width=96)
                if left.button(t("mlive.photo_open"), key=f"photo_{d['id']}", width="stretch"):
                    _photo_dialog(d["photo"], defect_caption(d))
            right.text(defect_caption(d))
            if d["note"]:
                right.text(d["note"])
            if d["due"] is not None:
                right.caption(t("mlive.due", day=d["due"].isoformat()))
            if d["status"] == "open":
                with right:
                    close_form(d)
