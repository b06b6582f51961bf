"""Documents: find any document again by the number printed on it (or a receipt number, typed or
scanned from its QR code); for the admin, the letter templates and how to pay on the notices."""
import streamlit as st

from ui.guard import require

user = require("paperwork")

from core.auth.capabilities import Capability  # noqa: E402
from services import collections, documents, org  # noqa: E402
from ui import cache  # noqa: E402
from ui.document_forms import how_to_pay_form, template_form  # noqa: E402
from ui.document_views import found_table, receipt_downloads  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.widgets import md_plain  # noqa: E402

engine = cache.engine()
st.title(t("page.paperwork"))

st.subheader(t("docs.find"))
query = st.text_input(t("docs.find"), help=t("docs.find_help"), max_chars=80, key="docs_q",
                      label_visibility="collapsed", placeholder="SJ-2026-0000001")
if query.strip():
    found = documents.find_document(engine, user.actor, query)
    if not found:
        st.warning(t("docs.find_none", q=md_plain(query.strip())))
    else:
        printed = [f for f in found if f.number]
        if printed:
            st.dataframe(found_table(printed), hide_index=True, width="stretch")
        payment = next((f for f in found if f.payment_id), None)
        if payment is not None:   # a receipt number: its payment, printable from here
            payments = collections.unit_ledger(engine, user.actor, payment.unit_id).payments
            receipt_downloads(user, payments[payments["id"] == payment.payment_id])

if user.actor.can(Capability.MANAGE_DOCUMENTS):
    projects = org.list_projects(engine, user.actor)
    names = dict(zip(projects["id"].astype(int), projects["name"]))
    st.subheader(t("docs.templates"))
    template_form(user)
    if names:
        st.subheader(t("docs.how_to_pay"))
        how_to_pay_form(user, names)
