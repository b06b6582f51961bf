"""The monthly billing run of a project: its fee schedule, a preview of the month (units, totals
by item, the exceptions), the confirmed run with its progress, and the runs so far (undo while
untouched)."""
import streamlit as st

from ui.guard import require

user = require("billing")

from core.auth.capabilities import Capability  # noqa: E402
from core.clock import local_today  # noqa: E402
from core.collections.dunning import add_months  # noqa: E402
from core.collections.ledger import period_of  # noqa: E402
from core.errors import DomainError  # noqa: E402
from services import collections  # noqa: E402
from ui import cache, org_cache  # noqa: E402
from ui.collection_forms import confirm_run_form, rate_form, undo_run_form  # noqa: E402
from ui.collection_views import fee_table, preview_view, runs_table  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.submit import show_errors, show_flash  # noqa: E402

today = local_today()
engine = cache.engine()
st.title(t("page.billing"))
st.caption(t("billing.caption"))
show_flash("billing")

projects = org_cache.projects(cache.url(), user.reader)
if projects.empty:
    st.info(t("billing.no_projects"))
    st.stop()
names = {int(i): n for i, n in zip(projects["id"], projects["name"])}
project_id = st.selectbox(t("coll.col.project"), list(names), format_func=names.get, key="billing_project")

st.subheader(t("billing.schedule"))
rates = collections.fee_schedule(engine, user.actor, project_id)
if rates.empty:
    st.info(t("billing.no_rates"))
else:
    st.dataframe(fee_table(rates), hide_index=True, width="stretch")
if user.actor.can(Capability.MANAGE_FEES):
    rate_form(user, project_id, today)

st.subheader(t("billing.month"))
periods = [period_of(add_months(today.replace(day=1), -i)) for i in range(0, 3)]   # months begun, newest first
period = st.selectbox(t("field.period"), periods, key="billing_period")
key = f"billing_preview_{project_id}"
if st.button(t("billing.preview"), key="billing_preview_button"):
    try:
        with st.spinner(t("loading.figures")):
            st.session_state[key] = collections.preview_billing(engine, user.actor, project_id, period, today)
    except DomainError as e:
        show_errors(e)
preview = st.session_state.get(key)
if preview is not None and preview.period == period:
    preview_view(preview)
    if preview.bills:
        confirm_run_form(user, project_id, preview)
    else:
        st.info(t("billing.nothing", already=preview.already))

st.subheader(t("billing.runs"))
runs = collections.billing_runs(engine, user.actor, project_id)
if runs.empty:
    st.caption(t("billing.no_runs"))
else:
    st.dataframe(runs_table(runs), hide_index=True, width="stretch")
    undo_run_form(user, project_id, runs)
