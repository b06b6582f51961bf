"""Move-in planning: the batch, the forecast and staffing, the hall, the checklist, after the day."""
from datetime import time

import streamlit as st

from ui.guard import require

user = require("movein_plan")

from core.clock import local_today  # noqa: E402
from core.errors import DomainError  # noqa: E402
from core.movein.model import BatchSettings  # noqa: E402
from core.movein.staffing import waiting_capacity  # noqa: E402
from db import movein  # noqa: E402
from db.engine import database_url  # noqa: E402
from ui import store  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402
from ui.movein_plan_tabs import after_tab, checklist_tab, forecast_tab, hall_tab  # noqa: E402

engine = store.engine()
st.title(t("page.movein_plan"))
projects = store.projects(database_url(), user.project_ids)
batches = movein.list_batches(engine, user.project_ids)

with st.expander(t("mplan.new"), expanded=batches.empty):
    if batches.empty:
        st.info(t("mplan.none"))
    with st.form("new_batch"):
        c1, c2, c3 = st.columns(3)
        names = dict(zip(projects["id"], projects["name"]))
        project_id = c1.selectbox(t("mplan.project"), list(names), format_func=names.get)
        name = c2.text_input(t("mplan.name"), max_chars=60)
        buildings = c3.text_input(t("mplan.buildings"), max_chars=60, placeholder="1,2,3")
        start = c1.date_input(t("mplan.start"), value=local_today())
        days = c2.number_input(t("mplan.days"), 1, 60, 10)
        hall = c3.number_input(t("mplan.hall"), 10.0, 5000.0, 150.0, step=10.0)
        opens = c1.time_input(t("mplan.opens"), time(9, 0))
        closes = c2.time_input(t("mplan.closes"), time(17, 0))
        if st.form_submit_button(t("mplan.create"), type="primary"):
            try:
                settings = BatchSettings(start=start, days=int(days), opens=opens, closes=closes, hall_m2=float(hall))
                chosen = [b.strip().upper() for b in buildings.split(",") if b.strip()]
                new_id = movein.create_batch(engine, user.username, project_id, name, settings, chosen)
                st.success(t("mplan.created", n=int(movein.list_batches(engine, user.project_ids)
                                                    .set_index("id").loc[new_id, "households"])))
                batches = movein.list_batches(engine, user.project_ids)
            except DomainError as e:
                st.error(error_text(e))
if batches.empty:
    st.stop()

labels = {int(r.id): f"{r.name} · {r.start} · {r.households}" for r in batches.itertuples()}
batch_id = st.selectbox(t("mplan.batch"), list(labels), format_func=labels.get, key="mplan_batch")
settings, zones, staffing, version = movein.load_batch(engine, batch_id)
per_day = [(d, int(n)) for d, n in movein.plan_per_day(engine, batch_id).groupby("day")["households"].sum().items()]
waiting_m2 = sum(z.m2 for z in zones if z.code == "waiting")
capacity = waiting_capacity(settings, waiting_m2)

tab_fc, tab_hall, tab_check, tab_after = st.tabs([t("mplan.tab.forecast"), t("mplan.tab.hall"),
                                                   t("mplan.tab.checklist"), t("mplan.tab.after")])
with tab_fc:
    forecast_tab(engine, user, batch_id, settings, zones, staffing, version, per_day, capacity)
with tab_hall:
    hall_tab(engine, user, batch_id, settings, zones, staffing, version, capacity)
with tab_check:
    checklist_tab(engine, user, batch_id)
with tab_after:
    after_tab(engine, user, batch_id)
