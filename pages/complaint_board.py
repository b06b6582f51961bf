"""Live complaint board: columns by stage, overdue and at-risk first, refreshing by itself."""
import streamlit as st

from ui.guard import require

user = require("complaint_board")

from core.complaints.model import OPEN_STAGES, Category  # noqa: E402
from db.engine import database_url  # noqa: E402
from ui import store  # noqa: E402
from ui.board import cards_by_stage, escalation_list, stage_column  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.i18n import t  # noqa: E402

url = database_url()
wall = st.toggle(t("board.wall"), key="board_wall")
building_id = category = handler = None
if not wall:
    st.title(t("page.complaint_board"))
    with st.expander(t("board.filters")):
        f1, f2, f3 = st.columns(3)
        buildings = store.buildings(url, user.project_ids)
        labels = {int(r.id): f"{r.project} {r.name}" for r in buildings.itertuples()}
        building_id = f1.selectbox(t("board.building"), [None, *labels], format_func=lambda b: labels.get(b, t("board.all")))
        category = f2.selectbox(t("field.category"), [None, *[c.value for c in Category]],
                                format_func=lambda v: t(f"category.{v}") if v else t("board.all"))
        handler = f3.text_input(t("board.handler"), max_chars=40).strip() or None


@st.fragment(run_every="10s")
def live_board():
    now, counts, tickets, escalations = store.complaint_board(url, user.project_ids, building_id, category, handler)
    m = st.columns(5)
    for col, key in zip(m, ("open", "overdue", "at_risk", "red_line", "repeat")):
        col.metric(t(f"board.{key}"), counts[key])
    st.caption(t("board.refreshed", time=local(now)))
    if user.role in ("manager", "admin"):
        escalation_list(escalations)
    if tickets.empty:
        st.info(t("board.empty"))
        return
    by_stage = cards_by_stage(tickets, now)
    # Four stages a row on the wall screen; two at a desk, where a 1024 px screen also holds the menu.
    per_row = 4 if wall else 2
    for row_stages in (OPEN_STAGES[i:i + per_row] for i in range(0, len(OPEN_STAGES), per_row)):
        for col, stage in zip(st.columns(len(row_stages)), row_stages):
            with col:
                stage_column(stage, by_stage.get(stage.value, []), big=wall)


live_board()
