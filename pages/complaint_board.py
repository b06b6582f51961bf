"""Live complaint board: columns by stage, overdue and at-risk first, refreshing by itself.
With ?wall=1 the wall screen instead: one 1920x1080 screen, no menus, pages turning by themselves."""
import streamlit as st

from ui.guard import live_fragment, require

user = require("complaint_board")

from core.auth.capabilities import Capability  # noqa: E402
from core.complaints.model import OPEN_STAGES, Category  # noqa: E402
from ui import cache, complaint_cache, complaint_wall, org_cache  # noqa: E402
from ui.complaint_views import escalation_list, stage_column  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.i18n import t  # noqa: E402

url = cache.url()
if st.query_params.get("wall") == "1":
    complaint_wall.wall(url, user.reader)
    st.stop()
if st.toggle(t("board.wall"), key="board_wall"):
    st.query_params["wall"] = "1"   # an address to bookmark on the wall screen's browser
    st.rerun()

st.title(t("page.complaint_board"))
with st.expander(t("board.filters")):
    f1, f2, f3 = st.columns(3)
    buildings = org_cache.buildings(url, user.reader)
    labels = {int(r.id): f"{r.project} {r.name}" for r in buildings.itertuples()}
    building_id = f1.selectbox(t("board.building"), [None, *labels], format_func=lambda b: labels.get(b, t("board.all")))
    category = f2.selectbox(t("field.category"), [None, *[c.value for c in Category]],
                            format_func=lambda v: t(f"category.{v}") if v else t("board.all"))
    # A person, picked by the name staff know (the board filters on the login behind it).
    people = org_cache.staff_names(url, active_only=True)
    handler = f3.selectbox(t("board.handler"), [None, *sorted(people, key=lambda u: (people[u], u))],
                           format_func=lambda u: people.get(u, u) if u else t("board.all"))


@live_fragment("10s")
def live_board():
    board, by_stage = complaint_cache.live_cards(url, user.reader, building_id, category, handler)
    m = st.columns(5)
    for col, key in zip(m, ("open", "overdue", "at_risk", "red_line", "repeat")):
        col.metric(t(f"board.{key}"), board.counts[key])
    st.caption(t("board.refreshed", time=local(board.now)))
    if user.actor.can(Capability.ACKNOWLEDGE_RED_LINE):
        escalation_list(board.escalations)
    if board.tickets.empty:
        st.info(t("board.empty"))
        return
    # Two stages a row: a 1024 px desk screen also holds the menu.
    for row_stages in (OPEN_STAGES[i:i + 2] for i in range(0, len(OPEN_STAGES), 2)):
        for col, stage in zip(st.columns(len(row_stages)), row_stages):
            with col:
                stage_column(stage, by_stage.get(stage.value, []))


live_board()
