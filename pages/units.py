"""Units: find a unit by room number or owner name and read its record."""
import streamlit as st

from ui.guard import require

user = require("units")

from core.auth.roles import sees_full_phone  # noqa: E402
from core.org.rules import mask_phone  # noqa: E402
from db import complaint_views, movein, org  # noqa: E402
from ui import store  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.movein_views import defect_table  # noqa: E402
from ui.unit_ledger import unit_ledger  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.widgets import field, md_plain  # noqa: E402

st.title(t("page.units"))
query = st.text_input(t("units.search"), help=t("units.search_help"), max_chars=40, key="units_q")
if not query.strip():
    st.info(t("units.empty_query"))
    st.stop()

found = org.search_units(store.engine(), query, user.project_ids)
if found.empty:
    st.warning(t("units.none_found", q=md_plain(query.strip())))
    st.stop()
if not sees_full_phone(user.role):
    found["phone"] = found["phone"].map(mask_phone)
found["status"] = found["status"].map(lambda s: t(f"status.{s}"))
st.caption(t("units.found", n=len(found), limit=org.SEARCH_LIMIT))
shown = found.drop(columns=["unit_id"]).rename(columns=lambda c: t(f"units.col.{c}"))
picked = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun",
                      selection_mode="single-row", key="units_table")
rows = picked.selection.rows if picked else []
record = found.iloc[rows[0] if rows else 0]

st.subheader(f"{t('units.record')} · {md_plain(record['project'])} {record['room_no']}")
left, right = st.columns(2)
for col in ("status", "floor", "area_m2"):
    field(t(f"units.col.{col}"), record[col], left)
if record["owner"]:
    field(t("units.col.owner"), record["owner"], right)
    field(t("units.col.phone"), record["phone"], right)
    if not sees_full_phone(user.role):
        right.caption(t("units.phone_masked"))
    if record["special_needs"]:
        field(t("units.col.special_needs"), record["special_needs"], right)
else:
    right.info(t("units.no_owner"))

st.subheader(t("units.complaints"))
history, callbacks = complaint_views.unit_history(store.engine(), int(record["unit_id"]))
if history.empty:
    st.caption(t("units.no_complaints"))
else:
    history["received_at"] = history["received_at"].map(local)
    history["agreed_at"] = history["agreed_at"].map(local)
    history["category"] = history["category"].map(lambda v: t(f"category.{v}"))
    history["stage"] = history["stage"].map(lambda v: t(f"stage.{v}"))
    st.dataframe(history.rename(columns=lambda c: t("col.repeat") if c == "repeat_count" else t(f"col.{c}")),
                 hide_index=True, width="stretch")
    if not callbacks.empty:
        st.caption(t("units.callbacks"))
        callbacks["at"] = callbacks["at"].map(local)
        st.dataframe(callbacks.rename(columns=lambda c: t(f"col.{c}")), hide_index=True, width="stretch")

st.subheader(t("units.defects"))
defects = movein.open_defects(store.engine(), unit_id=int(record["unit_id"]))
if defects.empty:
    st.caption(t("mplan.no_defects"))
else:
    st.dataframe(defect_table(defects), hide_index=True, width="stretch")

unit_ledger(user, int(record["unit_id"]), record["room_no"])
