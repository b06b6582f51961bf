"""Company set-up from an empty store, through the screens only: the company's name, projects,
buildings, units (by form, or by import with a downloadable template), then owners on the units
page and staff accounts on the admin page. Shows how far the set-up has come."""
import streamlit as st

from ui.guard import require

user = require("setup")

from services import org  # noqa: E402
from ui import cache, org_cache  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.import_forms import import_form  # noqa: E402
from ui.org_forms import building_form, company_form, edit_project_form, new_project_form, unit_form  # noqa: E402
from ui.org_views import buildings_table, projects_table, setup_progress  # noqa: E402

engine, url = cache.engine(), cache.url()
st.title(t("page.setup"))
setup_progress(org.setup_progress(engine, user.actor))
projects = org_cache.projects(url, user.reader)
names = dict(zip(projects["id"], projects["name"]))


def pick_project(key: str) -> int | None:
    if not names:
        st.info(t("setup.no_projects"))
        return None
    return st.selectbox(t("setup.project"), list(names), format_func=names.get, key=key)


tab_company, tab_projects, tab_buildings, tab_units, tab_staff = st.tabs(
    [t("setup.tab.company"), t("setup.tab.projects"), t("setup.tab.buildings"), t("setup.tab.units"),
     t("setup.tab.staff")])

with tab_company:
    company_form(user, org.company(engine))

with tab_projects:
    projects_table(projects)
    new_project_form(user)
    edit_project_form(user, projects)

with tab_buildings:
    project_id = pick_project("setup_building_project")
    if project_id is not None:
        buildings_table(org_cache.buildings(url, user.reader).query("project_id == @project_id"))
        building_form(user, int(project_id))

with tab_units:
    project_id = pick_project("setup_unit_project")
    if project_id is not None:
        pid = int(project_id)
        buildings = org_cache.buildings(url, user.reader).query("project_id == @pid")
        st.subheader(t("setup.unit_by_form"))
        unit_form(user, buildings)
        st.subheader(t("setup.unit_by_import"))
        import_form("setup_units", "admin.import_help", pid,
                    lambda raw: org.validate_unit_import(engine, user.actor, pid, raw).pair(),
                    lambda rows, key: org.import_units(engine, user.actor, pid, rows, request_key=key),
                    clears=("org",), template=True)
        st.caption(t("setup.owners_next"))
        st.page_link("pages/units.py", label=t("page.units"), icon=":material/apartment:")

with tab_staff:
    st.caption(t("setup.staff_help"))
    st.page_link("pages/admin.py", label=t("page.admin"), icon=":material/settings:")
