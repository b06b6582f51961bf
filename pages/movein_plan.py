"""Move-in planning: the batch, its appointments, the staffing over simulated days, the hall, the
checklist, after the day."""
import streamlit as st

from ui.guard import require

user = require("movein_plan")

from core.movein.staffing import waiting_capacity  # noqa: E402
from services import movein  # noqa: E402
from ui import cache, movein_cache, org_cache  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.movein_forms import (PLAN, after_tab, appointments_tab, checklist_tab, hall_tab, new_batch_form,  # noqa: E402
                             staffing_tab)
from ui.submit import show_flash  # noqa: E402

st.title(t("page.movein_plan"))
show_flash(PLAN)
batches = movein_cache.batches(cache.url(), user.reader)

with st.expander(t("mplan.new"), expanded=batches.empty):
    if batches.empty:
        st.info(t("mplan.none"))
    new_batch_form(user, org_cache.projects(cache.url(), user.reader))
if batches.empty:
    st.stop()

labels = {int(r.id): f"{r.name} · {r.start} · {r.households}" for r in batches.itertuples()}
batch_id = st.selectbox(t("mplan.batch"), list(labels), format_func=labels.get, key="mplan_batch")
plan = movein.load_batch(cache.engine(), user.actor, batch_id)
per_day = movein_cache.day_bookings(cache.url(), user.reader, batch_id)
capacity = waiting_capacity(plan.settings, sum(z.m2 for z in plan.zones if z.code == "waiting"))

tab_appt, tab_staff, tab_hall, tab_check, tab_after = st.tabs([
    t("mplan.tab.appointments"), t("mplan.tab.forecast"), t("mplan.tab.hall"), t("mplan.tab.checklist"),
    t("mplan.tab.after")])
with tab_appt:
    appointments_tab(user, batch_id, plan, per_day)
with tab_staff:
    staffing_tab(user, batch_id, plan, capacity)
with tab_hall:
    hall_tab(user, batch_id, plan, per_day)
with tab_check:
    checklist_tab(user, batch_id)
with tab_after:
    after_tab(user, batch_id)
