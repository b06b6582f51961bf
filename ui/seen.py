"""The version of a record as this user opened it, for every editor of an existing record.

Read again at save time, the version would always match the stored one (each rerun reads the
store), and a colleague's save in between would be silently overwritten. So the editor keeps the
version it first showed in the session; the service refuses a save against an older version and
names who changed the record and when (ConflictError "err.conflict_by"); the form keeps what was
typed (its widgets have keys); and `latest_notice` shows the stored values beside it, with a
button that takes them as the new starting point."""
from __future__ import annotations

from typing import Iterable

import streamlit as st

from ui.i18n import t

_PREFIX = "_seen."


def seen_version(name: str, current):
    """The version of record `name` when this session first showed it (`current` the first time)."""
    return st.session_state.setdefault(_PREFIX + name, current)


def forget(name: str) -> None:
    """After a save: the next run starts again from the stored version."""
    st.session_state.pop(_PREFIX + name, None)


def latest_notice(name: str, current, latest: Iterable[tuple[str, str]], fields: Iterable[str] = ()) -> bool:
    """When the record moved on since it was opened here: a warning, the stored values (label,
    text), and a button that takes them, emptying the typed `fields` (widget keys). True if shown."""
    if seen_version(name, current) == current:
        return False
    st.warning(t("stale.notice"))
    with st.expander(t("stale.latest"), expanded=True):
        for label, text in latest:
            st.text(f"{label}: {text}")
    if st.button(t("stale.take_latest"), key=f"{_PREFIX}{name}.take"):
        st.session_state[_PREFIX + name] = current
        for key in fields:
            st.session_state.pop(key, None)
        st.rerun()
    return True
