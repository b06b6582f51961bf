"""The Excel download of any table a manager may want elsewhere, through documents/xlsx.py: the
caller says what the table is (sheet and title), for which period and filters, and the kind of the
columns Excel cannot guess (money in cents, rates). The workbook is built only on the click."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st

from core.clock import local_now
from documents.xlsx import Kind, Table, title_lines, workbook
from ui.i18n import t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY, RATE, COUNT, NUMBER, DATE, DATETIME, TEXT = (Kind.MONEY, Kind.RATE, Kind.COUNT, Kind.NUMBER, Kind.DATE,
                                                    Kind.DATETIME, Kind.TEXT)


def _labels() -> dict[str, str]:
    # Placeholders kept for documents.xlsx to fill: t() without parameters returns the template.
    return {"period": t("xlsx.period"), "filters": t("xlsx.filters"), "no_filters": t("xlsx.no_filters"),
            "exported": t("xlsx.exported")}


def _stem(filename: str) -> str:
    return filename.rsplit(".", 1)[0]


def excel_bytes(frame: pd.DataFrame, sheet: str = "", *, title: str = "", kinds: Mapping[str, Kind] | None = None,
                period: str | None = None, filters: Sequence[tuple[str, str]] | Mapping[str, str] = ()) -> bytes:
    """One sheet named `sheet`, its title block and the table with its column kinds."""
    if isinstance(filters, Mapping):
        filters = list(filters.items())
    flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
    if flags:   # Excel would print TRUE/FALSE, in English
        frame = frame.assign(**{c: frame[c].map({True: t("xlsx.yes"), False: t("xlsx.no")}) for c in flags})
    lines = title_lines(title or sheet, period, list(filters), local_now(), _labels())
    return workbook([Table(sheet or title or "Sheet", frame, dict(kinds or {}), lines)])


def excel_button(frame: pd.DataFrame | Callable[[], pd.DataFrame], filename: str, key: str, *, sheet: str = "",
                 title: str = "", kinds: Mapping[str, Kind] | None = None, period: str | None = None,
                 filters: Sequence[tuple[str, str]] | Mapping[str, str] = (), label: str = "") -> None:
    """A download button; `frame` may be a callable, read only when someone clicks."""
    def build() -> bytes:
        table = frame() if callable(frame) else frame
        name = sheet or _stem(filename)
        return excel_bytes(table, name, title=title or name, kinds=kinds, period=period, filters=filters)

    st.download_button(label or t("export.excel"), data=build, file_name=filename, key=key, mime=XLSX_MIME,
                       icon=":material/download:")
