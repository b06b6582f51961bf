"""documents/xlsx.py: a workbook an accountant can use. Opened again with openpyxl: money is a
number (so SUM works) with the yuan format, rates carry %, dates are dates, aware times are China
time, the header is frozen and filtered, columns are as wide as their text (Chinese counts double),
the sheet is named for its content, and text typed by a user never becomes a formula."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from documents.xlsx import (DATE_FORMAT, DATETIME_FORMAT, MONEY_FORMAT, RATE_FORMAT, Kind, Table, display_width,
                            sheet_name, title_lines, workbook)

LABELS = {"period": "期间：{period}", "filters": "筛选：{filters}", "no_filters": "筛选：无",
          "exported": "导出时间：{at}（北京时间）"}
EXPORTED = datetime(2026, 3, 31, 17, 30, tzinfo=timezone.utc)      # 2026-04-01 01:30 in China
HYPERLINK = '=HYPERLINK("http://x","y")'


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "业主": ["王伟", HYPERLINK, "+8613800000000", "-负数开头的备注", "@SUM(A1)", "\tcmd"],
        "欠费": [23270, 1, 0, 100, 999_999_999, 5],                    # cents
        "收缴率": [0.953, 1.0, 0.0, None, 0.5, 0.25],
        "月数": [3, 1, 0, 2, 40, 7],
        "到期日": [date(2025, 9, 15)] * 6,
        "登记时间": pd.to_datetime(["2026-03-31T16:30:00Z"] * 6, utc=True),
    })


def sheet_of(data: bytes, name: str | None = None):
    wb = load_workbook(io.BytesIO(data))
    return wb[name] if name else wb.worksheets[0]


@pytest.fixture
def ws():
    lines = title_lines("今日催缴工作单", "2026-04-01", [("负责人", "陈静"), ("项目", "")], EXPORTED, LABELS)
    table = Table("催缴工作单", frame(), {"欠费": Kind.MONEY, "收缴率": Kind.RATE}, lines)
    return sheet_of(workbook([table]))


def test_title_block_says_what_when_and_which_filters(ws):
    assert [ws.cell(r, 1).value for r in range(1, 5)] == [
        "今日催缴工作单", "期间：2026-04-01", "筛选：负责人: 陈静", "导出时间：2026-04-01 01:30（北京时间）"]
    assert ws.cell(1, 1).font.bold


def test_header_is_frozen_and_filtered(ws):
    assert [c.value for c in ws[6]] == ["业主", "欠费", "收缴率", "月数", "到期日", "登记时间"]
    assert ws.freeze_panes == "A7"
    assert ws.auto_filter.ref == "A6:F12"


def test_money_is_a_number_with_the_yuan_format_and_sums(ws):
    cells = [ws.cell(r, 2) for r in range(7, 13)]
    assert all(c.data_type == "n" and c.number_format == MONEY_FORMAT for c in cells)
    assert [Decimal(str(c.value)) for c in cells][:2] == [Decimal("232.70"), Decimal("0.01")]
    assert sum(Decimal(str(c.value)) for c in cells) == Decimal(23270 + 1 + 0 + 100 + 999_999_999 + 5) / 100


def test_rates_counts_dates_and_times_have_their_formats(ws):
    rate, count, due, at = ws.cell(7, 3), ws.cell(7, 4), ws.cell(7, 5), ws.cell(7, 6)
    assert (rate.value, rate.number_format) == (0.953, RATE_FORMAT)
    assert ws.cell(10, 3).value is None                                   # no rate: empty, not "nan"
    assert count.value == 3 and isinstance(count.value, int) and count.number_format == "#,##0"
    assert due.is_date and due.number_format == DATE_FORMAT and due.value.date() == date(2025, 9, 15)
    assert at.is_date and at.number_format == DATETIME_FORMAT
    assert at.value == datetime(2026, 4, 1, 0, 30)                          # 16:30 UTC is 00:30 in China


def test_text_typed_by_users_is_never_a_formula(ws):
    values = {ws.cell(r, 1).value: ws.cell(r, 1) for r in range(7, 13)}
    for text in (HYPERLINK, "+8613800000000", "-负数开头的备注", "@SUM(A1)", "\tcmd"):
        cell = values[text]
        assert cell.data_type == "s", text
        assert cell.quotePrefix, text                                       # Excel keeps it text on edit
    assert not values["王伟"].quotePrefix


def test_columns_are_as_wide_as_their_content_with_chinese_counted_double(ws):
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["A"] >= len(HYPERLINK) + 2
    assert widths["E"] >= len("2025-09-15")
    short = workbook([Table("x", pd.DataFrame({"房号": ["3-1906"], "业主姓名很长很长很长": ["王"]}))])
    s = sheet_of(short)
    assert s.column_dimensions["B"].width >= display_width("业主姓名很长很长很长") == 20
    assert display_width("3-1906") == 6 and display_width("王伟") == 4


def test_sheet_names_follow_excels_rules():
    assert sheet_name("欠费 [2026/04]: *?") == "欠费  2026 04"
    assert len(sheet_name("很" * 40)) == 31
    assert sheet_name("") == "Sheet" and sheet_name("'quoted'") == "quoted"
    assert sheet_name("催缴", ["催缴"]) == "催缴 (2)"
    data = workbook([Table("data/2026", frame()), Table("data/2026", frame())])
    assert load_workbook(io.BytesIO(data)).sheetnames == ["data 2026", "data 2026 (2)"]


def test_guessed_kinds_and_empty_or_odd_values():
    odd = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "x": [1.5, float("nan")],
                        "t": ["ok\x00\x07bell", None], "d": [pd.NaT, pd.Timestamp("2026-01-02")]})
    s = sheet_of(workbook([Table("odd", odd)]))
    assert [c.value for c in s[1]] == ["n", "x", "t", "d"] and s.freeze_panes == "A2"   # no title block
    assert s.cell(2, 1).value == 1 and s.cell(3, 1).value is None
    assert s.cell(2, 2).number_format == "#,##0.00" and s.cell(3, 2).value is None
    assert s.cell(2, 3).value == "okbell"                     # control characters Excel refuses are dropped
    assert s.cell(3, 4).is_date and s.cell(2, 4).value is None


def test_an_empty_table_still_has_its_header_and_title():
    s = sheet_of(workbook([Table("空表", pd.DataFrame({"房号": [], "欠费": []}), {"欠费": Kind.MONEY},
                                 ("标题", "筛选：无"))]))
    assert s.title == "空表" and [c.value for c in s[4]] == ["房号", "欠费"] and s.freeze_panes == "A5"
