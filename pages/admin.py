"""Administration: staff accounts and the import of buildings' units and owners."""
import streamlit as st

from ui.guard import require

user = require("admin")


import pandas as pd  # noqa: E402

from core.auth.roles import Role  # noqa: E402
from core.clock import local_today  # noqa: E402
from core.errors import DomainError  # noqa: E402
from core.collections.entries import validate_bill_rows, validate_payment_rows  # noqa: E402
from core.importing.units import validate_unit_rows  # noqa: E402
from db import collections, org, users  # noqa: E402
from db.engine import database_url  # noqa: E402
from ui import store  # noqa: E402
from ui.export import excel_button  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402
from ui.import_panel import import_panel  # noqa: E402

engine = store.engine()
st.title(t("page.admin"))
tab_users, tab_import = st.tabs([t("admin.users"), t("admin.import")])
projects = store.projects(database_url(), None)
project_names = dict(zip(projects["id"], projects["name"]))


def attempt(action, *args) -> bool:
    try:
        action(*args)
    except DomainError as e:
        st.error(error_text(e))
        return False
    store.clear_caches()
    return True


with tab_users:
    accounts = users.list_users(engine)
    shown = accounts.drop(columns=["version"]).assign(role=accounts["role"].map(lambda r: t(f"role.{r}")),
                                                      locked_until=accounts["locked_until"].map(local))
    shown = shown.rename(columns=lambda c: t(f"admin.col.{c}"))
    st.dataframe(shown, hide_index=True, width="stretch")
    excel_button(shown, "users.xlsx", key="users_export")

    with st.form("add_user", clear_on_submit=False):
        st.subheader(t("admin.add_user"))
        c1, c2 = st.columns(2)
        username = c1.text_input(t("admin.username"), max_chars=32)
        display = c2.text_input(t("admin.display_name"), max_chars=40)
        role = c1.selectbox(t("admin.role"), [r.value for r in Role], format_func=lambda r: t(f"role.{r}"))
        password = c2.text_input(t("admin.password"), type="password", max_chars=72)
        chosen = st.multiselect(t("admin.projects"), list(project_names), format_func=project_names.get)
        if st.form_submit_button(t("admin.create"), type="primary"):
            if attempt(users.create_user, engine, user.username, username, display, role, password, chosen):
                st.success(t("admin.created", username=username.strip().lower()))

    st.subheader(t("admin.manage_user"))
    target = st.selectbox(t("admin.pick_user"), accounts["username"].tolist(), key="admin_target")
    row = accounts.set_index("username").loc[target]
    b1, b2, _ = st.columns([1, 1, 3])
    if row["active"] and b1.button(t("admin.deactivate"), key="deactivate"):
        attempt(users.set_active, engine, user.username, target, False, int(row["version"])) and st.rerun()
    if not row["active"] and b1.button(t("admin.activate"), key="activate"):
        attempt(users.set_active, engine, user.username, target, True, int(row["version"])) and st.rerun()
    if (row["failed_attempts"] or not pd.isna(row["locked_until"])) and b2.button(t("admin.unlock"), key="unlock"):
        attempt(users.unlock, engine, user.username, target) and st.rerun()
    with st.form("reset_password", clear_on_submit=True):
        new_password = st.text_input(t("admin.new_password"), type="password", max_chars=72)
        if st.form_submit_button(t("admin.reset_password")):
            if attempt(users.reset_password, engine, user.username, target, new_password):
                st.success(t("admin.saved"))

with tab_import:
    project_id = st.selectbox(t("admin.import_project"), list(project_names), format_func=project_names.get)
    kind = st.radio(t("admin.import"), ["units", "bills", "payments"], horizontal=True, key="import_kind",
                    format_func=lambda k: t({"units": "admin.import", "bills": "admin.import_bills",
                                             "payments": "admin.import_payments"}[k]))
    today = local_today()
    if kind == "units":
        import_panel("units", "admin.import_help",
                     lambda raw: validate_unit_rows(raw, org.buildings_of(engine, project_id),
                                                    org.rooms_of(engine, project_id)).pair(),
                     lambda rows: org.import_units(engine, user.username, project_id, rows))
    elif kind == "bills":
        import_panel("bills", "admin.import_bills_help",
                     lambda raw: validate_bill_rows(raw, org.rooms_of(engine, project_id),
                                                    collections.existing_bill_keys(engine, project_id), today),
                     lambda rows: collections.import_bills(engine, user.username, project_id, rows))
    else:
        import_panel("payments", "admin.import_payments_help",
                     lambda raw: validate_payment_rows(raw, org.rooms_of(engine, project_id),
                                                       collections.used_receipts(engine), today),
                     lambda rows: collections.import_payments(engine, user.username, project_id, rows))
