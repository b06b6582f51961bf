"""Crafted spreadsheets are refused before they are read, quickly and in little memory: a 2 KB
.xlsx declaring A1:XFD1048576, a shared-strings bomb, a zip bomb, empty rows that would count
against the row cap, and a CSV with one huge cell (a real CSV: it gets its own message).
Memory is asserted (under 100 MB more, tracemalloc); times are printed, with a generous bound."""
from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from core.errors import ValidationError
from core.importing.files import read_table

MB = 1024 * 1024


def workbook(fill) -> bytes:
    wb = Workbook()
    fill(wb.active)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_part(base: bytes, name: str, write) -> bytes:
    """`base` with the zip entry `name` replaced by what `write(stream)` streams into it."""
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
        with dst.open(name, "w", force_zip64=True) as part:
            write(part)
    return out.getvalue()


def header_only(ws):
    ws.append(["楼栋", "房号"])
    ws.append(["3", "3-1906"])


def declared_everything():
    def fill(ws):
        header_only(ws)
        ws["XFD1048576"] = "x"
    return workbook(fill)


def shared_strings_bomb():
    def write(part):
        part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        chunk = b"<si><t>" + b"A" * 4000 + b"</t></si>"
        for _ in range(60 * MB // len(chunk)):
            part.write(chunk)
        part.write(b"</sst>")
    return with_part(workbook(header_only), "xl/sharedStrings.xml", write)


def zip_bomb():
    def write(part):
        zeros = bytes(MB)
        for _ in range(200):
            part.write(zeros)
    return with_part(workbook(header_only), "xl/worksheets/sheet1.xml", write)


def refused(name, data):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationError) as info:
            read_table(name, data)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n{name} ({len(data) / 1024:.1f} KB): refused as {info.value.key} in {seconds * 1000:.0f} ms, "
          f"peak {peak / MB:.1f} MB")
    assert peak < 100 * MB
    assert seconds < 10, "a sanity bound only; the figure is printed above"
    return info.value


def test_a_small_file_declaring_the_whole_sheet_is_refused():
    data = declared_everything()
    assert len(data) < 8 * 1024
    assert refused("dimension.xlsx", data).key == "err.xlsx_dimension"


def test_a_shared_strings_bomb_is_refused():
    data = shared_strings_bomb()
    assert refused("strings.xlsx", data).key == "err.xlsx_bomb"


def test_a_zip_bomb_is_refused():
    data = zip_bomb()
    assert len(data) < 1 * MB
    assert refused("bomb.xlsx", data).key == "err.xlsx_bomb"


def test_a_csv_with_one_huge_cell_gets_its_own_message():
    data = ("楼栋,房号,备注\n3,3-1906," + "长" * 200_000 + "\n").encode("utf-8")
    error = refused("units.csv", data)
    assert error.key == "err.csv_cell_too_big" and error.key != "err.file_type"


def test_empty_rows_do_not_count_against_the_cap_and_a_sheet_without_dimension_reads():
    def fill(ws):
        header_only(ws)
        ws.cell(row=30_000, column=1, value="5")   # far below, after many empty rows
    rows = read_table("sparse.xlsx", workbook(fill))
    assert [r["楼栋"] for r in rows] == ["3", "5"]


def test_too_many_rows_with_data_are_refused_while_reading(monkeypatch):
    from core.importing import files
    monkeypatch.setattr(files, "MAX_ROWS", 50)   # the same counting as at 20,000, faster
    def fill(ws):
        for n in range(files.MAX_ROWS + 3):
            ws.append(["3", f"3-{n}"])
    data = workbook(fill)
    # strip the declared dimension, so only counting the rows read can stop it
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet = src.read("xl/worksheets/sheet1.xml")
    import re
    sheet = re.sub(rb"<dimension[^>]*/>", b"", sheet)
    data = with_part(data, "xl/worksheets/sheet1.xml", lambda part: part.write(sheet))
    assert refused("many.xlsx", data).key == "err.file_too_many_rows"
