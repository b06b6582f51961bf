"""Today's dunning worklist: limitation warnings first, then per staff member; door visits by
building and floor; the paused units and the rule that paused each; record what was done."""

import pandas as pd
import streamlit as st

from ui.guard import require

user = require("collection_worklist")

from core.auth.capabilities import Capability  # noqa: E402
from core.clock import local_today  # noqa: E402
from core.collections.dunning import DISPUTE_CATEGORIES  # noqa: E402
from core.complaints.model import Category  # noqa: E402
from services.collections import UNASSIGNED  # noqa: E402
from ui import cache, collection_cache, org_cache  # noqa: E402
from ui.collection_forms import record_action_form  # noqa: E402
from services import collections  # noqa: E402
from ui.collection_views import pending_view, work_kinds, work_table  # noqa: E402
from ui.document_forms import notices_form  # noqa: E402
from ui.document_views import letter_picker, notice_places  # noqa: E402
from ui.export import excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402

SHOWN = 300  # rows drawn on screen; the Excel export has them all
EVERYONE = "*"  # the staff choice for the whole list (None would read as "nothing chosen")
today = local_today()
st.title(t("page.collection_worklist"))
st.caption(t("work.today", date=today))
with st.spinner(t("loading.figures")):   # the ladder for every unit in scope, when not cached
    work, paused = collection_cache.collection_ladder(cache.url(), user.reader, today)   # phones as this role sees them
pending = collections.pending_approvals(cache.engine(), user.actor)   # plans and waivers for a manager
if work.empty and paused.empty:
    st.info(t("work.empty"))
    pending_view(user, pending)
    st.stop()

warnings = work[work["warning"]]
if not warnings.empty:
    st.warning(t("work.limitation"), icon=":material/gavel:")
    st.dataframe(work_table(warnings), hide_index=True, width="stretch")
st.caption(t("work.paused_note"))

tab_staff, tab_visits, tab_paused, tab_pending = st.tabs([
    t("work.by_staff"), t("work.visits"), t("work.paused_tab", n=len(paused)),
    t("work.pending_tab", n=len(pending.plans) + len(pending.waivers))])
with tab_staff:
    options = [EVERYONE, *sorted(work["staff"].unique())]
    names = {EVERYONE: t("work.all_staff"), UNASSIGNED: t("work.unassigned")}
    names |= {s: org_cache.person(cache.url(), s) for s in options if s not in names}
    staff = st.selectbox(t("work.staff"), options, format_func=names.get,
                         index=options.index(user.username) if user.username in options else 0)
    mine = work if staff == EVERYONE else work[work["staff"] == staff]
    if len(mine) > SHOWN:
        st.caption(t("work.first_n", n=SHOWN, total=len(mine)))
    st.dataframe(work_table(mine.head(SHOWN)), hide_index=True, width="stretch")
    excel_button(lambda: work_table(mine, raw=True), f"worklist_{today}.xlsx", key="work_export",
                 sheet=t("xlsx.sheet.worklist"), title=t("xlsx.title.worklist"), kinds=work_kinds(),
                 period=str(today), filters={t("work.staff"): names[staff]})
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
        excel_button(lambda: work_table(visits, raw=True), f"door_visits_{today}.xlsx", key="visits_export",
                     sheet=t("xlsx.sheet.visits"), title=t("xlsx.title.visits"), kinds=work_kinds(), period=str(today))
with tab_paused:
    st.caption(t("work.paused_rules", categories="、".join(
        t(f"category.{c.value}") for c in Category if c in DISPUTE_CATEGORIES)))
    if paused.empty:
        st.caption(t("work.none_paused"))
    else:
        st.dataframe(work_table(paused.head(SHOWN), held=True), hide_index=True, width="stretch")
        excel_button(lambda: work_table(paused, held=True, raw=True), f"paused_{today}.xlsx", key="paused_export",
                     sheet=t("xlsx.sheet.paused"), title=t("xlsx.title.paused"), kinds=work_kinds(), period=str(today))

with tab_pending:
    pending_view(user, pending)

# The units on screen (limitation warnings and the list shown above): a collector works down the
# list, and a unit whose step is recorded leaves it, so the next ones move up into view.
if not work.empty:
    record_action_form(user, pd.concat([warnings, mine.head(SHOWN)]).drop_duplicates("unit_id"), today)

# Paper for the round: a notice per owing unit of a project or building, sorted door to door;
# and the letters of one unit of the list.
if user.actor.can(Capability.RECORD_DUNNING):
    with st.expander(t("docs.notices"), icon=":material/print:"):
        notices_form(user, *notice_places(user))
    if not work.empty:
        with st.expander(t("docs.letters"), icon=":material/mail:"):
            letter_picker(user, pd.concat([warnings, mine.head(SHOWN)]).drop_duplicates("unit_id"))
