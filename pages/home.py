"""Home: what the shared core knows today, for this user's projects."""

import altair as alt
import streamlit as st

from ui.guard import require

user = require("home")

from core.auth.capabilities import Capability  # noqa: E402  (after the guard: a refused session loads nothing)
from core.auth.roles import can_open, pages_for  # noqa: E402
from core.clock import local_today  # noqa: E402
from core.org.stats import occupancy_rate, portfolio_counts  # noqa: E402
from ui import cache, charts, collection_cache, complaint_cache, movein_cache, org_cache  # noqa: E402
from services.collections import last_complete_month  # noqa: E402
from ui.collection_views import owed_metrics, percent  # noqa: E402
from ui.export import RATE, excel_button  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.pages import HIDDEN, built_pages  # noqa: E402

url = cache.url()
st.title(t("home.greeting", name=user.display_name))
shortcuts = [p for p in pages_for(user.role, built_pages()) if p != "home" and p not in HIDDEN]
if not user.actor.can(Capability.VIEW_UNITS):
    # Roles without owners' data (trainers) get their modules, not the portfolio.
    links = st.columns(3)
    for i, name in enumerate(shortcuts):
        links[i % 3].page_link(f"pages/{name}.py", label=t(f"page.{name}"))
    st.stop()
counts = org_cache.units_by_status(url, user.reader)
if counts.empty:
    if user.actor.can(Capability.MANAGE_ORG):   # a store being set up: the way to the set-up page
        st.info(t("home.set_up"))
        st.page_link("pages/setup.py", label=t("page.setup"), icon=":material/domain_add:")
    else:
        st.info(t("home.no_projects"))
    st.stop()

totals = portfolio_counts(list(counts[["project", "status", "units"]].itertuples(index=False)))
cols = st.columns(4)
cols[0].metric(t("home.projects"), totals.projects)
cols[1].metric(t("home.units"), f"{totals.units:,}")
cols[2].metric(t("home.occupied"), f"{totals.occupied:,}")
cols[3].metric(t("home.to_hand_over"), f"{totals.to_hand_over:,}")

wide = counts.pivot_table(index=["project", "city"], columns="status", values="units", fill_value=0)
wide = wide.reindex(columns=["unsold", "sold", "handed_over", "occupied"], fill_value=0).reset_index()
wide["rate"] = [occupancy_rate(int(r.occupied), int(r.sold + r.handed_over + r.occupied))
                for r in wide.itertuples()]
if can_open(user.role, "movein_live"):
    boards, overdue = movein_cache.movein_today(url, user.reader, local_today())
    if boards or not overdue.empty:
        st.subheader(t("home.movein"))
    for name, board in boards:
        mc = st.columns(4)
        mc[0].metric(name, f"{board['finished']} / {board['planned']}", help=t("mlive.done_today"))
        mc[1].metric(t("mlive.not_arrived"), board["not_arrived"])
        mc[2].metric(t("mlive.no_shows"), board["no_shows"])
        mc[3].metric(t("mlive.mean_flow"), "—" if board["mean_flow_min"] is None else f"{board['mean_flow_min']:.0f}")
    if not overdue.empty:
        st.warning(t("home.checklist_overdue", n=len(overdue)))
        st.dataframe(overdue.assign(code=overdue["code"].map(lambda c: t(f"check.{c}")))
                     .rename(columns={"name": t("mplan.batch"), "code": t("mplan.item"), "owner": t("mplan.owner"),
                                      "due": t("mplan.due")}), hide_index=True, width="stretch")

if can_open(user.role, "complaint_board"):
    st.subheader(t("home.complaints"))
    complaints = complaint_cache.complaint_counts(url, user.reader)
    cc = st.columns(4)
    for col, key in zip(cc, ("open", "overdue", "at_risk", "red_line")):
        col.metric(t(f"board.{key}"), complaints[key])
    pending = complaints["red_line"] + complaints["repeat"]
    if pending and user.actor.can(Capability.ACKNOWLEDGE_RED_LINE):
        st.warning(t("home.escalations_pending", n=pending))
        st.page_link("pages/complaint_board.py", label=t("page.complaint_board"), icon=":material/view_kanban:")

if user.actor.can(Capability.SEE_HEADLINES):
    today = local_today()
    head = collection_cache.collection_headline(url, user.reader, last_complete_month(today), today)
    warnings = head.warnings
    st.subheader(t("home.collections"))
    hc = st.columns(3)
    # The last complete month's rate, named; the month so far beside it, labelled as such.
    hc[0].metric(t("home.rate_month", period=head.period), percent(head.rate), help=t("rate.def.current"))
    hc[1].metric(t("home.rate_to_date", period=f"{today:%Y-%m}"), percent(head.to_date),
                 help=t("home.rate_to_date_help"))
    hc[2].metric(t("home.limitation_count"), warnings)
    owed_metrics(head.owed)
    if warnings:
        st.warning(t("home.limitation", n=warnings))
        st.page_link("pages/collection_worklist.py", label=t("page.collection_worklist"), icon=":material/checklist:")

st.subheader(t("home.occupancy_title"))
# Projects fullest first, in the chart and the table below it; bars from zero, each with its rate.
order = charts.category_order(wide, "project", by="rate")
wide = wide.set_index("project").loc[order].reset_index()
occupancy = alt.Chart(wide).mark_bar().encode(
    x=alt.X("rate:Q", title=t("home.occupancy_rate"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    y=alt.Y("project:N", title=None, sort=order),
    tooltip=[alt.Tooltip("project:N", title=t("home.col.project")),
             alt.Tooltip("rate:Q", title=t("home.occupancy_rate"), format=".1%")])
st.altair_chart(alt.layer(occupancy, charts.bar_values(occupancy, "rate", ".0%", horizontal=True)), width="stretch")

st.subheader(t("home.units_by_status"))
table = wide.rename(columns={"project": t("home.col.project"), "city": t("home.col.city"),
                             "rate": t("home.occupancy_rate"),
                             **{s: t(f"status.{s}") for s in ("unsold", "sold", "handed_over", "occupied")}})
st.dataframe(table, hide_index=True, width="stretch",
             column_config={t("home.occupancy_rate"): st.column_config.ProgressColumn(format="percent")})
excel_button(table, "units_by_project.xlsx", key="home_export", sheet=t("xlsx.sheet.units"),
             title=t("xlsx.title.units"), period=t("xlsx.as_of", day=local_today().isoformat()),
             kinds={t("home.occupancy_rate"): RATE})

st.subheader(t("home.modules"))
links = st.columns(3)
for i, name in enumerate(shortcuts):
    links[i % 3].page_link(f"pages/{name}.py", label=t(f"page.{name}"))
