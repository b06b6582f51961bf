"""Collection rates by project and city, the trend, and the age of arrears."""

import streamlit as st

from ui.guard import require

user = require("collections")

from core.clock import local_today  # noqa: E402
from core.collections.dunning import add_months  # noqa: E402
from core.collections.ledger import period_of  # noqa: E402
from core.collections.money import yuan  # noqa: E402
from core.collections.rates import WAIVED_CAPTION  # noqa: E402
from ui import cache, collection_cache  # noqa: E402
from ui.collection_views import (aging_chart, aging_kinds, aging_table, city_chart, percent,  # noqa: E402
                                 project_kinds, project_table, trend_chart)
from ui.export import excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402

st.title(t("page.collections"))
today = local_today()
periods = [period_of(add_months(today.replace(day=1), -i)) for i in range(1, 25)]  # complete months, newest first
period = st.selectbox(t("coll.period"), periods, key="coll_period")
with st.spinner(t("loading.figures")):   # a cold cache sums millions of rows: a second or two
    figures = collection_cache.collection_figures(cache.url(), user.reader, period, periods[-1], today)
if figures.total.billed == 0:
    st.info(t("coll.empty"))
    st.stop()

m = st.columns(3)
m[0].metric(t("rate.current"), percent(figures.current), help=t("rate.def.current"))
m[1].metric(t("rate.recovery"), percent(figures.recovery), help=t("rate.def.recovery"))
m[2].metric(t("rate.prepayment"), yuan(figures.prepaid), help=t("rate.def.prepayment"))
st.caption(t("rate.def.current") + " " + t("rate.def.recovery"))
st.caption(t("rate.def.credit"))
st.caption(t(WAIVED_CAPTION))

st.subheader(t("coll.by_city"))
st.altair_chart(city_chart(figures.cities, figures.city_average), width="stretch")
st.subheader(t("coll.trend"))
st.altair_chart(trend_chart(figures.trend), width="stretch")

st.subheader(t("coll.by_project"))
table = project_table(figures.projects)
st.dataframe(table, hide_index=True, width="stretch", column_config={
    t("coll.col.current"): st.column_config.NumberColumn(format="percent"),
    t("coll.col.recovery"): st.column_config.TextColumn(alignment="right")})
excel_button(lambda: project_table(figures.projects, raw=True), f"collection_{period}.xlsx", key="coll_export",
             sheet=t("xlsx.sheet.collection"), title=t("xlsx.title.collection"), kinds=project_kinds(), period=period)

st.subheader(t("coll.aging"))
st.altair_chart(aging_chart(figures.aging), width="stretch")
aged = aging_table(figures.aging)
st.dataframe(aged, hide_index=True, width="stretch")
excel_button(lambda: aging_table(figures.aging, raw=True), f"arrears_aging_{today}.xlsx", key="aging_export",
             sheet=t("xlsx.sheet.aging"), title=t("xlsx.title.aging"), kinds=aging_kinds(),
             period=t("xlsx.as_of", day=today.isoformat()))
