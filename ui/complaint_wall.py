"""The complaint wall: one 1920x1080 screen read from three metres, nothing to scroll, no menus.

Counts per stage in large type; the red-line and overdue tickets first, with how late they are;
pages that turn by themselves when there are more tickets than fit; a clock with seconds and the
time of the data shown, in China time. The CSS is constant (no user text) and is drawn only on the
wall view, so the desk board keeps Streamlit's menus. User text (rooms, names) goes through
markdown escaped (md_plain), never through HTML."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from core.clock import CHINA
from core.complaints.deadlines import light
from core.complaints.model import OPEN_STAGES
from ui import complaint_cache, org_cache
from ui.cache import cached
from ui.guard import live_fragment
from ui.i18n import t
from ui.widgets import md_plain

ROWS = 17                  # ticket lines a column, measured at 1920x1080 to leave no scroll
COLUMNS = 2
PER_PAGE = ROWS * COLUMNS
TURN_SECONDS = 15          # one page a refresh: the data is read (cached) and the page turns
PAGE_KEY = "wall_page"     # plain session key: how many pages this screen has shown
BODY_PX = 30               # every line of text; the counts are much larger
COUNT_PX = 96

_CSS = """<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], [data-testid="stStatusWidget"], footer { display: none !important; }
html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] { overflow: hidden !important; }
[data-testid="stMainBlockContainer"] { padding: 18px 36px 0 36px !important; max-width: 100%% !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] span,
[data-testid="stMain"] [data-testid="stMetricLabel"] p, [data-testid="stMain"] [data-testid="stAlert"] p {
  font-size: %(body)dpx !important; line-height: 1.35 !important; }
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] * {
  font-size: %(count)dpx !important; line-height: 1.05 !important; font-weight: 700; }
[data-testid="stMain"] [data-testid="stMetric"] { gap: 0 !important; }
[data-testid="stMain"] [data-testid="stMetricLabel"] { min-height: 0 !important; height: auto !important; }
[data-testid="stMain"] .st-key-wall_head h1, [data-testid="stMain"] .st-key-wall_head h1 * { font-size: 52px !important;
  padding: 0 !important; line-height: 1.2 !important; }
[data-testid="stMain"] .st-key-wall_clock p { font-size: 52px !important; font-weight: 700; text-align: right;
  font-variant-numeric: tabular-nums; }
[data-testid="stMain"] .st-key-wall_counts [data-testid="stColumn"] { border-top: 6px solid #1565c0;
  padding-top: 6px; }
[data-testid="stMain"] .st-key-wall_counts [data-testid="stColumn"]:nth-last-child(-n+2) { border-top-color: #c62828; }
[data-testid="stMain"] .st-key-wall_counts [data-testid="stColumn"]:nth-last-child(-n+2) [data-testid="stMetricValue"] * { color: #c62828; }
[data-testid="stMain"] .st-key-wall_tickets [data-testid="stVerticalBlock"] { gap: 4px !important; }
[data-testid="stMain"] .st-key-wall_tickets p { white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  margin: 0 !important; }
[data-testid="stMain"] .st-key-wall_tickets [data-testid="stMarkdownContainer"] { border-bottom: 1px solid #ddd;
  padding: 3px 0; }
</style>"""


def wall_style() -> None:
    """Once per wall run: menus, header and sidebar hidden, type sized for three metres."""
    st.html(_CSS % {"body": BODY_PX, "count": COUNT_PX})


# ---------------------------------------------------------------- order and pages (plain data)

@dataclass(frozen=True)
class WallTicket:
    number: str
    stage: str
    category: str
    place: str             # project and room, or '' for a common area
    person: str            # the handler, else the receiver (a login name, shown as a display name)
    light: str             # green, amber, red, paused
    red_line: bool
    hours: float | None    # hours late (red), or hours left; None when paused or without a deadline


def _hours(delta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def wall_tickets(tickets: pd.DataFrame, now: datetime) -> list[WallTicket]:
    """Most urgent first: red lines, then overdue by hours late (latest first), then at risk by
    deadline, then the rest by deadline, paused clocks last; the number breaks ties, so the pages
    hold the same tickets from one refresh to the next."""
    out = []
    for row in tickets.to_dict("records"):
        r = {k: (None if v is None or v is pd.NaT or (isinstance(v, float) and v != v) else v) for k, v in row.items()}
        shown = light(r["stage_started_at"], r["stage_deadline"], now, r["paused_since"]).value
        deadline = r["stage_deadline"]
        hours = None if shown == "paused" or deadline is None else _hours(
            (now - deadline) if shown == "red" else (deadline - now))
        place = " ".join(str(v) for v in (r.get("project"), r.get("room_no")) if v)
        out.append(WallTicket(r["number"], r["stage"], r["category"], place, r.get("handler") or r.get("receiver") or "",
                              shown, r.get("escalation") == "senior", hours))
    rank = {"red": 1, "amber": 2, "green": 3, "paused": 4}

    def key(w: WallTicket):
        group = 0 if w.red_line else rank[w.light]
        late_first = -(w.hours or 0) if w.light == "red" else (w.hours if w.hours is not None else math.inf)
        return group, late_first, w.number
    return sorted(out, key=key)


def pages(count: int) -> int:
    return max(1, math.ceil(count / PER_PAGE))


def page_of(items: list, shown_before: int) -> tuple[int, list]:
    """(0-based page index, its tickets) for a screen that has shown `shown_before` pages."""
    index = shown_before % pages(len(items))
    return index, items[index * PER_PAGE:(index + 1) * PER_PAGE]


def stage_counts(tickets: pd.DataFrame, open_total: int, cap: int) -> dict[str, tuple[int, bool]]:
    """stage -> (count, capped). The read holds at most `cap` tickets a stage; when one stage only
    is that full its count is exact all the same (the open total less the others)."""
    found = tickets["stage"].value_counts().to_dict() if not tickets.empty else {}
    out = {s.value: (int(found.get(s.value, 0)), int(found.get(s.value, 0)) >= cap) for s in OPEN_STAGES}
    full = [k for k, (_, capped) in out.items() if capped]
    if len(full) == 1:
        out[full[0]] = (open_total - sum(n for k, (n, _) in out.items() if k != full[0]), False)
    return out


@cached("complaints", ttl=10)
def wall_data(url: str, reader) -> tuple[datetime, dict, dict, list[WallTicket]]:
    """(now, counts, stage counts, tickets in wall order): worked out once per ten seconds for every
    wall screen with the same role and projects, not once per screen."""
    now, counts, tickets = complaint_cache.wall_board(url, reader)
    return (now, counts, stage_counts(tickets, counts["open"], complaint_cache.WALL_PER_STAGE),
            wall_tickets(tickets, now))


# ---------------------------------------------------------------- drawing

def _china(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%H:%M:%S")


def late_text(hours: float) -> str:
    """'超时 5.5 小时'; from two days on '超时 3 天 4 小时', which a glance takes in."""
    if hours < 48:
        return t("wall.late", hours=hours)
    whole = int(hours)
    return t("wall.late_days", days=whole // 24, hours=whole % 24)


def ticket_line(w: WallTicket, names: dict) -> str:
    """One line of markdown: our labels, the user's text escaped."""
    if w.light == "red":
        clock = f":red[**{late_text(w.hours)}**]"
    elif w.light == "amber":
        clock = f":orange[**{t('wall.due_in', hours=w.hours)}**]"
    elif w.light == "paused":
        clock = f":gray[{t('wall.paused')}]"
    else:
        clock = f":green[{t('wall.on_time', hours=w.hours)}]" if w.hours is not None else ":green[●]"
    parts = [clock]
    if w.red_line:
        parts.insert(0, f":red-background[**{t('wall.red_line')}**]")
    parts += [md_plain(w.place or t("board.no_room")), t(f"category.{w.category}"), t(f"stage.{w.stage}")]
    if w.person:
        parts.append(md_plain(names.get(w.person, w.person)))
    return " · ".join(parts)


def _clock() -> None:
    with st.container(key="wall_clock"):
        now = datetime.now(timezone.utc).astimezone(CHINA)
        st.markdown(t("wall.clock", time=now.strftime("%Y-%m-%d %H:%M:%S")))


clock = st.fragment(run_every="1s")(_clock)


def _count(col, label: str, value: int, capped: bool = False) -> None:
    col.metric(label, t("wall.capped", n=value) if capped else f"{value:,}")


def draw(url: str, reader) -> None:
    """The whole wall for one refresh; the page turns each time it is drawn."""
    now, counts, by_stage, ordered = wall_data(url, reader)
    with st.container(key="wall_counts"):
        cols = st.columns(len(OPEN_STAGES) + 2)
        for col, stage in zip(cols, OPEN_STAGES):
            _count(col, t(f"stage.{stage.value}"), *by_stage[stage.value])
        _count(cols[-2], t("wall.overdue"), counts["overdue"])
        _count(cols[-1], t("wall.red_line"), counts["red_line"])
    if not ordered:
        st.info(t("wall.empty"))
        st.caption(t("wall.refreshed", time=_china(now), s=TURN_SECONDS))
        return
    index, shown = page_of(ordered, st.session_state.get(PAGE_KEY, 0))
    st.session_state[PAGE_KEY] = st.session_state.get(PAGE_KEY, 0) + 1
    names = org_cache.staff_names(url)
    with st.container(key="wall_tickets"):
        for col, chunk in zip(st.columns(COLUMNS, gap="large"), (shown[:ROWS], shown[ROWS:])):
            with col:
                for w in chunk:
                    st.markdown(ticket_line(w, names))
    st.markdown(" · ".join((t("wall.page", i=index + 1, n=pages(len(ordered)), s=TURN_SECONDS),
                            t("wall.refreshed", time=_china(now), s=TURN_SECONDS))))


def wall(url: str, reader) -> None:
    """The wall view: style, heading with the clock, and the board that refreshes and turns."""
    wall_style()
    with st.container(key="wall_head"):
        title, right = st.columns([3, 2], vertical_alignment="center")
        title.title(t("wall.title"))
        with right:
            clock()

    @live_fragment(f"{TURN_SECONDS}s")
    def board() -> None:
        draw(url, reader)

    board()
