"""Entry point: sign-in, then the pages this user's role may open. Nothing else lives here."""
import streamlit as st

from core.auth.roles import pages_for
from ui import auth
from ui.i18n import t
from ui.pages import HIDDEN, PAGES_DIR, built_pages, leave_old_router
from ui.sidebar import sidebar
from ui.upload_sweep import start_sweeper

ICONS = {"home": ":material/home:", "my_work": ":material/assignment_ind:", "units": ":material/apartment:", "search": ":material/search:", "admin": ":material/settings:",
         "movein_plan": ":material/event:", "movein_live": ":material/key:",
         "complaint_new": ":material/edit_note:", "complaint_board": ":material/view_kanban:",
         "complaint_analysis": ":material/analytics:", "collections": ":material/payments:",
         "collection_worklist": ":material/checklist:", "cases": ":material/menu_book:",
         "training": ":material/school:", "complaint": ":material/description:",
         "billing": ":material/receipt_long:",
         "replies": ":material/forum:",
         "paperwork": ":material/print:",
         "calendar": ":material/calendar_month:", "setup": ":material/domain_add:",
         "audit": ":material/history:", "notifications": ":material/notifications:"}

st.set_page_config(page_title=t("app.title"), page_icon=":material/apartment:", layout="wide")
leave_old_router()
start_sweeper()
user = auth.login_gate()
# Once more now that the user's language is known (else a reload keeps a Chinese tab title).
st.set_page_config(page_title=t("app.title"))
# A page the role may not open is left out of the navigation, so its URL answers "not found".
pages = {name: st.Page(str(PAGES_DIR / f"{name}.py"), title=t(f"page.{name}"), icon=ICONS.get(name),
                       url_path=name, visibility="hidden" if name in HIDDEN else "visible")
         for name in pages_for(user.role, built_pages())}
# The default page lives at "/", where a url_path is ignored; a hidden start page sends "/" on to
# /home so that every page, home included, has the stable URL tablets bookmark.
start = st.Page(lambda: st.switch_page(pages["home"]), title=t("page.home"), url_path="start",
                default=True, visibility="hidden")
# Expanded: an admin has 17 pages, and a collapsed menu hides the later ones behind "View more".
navigation = st.navigation([start, *pages.values()], expanded=True)
sidebar(user)
navigation.run()
