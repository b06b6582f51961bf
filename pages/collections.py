"""Collection rates by project and city, the trend, and the age of arrears."""

import streamlit as st

from ui.guard import require

user = require("collections")

from core.clock import local_today  # noqa: E402
from core.collections.dunning import add_months  # noqa: E402
from core.collections.ledger import period_of  # noqa: E402
from core.collections.money import yuan  # noqa: E402
from db.engine import database_url  # noqa: E402
from ui import store  # noqa: E402
from ui.collection_views import (aging_chart, aging_table, by_city, city_chart, project_table,  # noqa: E402
                                 trend_chart, with_rates)
from ui.export import excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402

st.title(t("page.collections"))
today = local_today()
periods = [period_of(add_months(today.replace(day=1), -i)) for i in range(1, 25)]  # complete months, newest first
period = st.selectbox(t("coll.period"), periods, key="coll_period")
with st.spinner(t("loading.figures")):   # a cold cache sums millions of rows: a second or two
    sums, trend, aging, prepaid = store.collection_figures(database_url(), user.project_ids, period, periods[-1],
                                                           today)
if sums["billed"].sum() == 0:
    st.info(t("coll.empty"))
    st.stop()

total = with_rates(sums[["billed", "collected", "arrears_start", "recovered"]].sum().to_frame().T).iloc[0]
m = st.columns(3)
m[0].metric(t("rate.current"), f"{total['current']:.1%}", help=t("rate.def.current"))
m[1].metric(t("rate.recovery"), "—" if total["recovery"] != total["recovery"] else f"{total['recovery']:.1%}",
            help=t("rate.def.recovery"))
m[2].metric(t("rate.prepayment"), yuan(prepaid), help=t("rate.def.prepayment"))
st.caption(t("rate.def.current") + " " + t("rate.def.recovery"))

cities = by_city(sums)
st.subheader(t("coll.by_city"))
st.altair_chart(city_chart(cities, float(cities["current"].mean())), width="stretch")
st.subheader(t("coll.trend"))
st.altair_chart(trend_chart(trend), width="stretch")

st.subheader(t("coll.by_project"))
table = project_table(sums)
st.dataframe(table, hide_index=True, width="stretch", column_config={
    t("coll.col.current"): st.column_config.NumberColumn(format="percent"),
    t("coll.col.recovery"): st.column_config.NumberColumn(format="percent")})
excel_button(table, f"collection_{period}.xlsx", key="coll_export")

st.subheader(t("coll.aging"))
st.altair_chart(aging_chart(aging), width="stretch")
aged = aging_table(aging)
st.dataframe(aged, hide_index=True, width="stretch")
excel_button(aged, f"arrears_aging_{today}.xlsx", key="aging_export")
