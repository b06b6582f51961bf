"""Small display pieces that keep user text as plain text (never markdown or HTML)."""
from __future__ import annotations

import re

import streamlit as st

# Every character Streamlit's markdown gives a meaning to (links, images, emphasis, code, math,
# :emoji:/:color[...]: directives, HTML entities); a backslash makes each one plain.
_MARKDOWN_CHARS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def md_plain(text: object) -> str:
    """User text to embed in a message that st.info/warning/error render as markdown: shown as typed."""
    return _MARKDOWN_CHARS.sub(r"\\\1", str(text))


def field(label: str, value, container=st) -> None:
    container.caption(label)
    container.text("—" if value is None or value == "" else str(value))


def choose_many(label: str, options, **kwargs):
    """st.multiselect in our words: no "Select all" bulk action (English, and one click invites
    every user to a session), a placeholder from the catalogue."""
    from ui.i18n import t

    kwargs.setdefault("placeholder", t("form.choose"))
    return st.multiselect(label, options, select_all=False, **kwargs)
