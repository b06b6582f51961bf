"""Excel export for any table a manager may want elsewhere."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from ui.i18n import t
from core.clock import CHINA



def excel_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    # Excel has no time zones (to_excel raises on aware datetimes): write China time, zone dropped.
    aware = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if aware:
        frame = frame.assign(**{c: frame[c].dt.tz_convert(CHINA).dt.tz_localize(None) for c in aware})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def excel_button(frame: pd.DataFrame, filename: str, key: str) -> None:
    # A callable: the workbook is built only when someone clicks, not on every rerun of the page.
    st.download_button(t("export.excel"), data=lambda: excel_bytes(frame), file_name=filename, key=key,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")
