"""Case library: search, read (projector mode), reference cards, and for editors edit and publish."""
import streamlit as st

from ui.guard import require

user = require("cases")

from core.auth.capabilities import Capability  # noqa: E402
from core.cases.content import KINDS, METHOD_STEPS, REFERENCE_CARDS, TOPICS  # noqa: E402
from core.errors import DomainError  # noqa: E402
from core.search.rank import highlighted_markdown  # noqa: E402
from services import cases  # noqa: E402
from ui import cache  # noqa: E402
from ui.case_forms import edit_tab  # noqa: E402
from ui.case_views import case_view, reference_cards  # noqa: E402
from ui.i18n import error_text, lang, t  # noqa: E402

engine = cache.engine()
cases.search_service.warm_up()   # the word dictionary loads while the trainer reads the page
editor = user.actor.can(Capability.EDIT_CASES)  # drafts are seen by editors only
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
            case_view(cases.get(engine, user.actor, opened), projector)
        except DomainError as e:
            st.error(error_text(e))
    else:
        query = st.text_input(t("cases.search"), max_chars=60, key="case_q", help=t("search.help"))
        f1, f2, f3 = st.columns(3)
        kind = f1.selectbox(t("cases.kind"), [None, *KINDS], format_func=lambda v: t(f"ckind.{v}") if v else t("cases.all"))
        topic = f2.selectbox(t("cases.topic"), [None, *TOPICS], format_func=lambda v: t(f"topic.{v}") if v else t("cases.all"))
        step = f3.selectbox(t("cases.step"), [None, *METHOD_STEPS], format_func=lambda v: t(f"mstep.{v}") if v else t("cases.all"))
        found = cases.search(engine, user.actor, query, kind, topic, step, limit=50)
        st.caption(t("cases.results", n=len(found)))
        if found.empty:
            st.info(t("cases.none"))
        elif not bool(found["complete"].iloc[0]):
            st.info(t("search.some_words"))
        for r in found.itertuples():
            with st.container(border=True):
                c1, c2 = st.columns([5, 1], vertical_alignment="center")
                c1.markdown(f"**{t(f'ckind.{r.kind}')}** · {t(f'cstatus.{r.status}')}")
                c1.text(r.title_en if lang() == "en" and r.title_en else r.title)
                if r.snippet:   # why it matched: the user's text escaped, the matched words in bold
                    c1.markdown(highlighted_markdown(r.snippet))
                if c2.button(t("cases.open"), key=f"open_{r.id}"):
                    st.session_state["case_open"] = int(r.id)
                    st.rerun()

with tabs[1]:
    reference_cards(REFERENCE_CARDS)

if editor:
    with tabs[2]:
        edit_tab(user)
