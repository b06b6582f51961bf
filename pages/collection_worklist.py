"""Today's dunning worklist: limitation warnings first, then per staff member; door visits by
building and floor; record what was done."""

import pandas as pd
import streamlit as st

from ui.guard import require

user = require("collection_worklist")

from core.auth.roles import sees_full_phone  # noqa: E402
from core.clock import local_today  # noqa: E402
from core.org.rules import mask_phone  # noqa: E402
from db.engine import database_url  # noqa: E402
from ui import store  # noqa: E402
from ui.store import UNASSIGNED  # noqa: E402
from ui.collection_work import record_action_form, work_table  # noqa: E402
from ui.export import excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402

SHOWN = 300  # rows drawn on screen; the Excel export has them all
EVERYONE = "*"  # the staff choice for the whole list (None would read as "nothing chosen")
today = local_today()
st.title(t("page.collection_worklist"))
st.caption(t("work.today", date=today))
with st.spinner(t("loading.figures")):   # the ladder for every unit in scope, when not cached
    work = store.collection_worklist(database_url(), user.project_ids, today)
if work.empty:
    st.info(t("work.empty"))
    st.stop()
if not sees_full_phone(user.role):
    work = work.assign(phone=work["phone"].map(mask_phone))   # a copy: the cached frame stays whole

warnings = work[work["warning"]]
if not warnings.empty:
    st.error(t("work.limitation"))
    st.dataframe(work_table(warnings), hide_index=True, width="stretch")
st.caption(t("work.paused_note"))

tab_staff, tab_visits = st.tabs([t("work.by_staff"), t("work.visits")])
with tab_staff:
    options = [EVERYONE, *sorted(work["staff"].unique())]
    names = {EVERYONE: t("work.all_staff"), UNASSIGNED: t("work.unassigned")}
    names |= {s: store.person(database_url(), s) for s in options if s not in names}
    staff = st.selectbox(t("work.staff"), options, format_func=names.get,
                         index=options.index(user.username) if user.username in options else 0)
    mine = work if staff == EVERYONE else work[work["staff"] == staff]
    if len(mine) > SHOWN:
        st.caption(t("work.first_n", n=SHOWN, total=len(mine)))
    st.dataframe(work_table(mine.head(SHOWN)), hide_index=True, width="stretch")
    excel_button(work_table(mine), f"worklist_{today}.xlsx", key="work_export")
with tab_visits:
    # One building at a time, floor by floor: the route a collector walks.
    visits = work[work["steps"].str.contains("visit")].sort_values(["project", "building", "floor", "room_no"])
    if visits.empty:
        st.caption(t("work.empty"))
    else:
        counts = visits.groupby(["project", "building"], sort=False).size()
        labels = {key: f"{key[0]} · {key[1]} ({n})" for key, n in counts.items()}
        chosen = st.selectbox(t("work.col.building"), list(labels), format_func=labels.get, key="visit_building")
        here = visits[(visits["project"] == chosen[0]) & (visits["building"] == chosen[1])]
        st.dataframe(work_table(here), hide_index=True, width="stretch")
        excel_button(work_table(visits), f"door_visits_{today}.xlsx", key="visits_export")

# The units on screen (limitation warnings and the list shown above): a collector works down the
# list, and a unit whose step is recorded leaves it, so the next ones move up into view.
record_action_form(user, pd.concat([warnings, mine.head(SHOWN)]).drop_duplicates("unit_id"), today)
