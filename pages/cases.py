"""Case library: search, read (projector mode), reference cards, and for trainers edit and publish."""
import streamlit as st

from ui.guard import require

user = require("cases")

from core.cases.content import KINDS, METHOD_STEPS, REFERENCE_CARDS, TOPICS  # noqa: E402
from core.errors import DomainError  # noqa: E402
from db import cases  # noqa: E402
from ui import store  # noqa: E402
from ui.cases_edit import edit_tab  # noqa: E402
from ui.cases_views import case_view  # noqa: E402
from ui.i18n import error_text, lang, t  # noqa: E402

engine = store.engine()
editor = user.role in ("trainer", "admin")  # drafts are seen by trainers and admins only
st.title(t("page.cases"))
tabs = st.tabs([t("cases.tab.browse"), t("cases.tab.cards")] + ([t("cases.tab.edit")] if editor else []))

with tabs[0]:
    opened = st.session_state.get("case_open")
    if opened:
        if st.button(t("cases.back"), icon=":material/arrow_back:", key="case_back"):
            st.session_state.pop("case_open")
            st.rerun()
        projector = st.toggle(t("cases.projector"), key="projector")
        try:
            case_view(cases.get(engine, opened, see_drafts=editor), projector)
        except DomainError as e:
            st.error(error_text(e))
    else:
        query = st.text_input(t("cases.search"), max_chars=60, key="case_q")
        f1, f2, f3 = st.columns(3)
        kind = f1.selectbox(t("cases.kind"), [None, *KINDS], format_func=lambda v: t(f"ckind.{v}") if v else t("cases.all"))
        topic = f2.selectbox(t("cases.topic"), [None, *TOPICS], format_func=lambda v: t(f"topic.{v}") if v else t("cases.all"))
        step = f3.selectbox(t("cases.step"), [None, *METHOD_STEPS], format_func=lambda v: t(f"mstep.{v}") if v else t("cases.all"))
        found = cases.search(engine, query, kind, topic, step, see_drafts=editor, limit=50)
        st.caption(t("cases.results", n=len(found)))
        if found.empty:
            st.info(t("cases.none"))
        for r in found.itertuples():
            with st.container(border=True):
                c1, c2 = st.columns([5, 1], vertical_alignment="center")
                c1.markdown(f"**{t(f'ckind.{r.kind}')}** · {t(f'cstatus.{r.status}')}")
                c1.text(r.title_en if lang() == "en" and r.title_en else r.title)
                if c2.button(t("cases.open"), key=f"open_{r.id}"):
                    st.session_state["case_open"] = int(r.id)
                    st.rerun()

with tabs[1]:
    for card in REFERENCE_CARDS:
        with st.expander(card["title_en"] if lang() == "en" else card["title"]):
            st.text(card["body_en"] if lang() == "en" else card["body"])

if editor:
    with tabs[2]:
        edit_tab(engine, user)
