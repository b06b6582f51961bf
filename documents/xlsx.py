"""Excel workbooks an accountant can use, from plain tables.

Each column has a kind, and each kind its Excel form: money (integer cents) as a number with the
yuan format, so Excel sums it; rates (0..1) as percentages; counts as integers; dates as Excel
dates; aware datetimes in China time; everything else as text. Above the table a title block says
what the table is, for which period, with which filters and when it was exported; the header row is
frozen and filtered, and the columns are as wide as their content (a Chinese character counts two).

Text typed by users is always written as text: a complaint reading =HYPERLINK(...) or an owner
named "+86..." never becomes a formula (formula injection). Written with openpyxl, already the
store's reader and writer of imports, so no second Excel library is needed; it also sets the
quote prefix that keeps Excel from re-reading such a cell as a formula once it is edited.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Iterable, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.clock import CHINA


class Kind(str, Enum):
    TEXT = "text"
    MONEY = "money"          # integer cents
    RATE = "rate"            # a share, 0..1
    COUNT = "count"          # a whole number
    NUMBER = "number"        # a measurement (m², minutes): two decimals
    DATE = "date"
    DATETIME = "datetime"    # aware: written in China time


MONEY_FORMAT = "¥#,##0.00"
RATE_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMATS = {Kind.MONEY: MONEY_FORMAT, Kind.RATE: RATE_FORMAT, Kind.COUNT: COUNT_FORMAT, Kind.NUMBER: NUMBER_FORMAT,
           Kind.DATE: DATE_FORMAT, Kind.DATETIME: DATETIME_FORMAT}

# What Excel (and LibreOffice) read as the start of a formula, or of a DDE payload.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
MIN_WIDTH, MAX_WIDTH = 6, 60
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


@dataclass(frozen=True)
class Table:
    """One sheet: `frame`'s columns in order, each of `kinds[column]` (TEXT when not named; whole
    numbers COUNT, fractions NUMBER, datetimes DATETIME, dates DATE when guessed from the data);
    `title_lines`: what the table is, the period, the filters and the export time, one per row."""
    sheet: str
    frame: pd.DataFrame
    kinds: dict[str, Kind] = field(default_factory=dict)
    title_lines: tuple[str, ...] = ()


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, not blank, not quoted, unique."""
    clean = _SHEET_FORBIDDEN.sub(" ", str(name or "")).strip().strip("'").strip() or "Sheet"
    clean = clean[:SHEET_MAX].strip()
    taken = {t.lower() for t in taken}
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = clean[:SHEET_MAX - len(suffix)] + suffix, n + 1
    return candidate


def display_width(text: str) -> int:
    """Columns a text takes in Excel's default font: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def guess_kind(series: pd.Series) -> Kind:
    if pd.api.types.is_bool_dtype(series):
        return Kind.TEXT
    if pd.api.types.is_integer_dtype(series):
        return Kind.COUNT
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        return Kind.COUNT if len(whole) and (whole == whole.round()).all() else Kind.NUMBER
    if pd.api.types.is_datetime64_any_dtype(series):
        return Kind.DATETIME
    sample = series.dropna()
    if len(sample) and all(isinstance(v, datetime) for v in sample.head(50)):
        return Kind.DATETIME
    if len(sample) and all(isinstance(v, date) for v in sample.head(50)):
        return Kind.DATE
    return Kind.TEXT


def _missing(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_value(value, kind: Kind):
    """The value as Excel should hold it; None for an empty cell."""
    if _missing(value):
        return None
    if kind is Kind.MONEY:
        return Decimal(int(value)) / 100            # exact: 12345 cents are 123.45, not 123.4500000001
    if kind is Kind.RATE:
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if kind is Kind.COUNT:
        return int(value)
    if kind is Kind.NUMBER:
        return float(value)
    if kind is Kind.DATETIME:
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:               # Excel has no zones: China time, as staff read it
            stamp = stamp.tz_convert(CHINA).tz_localize(None)
        return stamp.to_pydatetime().replace(microsecond=0)
    if kind is Kind.DATE:
        return value.date() if isinstance(value, datetime) else value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _shown(value, kind: Kind) -> str:
    """Roughly what Excel shows, for the column width."""
    if value is None:
        return ""
    if kind is Kind.MONEY:
        return f"¥{value:,.2f}"
    if kind is Kind.RATE:
        return f"{value:.1%}"
    if kind is Kind.COUNT:
        return f"{value:,}"
    if kind is Kind.NUMBER:
        return f"{value:,.2f}"
    if kind is Kind.DATE:
        return "2026-01-01"
    if kind is Kind.DATETIME:
        return "2026-01-01 00:00"
    return max(str(value).split("\n"), key=display_width, default="")


def _write_text(cell, text: str) -> None:
    cell.value = text
    # openpyxl takes any string starting with "=" for a formula; user text is text, whatever it starts with.
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def _sheet(wb: Workbook, table: Table, name: str) -> None:
    ws = wb.create_sheet(name)
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    kinds = [table.kinds.get(c) or guess_kind(frame[c]) for c in frame.columns]
    for row, line in enumerate(table.title_lines, start=1):
        cell = ws.cell(row=row, column=1)
        _write_text(cell, ILLEGAL_CHARACTERS_RE.sub("", line))
        cell.font = Font(bold=row == 1, size=13 if row == 1 else 10)
    header_row = len(table.title_lines) + (2 if table.title_lines else 1)
    widths = [display_width(c) for c in columns]
    for col, text in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=col)
        _write_text(cell, ILLEGAL_CHARACTERS_RE.sub("", text))
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    number_formats = [FORMATS.get(k) for k in kinds]
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=header_row + 1):
        for c, (raw, kind) in enumerate(zip(values, kinds)):
            value = cell_value(raw, kind)
            cell = ws.cell(row=r, column=c + 1)
            if value is None:
                continue
            if kind is Kind.TEXT:
                _write_text(cell, value)
            else:
                cell.value = value
                cell.number_format = number_formats[c]
            widths[c] = max(widths[c], display_width(_shown(value, kind)))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    last_col = get_column_letter(max(1, len(columns)))
    ws.freeze_panes = f"A{header_row + 1}"
    if columns:
        ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + max(len(frame), 1)}"
    ws.print_title_rows = f"{header_row}:{header_row}"


def workbook(tables: Sequence[Table]) -> bytes:
    """The .xlsx bytes of one sheet per table, in order."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: list[str] = []
    for table in tables:
        name = sheet_name(table.sheet, taken)
        taken.append(name)
        _sheet(wb, table, name)
    if not tables:
        wb.create_sheet("Sheet")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def title_lines(title: str, period: str | None, filters: Sequence[tuple[str, str]], exported_at: datetime,
                labels: dict[str, str]) -> tuple[str, ...]:
    """The title block: `labels` holds the caller's translated templates ('period', 'filters',
    'no_filters', 'exported', each with its placeholder), so this module stays free of the screen."""
    lines = [title]
    if period:
        lines.append(labels["period"].format(period=period))
    shown = [f"{k}: {v}" for k, v in filters if v not in (None, "")]
    lines.append(labels["filters"].format(filters="; ".join(shown)) if shown else labels["no_filters"])
    at = exported_at.astimezone(CHINA) if exported_at.tzinfo else exported_at
    lines.append(labels["exported"].format(at=f"{at:%Y-%m-%d %H:%M}"))
    return tuple(lines)
