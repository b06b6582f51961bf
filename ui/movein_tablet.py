"""The tablet's look, in one place: touch targets of at least 48 px for every control the hall
uses, no sideways scrolling at 1024x768 or 768x1024, and a banner while the connection to the
server is down.

Why a dropped connection loses no tap: while Streamlit is not connected it disables every widget
(a tap cannot be made), and shows its connection state, which the CSS below turns into a banner
across the top. A tap made just before the drop either reached the server (its write is done,
kept under its request key, ui/submit.py) or did not; after the reconnect the screen shows the
household as stored, and tapping the same button again sends the same request key, which the
service answers with the first result instead of writing twice."""
from __future__ import annotations

import streamlit as st

from ui.i18n import t

_TOUCH = 48   # px: the smallest control a thumb hits reliably in a crowd

# Constant CSS, no user text (the one interpolated line is our own catalogue text, escaped).
_CSS = """<style>
[data-testid="stMain"] [data-testid="stButton"] button,
[data-testid="stMain"] [data-testid="stFormSubmitButton"] button,
[data-testid="stMain"] [data-testid="stDownloadButton"] button,
[data-testid="stMain"] [data-testid="stPopover"] button,
[data-testid="stMain"] [data-testid="stBaseButton-secondary"],
[data-testid="stMain"] [data-testid="stBaseButton-primary"] { min-height: %(t)dpx; font-size: 1.05rem; }
[data-testid="stMain"] .st-key-hall_next button, [data-testid="stMain"] [class*="st-key-fin_"] button,
[data-testid="stMain"] [class*="st-key-act_"] button { min-height: 72px; font-size: 1.3rem; font-weight: 600; }
[data-testid="stMain"] [data-testid="stTextInput"] input,
[data-testid="stMain"] [data-testid="stDateInput"] input,
[data-testid="stMain"] [data-testid="stNumberInput"] input { min-height: %(t)dpx; font-size: 1.05rem; }
[data-testid="stMain"] [data-testid="stDateInput"] button { min-height: %(t)dpx; min-width: %(t)dpx; }
[data-testid="stMain"] [data-testid="stSelectbox"] [data-baseweb="select"] > div,
[data-testid="stMain"] [data-testid="stMultiSelect"] [data-baseweb="select"] > div { min-height: %(t)dpx; }
[data-testid="stMain"] [data-testid="stSelectbox"] [role="group"],
[data-testid="stMain"] [data-testid="stMultiSelect"] [role="group"],
[data-testid="stMain"] [data-testid="stSelectbox"] [role="group"] button { min-height: %(t)dpx; }
[data-testid="stMain"] [data-testid="stRadio"] label, [data-testid="stSidebar"] [data-testid="stRadio"] label,
[data-testid="stMain"] [data-testid="stCheckbox"] label { min-height: %(t)dpx; align-items: center; }
[data-testid="stMain"] [data-testid="stRadio"] input, [data-testid="stSidebar"] [data-testid="stRadio"] input,
[data-testid="stMain"] [data-testid="stCheckbox"] input { min-height: %(t)dpx; }
[data-testid="stMain"] [data-testid="stExpander"] summary { min-height: %(t)dpx; align-items: center; }
[data-testid="stMain"] [data-testid="stFileUploaderDropzone"] { min-height: 64px; }
[data-testid="stMain"] [data-testid="stFileUploaderDropzone"] button { min-height: %(t)dpx; }
[data-testid="stSidebar"] [data-testid="stSidebarNavLink"], [data-testid="stSidebar"] a { min-height: %(t)dpx; }
[data-testid="stSidebar"] button { min-height: %(t)dpx; }
[data-testid="stMain"] [data-testid="stTextArea"] textarea { font-size: 1.05rem; }
[data-testid="stMain"] [data-testid="stVegaLiteChart"], [data-testid="stMain"] [data-testid="stDataFrame"] { max-width: 100%%; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p { overflow-wrap: anywhere; }
[data-testid="stHeader"] button, [data-testid="stExpandSidebarButton"] { min-height: %(t)dpx; min-width: %(t)dpx; }
[data-testid="stMain"] [data-testid="stElementToolbar"] { display: none; }
[data-testid="stConnectionStatus"] { position: fixed; top: 0; left: 0; right: 0; z-index: 1000001;
  background: #c62828; color: #fff; padding: 14px 20px; font-size: 1.15rem; justify-content: center; }
[data-testid="stConnectionStatus"]::after { content: "%(banner)s"; margin-left: 12px; }
</style>"""


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "").replace(">", "").replace("\n", " ")


def tablet_style() -> None:
    """Once per tablet page run, before its controls."""
    st.html(_CSS % {"t": _TOUCH, "banner": _css_text(t("mlive.offline"))})
