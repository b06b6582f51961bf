"""Units: find a unit by room number or owner name and read its record: owners over time, the
special-needs ledger, complaints, defects and the fee ledger; keep owners and needs up to date."""
import streamlit as st

from ui.guard import require

user = require("units")

from core.auth.capabilities import Capability  # noqa: E402
from services import complaints, movein, org, search  # noqa: E402
from ui import cache, org_cache  # noqa: E402
from ui.collection_views import unit_ledger  # noqa: E402
from ui.complaint_attachments import unit_attachments  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.movein_views import defect_table  # noqa: E402
from ui.org_forms import (co_owner_form, end_need_button, need_form, owner_edit_form,  # noqa: E402
                          remove_owner_button, transfer_form)
from ui.org_views import complaint_history, needs_table, needs_text, ownership_history, unit_record  # noqa: E402
from ui.submit import show_flash  # noqa: E402
from ui.widgets import md_plain  # noqa: E402

engine = cache.engine()
st.title(t("page.units"))
query = st.text_input(t("units.search"), help=t("units.search_help"), max_chars=40, key="units_q")
if not query.strip():
    st.info(t("units.empty_query"))
    st.stop()

found = search.units(engine, user.actor, query, limit=org.SEARCH_LIMIT)  # 阳光花园 3-19 王: every word
if found.empty:
    st.warning(t("units.none_found", q=md_plain(query.strip())))
    st.stop()
unit_ids = found["unit_id"].tolist()
found["status"] = found["status"].map(lambda s: t(f"status.{s}"))
found["special_needs"] = found["special_needs"].map(needs_text)
st.caption(t("units.found", n=len(found), limit=org.SEARCH_LIMIT))
shown = found.drop(columns=["unit_id", "project_id"]).rename(columns=lambda c: t(f"units.col.{c}"))
picked = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun",
                      selection_mode="single-row", key="units_table")
rows = picked.selection.rows if picked else []
unit_id = int(unit_ids[rows[0] if rows else 0])
record = org.unit_detail(engine, user.actor, unit_id)

unit_record(record)
edits = user.actor.can(Capability.EDIT_OWNERS)
show_flash("owners")
with st.expander(t("owners.title"), expanded=False):
    current = [o for o in record["owners"] if o.until is None]
    for o in current:
        st.markdown(f"**{md_plain(o.name)}**" + (f" · {t('field.since')} {o.since}" if o.since else ""))
        if edits:
            owner_edit_form(user, unit_id, o)
            if len(current) > 1:
                remove_owner_button(user, unit_id, o.id, st)
    ownership_history(record["owners"])
    if edits:
        st.markdown(f"**{t('owners.add_co_owner')}**")
        co_owner_form(user, unit_id)
        st.markdown(f"**{t('owners.transfer')}**")
        transfer_form(user, unit_id, record["version"], org.unit_owed(engine, user.actor, unit_id))

if record["needs"] is not None:
    show_flash("needs")
    with st.expander(t("needs.title", n=len(record["needs"])), expanded=bool(record["needs"])):
        if record["needs"]:
            staff = org_cache.staff_names(cache.url())
            st.dataframe(needs_table(record["needs"], staff), hide_index=True, width="stretch")
            if user.actor.can(Capability.RECORD_SPECIAL_NEEDS):
                for n in record["needs"]:
                    c1, c2 = st.columns([4, 1])
                    c1.caption(f"{t(f'need.{n.kind}')} · {md_plain(n.note)}" if n.note else t(f"need.{n.kind}"))
                    end_need_button(user, n, c2)
        else:
            st.caption(t("needs.none"))
        if user.actor.can(Capability.RECORD_SPECIAL_NEEDS):
            need_form(user, unit_id, record["owners"])

complaint_history(*complaints.unit_history(engine, user.actor, unit_id))
unit_attachments(engine, user, unit_id)

st.subheader(t("units.defects"))
defects = movein.open_defects(engine, user.actor, unit_id=unit_id)
if defects.empty:
    st.caption(t("mplan.no_defects"))
else:
    st.dataframe(defect_table(defects), hide_index=True, width="stretch")

unit_ledger(user, unit_id)
