"""Audit trail (admin, manager): every write, filtered by person, record, project and date, a page
at a time; one row's before and after side by side; the filtered rows to Excel (the export is
itself logged, as is opening a row about owners)."""
import streamlit as st

from ui.guard import require

user = require("audit")

from core.errors import DomainError  # noqa: E402
from services import audit  # noqa: E402
from ui import cache, org_cache  # noqa: E402
from ui.audit_views import export_button, filter_form, rows_table, side_by_side  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402

engine = cache.engine()
st.title(t("page.audit"))
people, entities = audit.choices(engine, user.actor)
try:
    filters = filter_form(user, people, entities)
except DomainError as e:
    st.error(error_text(e))
    st.stop()

page_no = st.number_input(t("audit.page"), min_value=1, value=1, step=1, key="audit_page")
found = audit.search(engine, user.actor, filters, int(page_no))
st.caption(t("audit.found", total=found.total, page=found.page, pages=found.pages, size=audit.PAGE_SIZE))
if found.rows.empty:
    st.info(t("audit.none"))
    st.stop()
picked = rows_table(found.rows, org_cache.staff_names(cache.url()))
export_button(user, filters)
selected = picked.selection.rows if picked else []
if selected:
    side_by_side(audit.row(engine, user.actor, int(found.rows.iloc[selected[0]]["id"])))
else:
    st.caption(t("audit.pick_row"))
