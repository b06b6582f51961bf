"""Import files as offices really send them: Chinese headers, GB18030 CSVs from Excel, xlsx."""
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from core.errors import ValidationError
from core.i18n import translate
from core.importing import files
from core.importing.files import read_table
from core.importing.units import validate_unit_rows
from core.org.model import UnitStatus

HEADER_ZH = ["楼栋", "房号", "面积", "状态", "业主姓名", "电话", "特殊需求"]
GOOD_ROWS = [
    ["3", "3-1906", "89.5", "已售", "王伟", "13812345678", ""],
    ["3", "3-1907", "98", "已入住", "李娜", "0755-12345678", "行动不便，需轮椅通道"],
    ["5", "5-101", "128.25", "未售", "", "", ""],
]
BUILDINGS = {"3", "5"}


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    return "\n".join(",".join(r) for r in rows).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def refused_key(filename, data) -> str:
    with pytest.raises(ValidationError) as info:
        read_table(filename, data)
    return info.value.key


def validate(rows, buildings=BUILDINGS, existing=frozenset()):
    return validate_unit_rows(read_table("units.csv", csv_bytes([HEADER_ZH] + rows)), set(buildings),
                              set(existing))


def shown(error, lang="zh") -> str:
    """The reason as the admin reads it in the error table."""
    return translate(error.key, lang, **error.params)


# --- reading files ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_with_chinese_headers_in_any_common_encoding(encoding):
    raw = read_table("房屋.csv", csv_bytes([HEADER_ZH] + GOOD_ROWS, encoding))
    assert len(raw) == 3
    assert raw[0]["楼栋"] == "3"                       # no BOM glued to the first header
    assert raw[1]["业主姓名"] == "李娜"
    assert raw[1]["特殊需求"] == "行动不便，需轮椅通道"
    result = validate_unit_rows(raw, BUILDINGS, set())
    assert result.ok
    assert [r.room_no for r in result.rows] == ["3-1906", "3-1907", "5-101"]


def test_gb18030_file_gives_the_same_rows_as_utf8():
    assert (read_table("a.csv", csv_bytes([HEADER_ZH] + GOOD_ROWS, "gb18030"))
            == read_table("a.csv", csv_bytes([HEADER_ZH] + GOOD_ROWS, "utf-8-sig")))


def test_xlsx_made_with_excel_tools():
    rows = [HEADER_ZH,
            ["3", "3-1906", 89.5, "已售", "王伟", 13812345678, None],
            [3, "3-1907", 98, "已入住", "李娜", "0755-12345678", None]]
    raw = read_table("房屋.XLSX", xlsx_bytes(rows))
    result = validate_unit_rows(raw, BUILDINGS, set())
    assert result.errors == []
    first, second = result.rows
    assert (first.room_no, first.floor, first.area_m2, first.owner_phone) == ("3-1906", 19, Decimal("89.50"),
                                                                              "13812345678")
    assert second.building == "3" and second.status is UnitStatus.OCCUPIED


def test_english_headers_work_too():
    header = ["building", "room_no", "area_m2", "status", "owner_name", "owner_phone", "special_needs"]
    raw = read_table("u.csv", csv_bytes([header, ["3", "3-1906", "89.5", "sold", "Wang", "13812345678", ""]]))
    result = validate_unit_rows(raw, BUILDINGS, set())
    assert result.ok and result.rows[0].owner_name == "Wang"


def test_a_text_file_renamed_xlsx_is_refused():
    assert refused_key("units.xlsx", csv_bytes([HEADER_ZH] + GOOD_ROWS)) == "err.file_type"


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert refused_key("units.xlsx", buffer.getvalue()) == "err.file_type"


def test_a_corrupt_workbook_is_refused():
    data = xlsx_bytes([HEADER_ZH] + GOOD_ROWS)
    assert refused_key("units.xlsx", data[: len(data) // 2]) == "err.file_type"


@pytest.mark.parametrize("name", ["units.xls", "units.txt", "units", "units.csv.exe", ""])
def test_other_file_types_are_refused(name):
    assert refused_key(name, csv_bytes([HEADER_ZH] + GOOD_ROWS)) == "err.file_type"


def test_binary_content_named_csv_is_refused():
    assert refused_key("units.csv", b"\x00\x01\x02" * 10) == "err.file_type"


def test_undecodable_csv_is_refused_with_the_encoding_message():
    # invalid in UTF-8 and in GB18030 (0xFF is never a lead byte)
    assert refused_key("units.csv", b"\xff\xff\xff,\xff\n") == "err.file_encoding"


@pytest.mark.parametrize("data", [b"", b"\n\n", b",,,\n,,\n", "\ufeff".encode()])
def test_empty_files_are_refused(data):
    assert refused_key("units.csv", data) == "err.file_empty"


def test_too_big_file_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    error_key = refused_key("units.csv", csv_bytes([HEADER_ZH] + GOOD_ROWS * 10))
    assert error_key == "err.file_too_big"


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_ROWS", 2)
    assert refused_key("units.csv", csv_bytes([HEADER_ZH] + GOOD_ROWS)) == "err.file_too_many_rows"
    assert refused_key("units.xlsx", xlsx_bytes([HEADER_ZH] + GOOD_ROWS)) == "err.file_too_many_rows"


def test_blank_lines_are_skipped_and_short_rows_padded():
    raw = read_table("u.csv", "楼栋,房号,面积,状态\n\n3,3-1906,89\n".encode())
    assert raw == [{"楼栋": "3", "房号": "3-1906", "面积": "89", "状态": ""}]


# --- validating rows ----------------------------------------------------------------------

def test_one_bad_row_among_good_ones_is_named_by_its_file_row():
    rows = [GOOD_ROWS[0], ["3", "3-1907", "98", "已售", "李娜", "1381234", ""], GOOD_ROWS[2]]
    result = validate(rows)
    assert not result.ok
    assert [(e.row, e.key) for e in result.errors] == [(3, "err.phone_format")]  # header is row 1
    assert len(result.rows) == 2


def test_every_bad_row_is_reported_not_just_the_first():
    rows = [["3", "31906", "89", "", "", "", ""],         # row 2: room format
            GOOD_ROWS[0],                                 # row 3
            ["3", "3-1908", "-1", "", "", "", ""],        # row 4: area
            ["3", "3-1909", "89", "卖了", "", "", ""],     # row 5: status
            ["3", "3-1910", "abc", "", "", "", ""]]       # row 6: area format
    result = validate(rows)
    assert [(e.row, e.key) for e in result.errors] == [
        (2, "err.room_format"), (4, "err.area_range"), (5, "err.status_unknown"), (6, "err.area_format")]


def test_duplicate_room_inside_the_file_names_the_first_row():
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], ["3", "３－１９０６", "90", "", "", "", ""]]
    result = validate(rows)
    assert [(e.row, e.key) for e in result.errors] == [(4, "err.room_duplicate")]
    assert result.errors[0].params["first"] == 2
    assert shown(result.errors[0]) == "房号 3-1906 在文件中重复（首次出现在第 2 行）。"


def test_unknown_building():
    result = validate([["4", "4-101", "89", "", "", "", ""]])
    assert [(e.row, e.key) for e in result.errors] == [(2, "err.building_unknown")]
    assert "4" in shown(result.errors[0])


def test_room_that_already_exists_in_the_project():
    result = validate([GOOD_ROWS[0], GOOD_ROWS[1]], existing={"3-1907"})
    assert [(e.row, e.key) for e in result.errors] == [(3, "err.room_exists")]
    assert "3-1907" in shown(result.errors[0])


def test_room_in_another_building_than_its_column():
    result = validate([["5", "3-1906", "89", "", "", "", ""]])
    assert [(e.row, e.key) for e in result.errors] == [(2, "err.room_building_mismatch")]


def test_missing_building_cell_is_required():
    result = validate([["", "3-1906", "89", "", "", "", ""]])
    assert [(e.row, e.key) for e in result.errors] == [(2, "err.required")]
    assert shown(result.errors[0]) == "“楼栋”不能为空。"


def test_missing_required_columns_are_named():
    raw = read_table("u.csv", "楼栋,业主姓名\n3,王伟\n".encode())
    result = validate_unit_rows(raw, BUILDINGS, set())
    assert [(e.row, e.key) for e in result.errors] == [(1, "err.missing_columns")]
    assert "room_no" in shown(result.errors[0]) and "area_m2" in shown(result.errors[0])
    assert not result.ok


def test_header_only_file_imports_nothing_and_says_the_file_is_empty():
    result = validate([])
    assert result.rows == [] and not result.ok
    assert [(e.row, e.key) for e in result.errors] == [(1, "err.file_empty")]


def test_owner_fields_are_optional_and_phone_validated():
    result = validate([["5", "5-101", "98", "未售", "", "", ""]])
    row = result.rows[0]
    assert (row.owner_name, row.owner_phone, row.special_needs) == (None, None, None)
    assert row.status is UnitStatus.UNSOLD


def test_long_special_needs_are_refused():
    result = validate([["3", "3-1906", "89", "", "王伟", "", "需" * 501]])
    assert [e.key for e in result.errors] == ["err.too_long"]


def test_every_error_reads_as_a_full_sentence_in_both_languages():
    rows = [["3", "31906", "89", "", "", "", ""], ["4", "4-101", "89", "", "", "", ""],
            ["3", "3-1908", "-1", "", "", "", ""], ["3", "3-1909", "x", "", "", "", ""],
            ["3", "3-1910", "89", "??", "", "", ""], ["3", "3-1911", "89", "", "", "123", ""],
            ["3", "3-1912", "89", "", "王" * 41, "", ""], ["", "3-1913", "89", "", "", "", ""],
            ["5", "3-1914", "89", "", "", "", ""], GOOD_ROWS[0], GOOD_ROWS[0]]
    result = validate(rows, existing={"3-1907"})
    assert len(result.errors) == 10
    for error in result.errors:
        for lang in ("zh", "en"):
            text = shown(error, lang)
            assert text != error.key and "{" not in text, (error, text)


# --- the downloadable template (issue 11, item 2) --------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_imports_as_it_comes(lang):
    """The template's headers are the validator's, and its example rows pass the validator: an admin
    who fills it in the way the examples show gets no refusal."""
    from openpyxl import load_workbook

    from core.importing.template import header, unit_template

    data = unit_template(lang)
    book = load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == 2                        # the rows and the notes on every column
    assert [c.value for c in book.worksheets[0][1]] == header(lang)
    result = validate_unit_rows(read_table("template.xlsx", data), {"3"}, set())
    assert result.ok, result.errors
    assert [(r.room_no, r.status, r.owner_phone) for r in result.rows] == [
        ("3-1906", UnitStatus.SOLD, "13812345678"), ("3-1907", UnitStatus.OCCUPIED, "13912345678")]
    assert result.rows[1].special_needs                     # the example names a need of the ledger


def test_statuses_import_as_the_screens_label_them():
    result = validate([["3", "3-1906", "89.5", "已售待交付", "", "", ""], ["3", "3-1907", "89.5", "Occupied", "", "", ""]])
    assert [r.status for r in result.rows] == [UnitStatus.SOLD, UnitStatus.OCCUPIED]


def test_phones_in_an_import_are_stored_in_one_form():
    result = validate([["3", "3-1906", "89.5", "", "王伟", "+86 138 1234 5678", ""],
                       ["3", "3-1907", "89.5", "", "李娜", "(0755) 1234 5678", ""]])
    assert [r.owner_phone for r in result.rows] == ["13812345678", "0755-12345678"]
