"""Complaint analysis: counts, time to close, SLA breaches, call-backs, patterns."""
from datetime import datetime, time, timedelta

import altair as alt
import streamlit as st

from ui.guard import require

user = require("complaint_analysis")

from db.engine import database_url  # noqa: E402
from ui import store  # noqa: E402
from ui.export import excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402
from core.clock import CHINA, local_today  # noqa: E402

url = database_url()
st.title(t("page.complaint_analysis"))
today = local_today()
c1, c2 = st.columns([2, 1])
picked = c1.date_input(t("analysis.range"), value=(today - timedelta(days=365), today), max_value=today)
by = c2.selectbox(t("analysis.by"), ["category", "month", "building", "department"],
                  format_func=lambda k: t(f"analysis.by.{k}"))
# While the user is still picking the second date the widget returns one date only.
start, end = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (picked or today, picked or today)
since = datetime.combine(start, time(0), CHINA)
until = datetime.combine(end + timedelta(days=1), time(0), CHINA)

with st.spinner(t("loading.figures")):
    frame = store.complaint_analysis(url, user.project_ids, since, until, by)
if frame.empty:
    st.info(t("analysis.empty"))
    st.stop()
frame["breach_rate"] = frame["breaches"] / frame["received"]
frame["callback_coverage"] = frame["called_back"] / frame["received"]
if by == "category":
    frame["key"] = frame["key"].map(lambda v: t(f"category.{v}"))
label = t(f"analysis.by.{by}")
st.caption(t("analysis.def"))
m = st.columns(4)
total = int(frame["received"].sum())
m[0].metric(t("analysis.received"), f"{total:,}")
m[1].metric(t("analysis.breach_rate"), f"{frame['breaches'].sum() / total:.1%}")
m[2].metric(t("analysis.callback_coverage"), f"{frame['called_back'].sum() / total:.1%}")
sat = (frame["satisfaction"] * frame["called_back"]).sum() / max(frame["called_back"].sum(), 1)
m[3].metric(t("analysis.satisfaction"), f"{sat:.2f} / 5")

left, right = st.columns(2)
axis = alt.X("key:N", title=label, sort=None if by == "month" else "-y")
left.altair_chart(alt.Chart(frame).mark_bar().encode(
    x=axis, y=alt.Y("received:Q", title=t("analysis.received")),
    tooltip=[alt.Tooltip("key:N", title=label), alt.Tooltip("received:Q", title=t("analysis.received"))]),
    width="stretch")
right.altair_chart(alt.Chart(frame).mark_bar(color="#c0392b").encode(
    x=axis, y=alt.Y("breach_rate:Q", title=t("analysis.breach_rate"), axis=alt.Axis(format="%")),
    tooltip=[alt.Tooltip("key:N", title=label), alt.Tooltip("breach_rate:Q", format=".1%")]), width="stretch")

table = frame.rename(columns={"key": label, **{c: t(f"analysis.{c}") for c in frame.columns if c != "key"}})
st.dataframe(table, hide_index=True, width="stretch", column_config={
    t("analysis.breach_rate"): st.column_config.NumberColumn(format="percent"),
    t("analysis.callback_coverage"): st.column_config.NumberColumn(format="percent"),
    t("analysis.hours_to_close"): st.column_config.NumberColumn(format="%.1f"),
    t("analysis.satisfaction"): st.column_config.NumberColumn(format="%.2f")})
excel_button(table, f"complaints_by_{by}.xlsx", key="analysis_export")

# A day boundary, not "now": the cache key stays the same all day, so reruns cost no SQL.
year_ago = datetime.combine(today - timedelta(days=365), time(0), CHINA)
frequent, causes = store.complaint_patterns(url, user.project_ids, year_ago)
st.subheader(t("analysis.frequent"))
st.dataframe(frequent.rename(columns={"complainant": t("field.complainant"), "phone": t("field.phone"),
                                      "complaints": t("analysis.complaints"), "last": t("analysis.last")}),
             hide_index=True, width="stretch")
st.subheader(t("analysis.root_causes"))
causes["category"] = causes["category"].map(lambda v: t(f"category.{v}"))
st.dataframe(causes.rename(columns={"category": t("field.category"), "root_cause": t("field.root_cause"),
                                    "times": t("analysis.times")}), hide_index=True, width="stretch")
excel_button(causes, "root_causes.xlsx", key="causes_export")
