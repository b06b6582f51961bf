"""Administration: staff accounts (and removing the demo's), and the imports of units and owners,
bills and payments."""
import streamlit as st

from ui.guard import require

user = require("admin")


from core.clock import local_today  # noqa: E402
from services import collections, org, users  # noqa: E402
from ui import cache, org_cache  # noqa: E402
from ui.export import DATETIME, excel_button  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.import_forms import import_form  # noqa: E402
from ui.session_views import storm_notice  # noqa: E402
from ui.user_forms import manage_user_form, new_user_form, remove_demo_form  # noqa: E402

engine = cache.engine()
st.title(t("page.admin"))
tab_users, tab_import = st.tabs([t("admin.users"), t("admin.import")])
projects = org_cache.projects(cache.url(), user.reader)
project_names = dict(zip(projects["id"], projects["name"]))

with tab_users:
    storm_notice(user)
    accounts = users.list_users(engine, user.actor)
    shown = accounts.drop(columns=["version"]).assign(role=accounts["role"].map(lambda r: t(f"role.{r}")),
                                                      locked_until=accounts["locked_until"].map(local))
    shown = shown.rename(columns=lambda c: t(f"admin.col.{c}"))
    st.dataframe(shown, hide_index=True, width="stretch")
    # Excel gets the lock time itself (a date it can sort), not its text.
    excel_button(lambda: shown.assign(**{t("admin.col.locked_until"): accounts["locked_until"]}), "users.xlsx",
                 key="users_export", sheet=t("xlsx.sheet.users"), title=t("xlsx.title.users"),
                 kinds={t("admin.col.locked_until"): DATETIME})
    new_user_form(user, project_names)
    manage_user_form(user, accounts)
    remove_demo_form(user)

with tab_import:
    if not project_names:   # a store being set up: units, bills and payments all need a project first
        st.info(t("setup.no_projects"))
        st.page_link("pages/setup.py", label=t("page.setup"), icon=":material/domain_add:")
        st.stop()
    project_id = st.selectbox(t("admin.import_project"), list(project_names), format_func=project_names.get)
    kind = st.radio(t("admin.import"), ["units", "bills", "payments"], horizontal=True, key="import_kind",
                    format_func=lambda k: t({"units": "admin.import", "bills": "admin.import_bills",
                                             "payments": "admin.import_payments"}[k]))
    today = local_today()
    if kind == "units":
        import_form("units", "admin.import_help", project_id,
                    lambda raw: org.validate_unit_import(engine, user.actor, project_id, raw).pair(),
                    lambda rows, key: org.import_units(engine, user.actor, project_id, rows, request_key=key),
                    clears=("org",), template=True)
    elif kind == "bills":
        import_form("bills", "admin.import_bills_help", project_id,
                    lambda raw: collections.validate_bill_import(engine, user.actor, project_id, raw, today),
                    lambda rows, key: collections.import_bills(engine, user.actor, project_id, rows, request_key=key),
                    clears=("collections",), done_key="admin.import_bills_done")
    else:
        import_form("payments", "admin.import_payments_help", project_id,
                    lambda raw: collections.validate_payment_import(engine, user.actor, project_id, raw, today),
                    lambda rows, key: collections.import_payments(engine, user.actor, project_id, rows,
                                                                  request_key=key),
                    clears=("collections",), done_key="admin.import_payments_done")
