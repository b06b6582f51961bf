"""Complaint search: complaints of the user's projects found by the words of their content,
ranked, each with a snippet whose matched words are bold (the user's text escaped, never HTML)."""
import streamlit as st

from ui.guard import require

user = require("search")

from core.search.rank import escape_markdown, highlighted_markdown  # noqa: E402
from services import search  # noqa: E402
from ui import cache  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.i18n import t  # noqa: E402

search.warm_up()
engine = cache.engine()
st.title(t("page.search"))
query = st.text_input(t("search.query"), max_chars=60, key="search_q", help=t("search.help"))
if not query.strip():
    st.info(t("search.empty_query"))
    st.stop()

hits = search.complaints(engine, user.actor, query, limit=search.LIMIT)
if not hits:
    st.warning(t("search.short") if all(len(w) < 2 for w in query.split()) else t("search.none"))
    st.stop()
st.caption(t("search.found", n=len(hits), limit=search.LIMIT))
if not hits[0].complete:
    st.info(t("search.some_words"))
for h in hits:
    r = h.record
    with st.container(border=True):
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        place = " · ".join(escape_markdown(x) for x in (r["project"] or "", r["room_no"] or t("search.no_room")) if x)
        stage, category = t(f"stage.{r['stage']}"), t(f"category.{r['category']}")
        c1.markdown(f"**{escape_markdown(r['number'])}** · {stage} · {category} · {place} · {local(r['received_at'])}")
        if h.snippet:
            c1.markdown(highlighted_markdown(h.snippet))
        c2.page_link("pages/complaint.py", label=t("search.open"), query_params={"n": r["number"]},
                     icon=":material/open_in_new:")
