"""我的工作: the signed-in user's own open tickets and today's dunning steps, soonest deadline first."""
import streamlit as st

from ui.guard import require

user = require("my_work")

from services import my_work  # noqa: E402
from ui import cache  # noqa: E402
from ui.fmt import local  # noqa: E402
from ui.i18n import t  # noqa: E402

engine = cache.engine()
st.title(t("page.my_work"))
st.caption(t("mywork.caption"))
work = my_work.my_work(engine, user.actor)
if work.empty:
    st.info(t("mywork.empty"))
    st.stop()
shown = {
    t("mywork.col.deadline"): [local(d) if d is not None and d == d else "—" for d in work["deadline"]],
    t("mywork.col.kind"): [t(f"mywork.kind.{k}") for k in work["kind"]],
    t("mywork.col.ref"): list(work["ref"]),
    t("mywork.col.what"): [t(w) for w in work["what"]],
    t("mywork.col.link"): list(work["link"]),
}
st.dataframe(shown, hide_index=True, width="stretch",
             column_config={t("mywork.col.link"): st.column_config.LinkColumn(display_text=t("mywork.col.link"))})
