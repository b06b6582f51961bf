"""t(key): the label in the current user's language."""
from __future__ import annotations

import streamlit as st

from core.i18n import DEFAULT_LANG, translate
from ui.widgets import md_plain


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def t(key: str, **params) -> str:
    return translate(key, lang(), **params)


_KEYS = ("field", "reasons", "stage")  # catalogue keys, translated rather than shown


def error_text(exc) -> str:
    """A DomainError as a sentence in the user's language. Messages are rendered as markdown, so
    any value that came from the user is escaped to show exactly as typed."""
    params = {k: (md_plain(v) if isinstance(v, str) and k not in _KEYS else v) for k, v in exc.params.items()}
    return translate(exc.key, lang(), **params)
