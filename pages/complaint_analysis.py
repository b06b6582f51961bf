"""Complaint analysis: counts, time to close, SLA breaches, call-backs, patterns."""
from datetime import datetime, time, timedelta

import streamlit as st

from ui.guard import require

user = require("complaint_analysis")

from ui import cache, charts, complaint_cache  # noqa: E402
from ui.complaint_analysis_views import SHOWN_BUILDINGS, fold_tail  # noqa: E402
from ui.export import NUMBER, RATE, excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402
from core.clock import CHINA, local_today  # noqa: E402

url = cache.url()
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
    frame = complaint_cache.complaint_analysis(url, user.reader, since, until, by)
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

# One order for both charts (months in time order, anything else by the number received), values
# on the bars, the breach rate's company mean as a labelled line: read at a glance, side by side.
frame["key"] = frame["key"].fillna("—").astype(str)
everything = frame                      # the export has every group
others = 0
if by == "building":                    # the busiest buildings, the rest in one line (its figures summed)
    folded, others = fold_tail(frame.drop(columns=["breach_rate", "callback_coverage"]), SHOWN_BUILDINGS,
                               lambda n: t("analysis.others", n=n))
    if others:
        frame = folded
        frame["breach_rate"] = frame["breaches"] / frame["received"]
        frame["callback_coverage"] = frame["called_back"] / frame["received"]
        st.caption(t("analysis.others_note", shown=SHOWN_BUILDINGS, n=others))
order = charts.category_order(frame, "key", by="received", chronological=by == "month")
if others:                              # "other N" last, whatever it adds up to
    order = [k for k in order if k != frame["key"].iloc[-1]] + [frame["key"].iloc[-1]]
frame = frame.set_index("key").loc[order].reset_index()     # the table below in the same order
left, right = st.columns(2)
left.altair_chart(charts.bars(frame, "key", "received", order, key_title=label, value_title=t("analysis.received")),
                  width="stretch")
right.altair_chart(charts.bars(frame, "key", "breach_rate", order, key_title=label,
                               value_title=t("analysis.breach_rate"), fmt=".0%", axis_format="%",
                               colour="#c0392b", average=(frame["breaches"].sum() / total, t("analysis.mean"))),
                   width="stretch")



def _table(shown):
    return shown.rename(columns={"key": label, **{c: t(f"analysis.{c}") for c in shown.columns if c != "key"}})


table = _table(frame)
st.dataframe(table, hide_index=True, width="stretch", column_config={
    t("analysis.breach_rate"): st.column_config.NumberColumn(format="percent"),
    t("analysis.callback_coverage"): st.column_config.NumberColumn(format="percent"),
    t("analysis.hours_to_close"): st.column_config.NumberColumn(format="%.1f"),
    t("analysis.satisfaction"): st.column_config.NumberColumn(format="%.2f")})
excel_button(table if not others else (lambda: _table(everything)),    # (every building, read on a click)
             f"complaints_by_{by}.xlsx", key="analysis_export", sheet=t("xlsx.sheet.analysis", by=label),
             title=t("xlsx.title.analysis", by=label), period=f"{start} – {end}", filters={t("analysis.by"): label},
             kinds={t("analysis.breach_rate"): RATE, t("analysis.callback_coverage"): RATE,
                    t("analysis.hours_to_close"): NUMBER, t("analysis.satisfaction"): NUMBER})

# A day boundary, not "now": the cache key stays the same all day, so reruns cost no SQL.
year_ago = datetime.combine(today - timedelta(days=365), time(0), CHINA)
frequent, causes = complaint_cache.complaint_patterns(url, user.reader, year_ago)
st.subheader(t("analysis.frequent"))
if frequent.empty:
    st.info(t("analysis.frequent_none"))
else:
    st.dataframe(frequent.rename(columns={"complainant": t("field.complainant"), "phone": t("field.phone"),
                                          "complaints": t("analysis.complaints"), "last": t("analysis.last")}),
                 hide_index=True, width="stretch")
st.subheader(t("analysis.root_causes"))
causes["category"] = causes["category"].map(lambda v: t(f"category.{v}"))
causes = causes.rename(columns={"category": t("field.category"), "root_cause": t("field.root_cause"),
                                "times": t("analysis.times")})
st.dataframe(causes, hide_index=True, width="stretch")
excel_button(causes, "root_causes.xlsx", key="causes_export", sheet=t("xlsx.sheet.causes"),
             title=t("xlsx.title.causes"), period=f"{year_ago.date()} – {today}")
