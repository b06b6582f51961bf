"""Canned replies (统一说词): the approved wordings the desk inserts into replies and call-back notes,
per situation and category. Managers add, edit and retire them; an edit made on a version someone
else has since saved is refused, never silently overwritten."""
import streamlit as st

from ui.guard import require

user = require("replies")

import pandas as pd  # noqa: E402

from core.auth.capabilities import Capability  # noqa: E402
from core.complaints.model import Category  # noqa: E402
from core.complaints.replies import Situation  # noqa: E402
from services import canned_replies  # noqa: E402
from ui import cache  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.submit import flash, show_flash, submit  # noqa: E402

engine = cache.engine()
st.title(t("page.replies"))
st.caption(t("replies.caption"))
show_flash("reply_save")
library = canned_replies.all_replies(engine, user.actor)


def category_label(value) -> str:
    return t(f"category.{value}") if value else t("replies.any_category")


if library:
    st.dataframe(pd.DataFrame([{t("replies.situation"): t(f"situation.{r.situation}"),
                                t("field.category"): category_label(r.category), t("replies.title"): r.title,
                                t("replies.body"): r.body,
                                t("replies.state"): t("replies.active" if r.active else "replies.retired")}
                               for r in library]), hide_index=True, width="stretch")
else:
    st.info(t("replies.empty"))

if not user.actor.can(Capability.MANAGE_REPLIES):
    st.stop()

st.subheader(t("replies.edit"))
by_id = {r.id: r for r in library}
picked = st.selectbox(t("replies.pick_edit"), [None, *by_id], key="reply_edit_pick",
                      format_func=lambda i: t("replies.new") if i is None else
                      f"{t(f'situation.{by_id[i].situation}')} · {category_label(by_id[i].category)} · {by_id[i].title}")
current = by_id.get(picked)
seen_key = f"reply_seen_{picked}"
if current is not None:
    seen = st.session_state.setdefault(seen_key, current.version)   # the version this manager edits
    if seen != current.version:
        st.warning(t("err.conflict"))
        if st.button(t("detail.reload"), key="reply_reload"):
            st.session_state[seen_key] = current.version
            for suffix in ("situation", "category", "title", "body", "active"):
                st.session_state.pop(f"reply_{picked}_{suffix}", None)
            st.rerun()
else:
    seen = None

situations = [s.value for s in Situation]
categories = [None, *(c.value for c in Category)]
with st.form(f"reply_form_{picked}"):
    k = f"reply_{picked}_"
    left, right = st.columns(2)
    values = {
        "situation": left.selectbox(t("replies.situation"), situations, key=k + "situation",
                                    index=situations.index(current.situation) if current else 0,
                                    format_func=lambda v: t(f"situation.{v}")),
        "category": right.selectbox(t("field.category"), categories, key=k + "category",
                                    index=categories.index(current.category) if current else 0,
                                    format_func=category_label),
        "title": st.text_input(t("replies.title"), value=current.title if current else "", max_chars=60,
                               key=k + "title"),
        "body": st.text_area(t("replies.body"), value=current.body if current else "", max_chars=1000,
                             key=k + "body", height=150),
        "active": st.checkbox(t("replies.active"), value=current.active if current else True, key=k + "active"),
    }
    sent = st.form_submit_button(t("replies.save"), type="primary")
if sent:
    saved = submit("reply_save", lambda key: canned_replies.save_reply(
        engine, user.actor, reply_id=picked, expected_version=seen, request_key=key, **values),
        values={"id": picked, "version": seen, **values})
    if saved is not None:
        st.session_state.pop(seen_key, None)
        flash("reply_save", t("replies.saved"))
        st.rerun()
