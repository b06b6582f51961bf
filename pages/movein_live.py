"""The live move-in day on a tablet: find a household, move it one station with one tap, log
defects and disputes, and watch the hall."""

import streamlit as st

from ui.guard import require

user = require("movein_live")

from core.clock import local_today  # noqa: E402
from core.errors import DomainError  # noqa: E402
from db import movein  # noqa: E402
from ui import store  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402
from ui.movein_live_parts import defect_form, dispute_form, household_card, live_board, touch_style  # noqa: E402

engine = store.engine()
touch_style()
st.subheader(t("page.movein_live"), anchor=False)
batches = movein.list_batches(engine, user.project_ids)
if batches.empty:
    st.info(t("mlive.none"))
    st.stop()
today = local_today()
labels = {int(r.id): f"{r.name} · {r.start}" for r in batches.itertuples()}
c1, c2 = st.columns([2, 1])
batch_id = c1.selectbox(t("mlive.batch"), list(labels), format_func=labels.get, key="live_batch")
settings, _, _, _ = movein.load_batch(engine, batch_id)
days = [d for d, _ in movein.plan_per_day(engine, batch_id).groupby("day")]
day = c2.selectbox(t("mlive.day"), days, index=days.index(today) if today in days else 0, key="live_day")

with st.form("find", border=False):
    f1, f2 = st.columns([3, 1], vertical_alignment="bottom")
    room = f1.text_input(t("mlive.room"), max_chars=12, placeholder="3-1906", key="live_room")
    found = f2.form_submit_button(t("mlive.find"), type="primary", width="stretch")
if found or st.session_state.get("live_household"):
    try:
        if found:
            st.session_state["live_household"] = room
        household = movein.find_household(engine, batch_id, st.session_state["live_household"])
    except DomainError as e:
        st.error(error_text(e))
    else:
        household_card(engine, user, batch_id, settings, household)
        defect_form(engine, user, batch_id, household)
        dispute_form(engine, user, batch_id, household)
else:
    st.caption(t("mlive.hint"))
live_board(engine, batch_id, day)
