"""Turn an uploaded CSV or Excel file into a list of row dicts, refusing what is not one."""
from __future__ import annotations

import csv
import io

from core.errors import ValidationError
from core.importing.xlsx_guard import MAX_COLUMNS, check_xlsx

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL_CHARS = 128 * 1024   # the csv module's own field limit


def _rows_from_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError("err.file_encoding")
    if "\x00" in text:
        raise ValidationError("err.file_type")
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as e:
        if "field larger than field limit" in str(e):   # one huge cell: say so, it is a real CSV
            raise ValidationError("err.csv_cell_too_big", max_kb=MAX_CELL_CHARS // 1024) from None
        raise ValidationError("err.file_type") from None


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    """Rows that hold data, at most MAX_ROWS + 1 of them: empty rows are dropped as they are read,
    so they count against nothing, and a row is cut after the last column a table can have."""
    from openpyxl import load_workbook

    check_xlsx(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()   # never pad rows to a declared width
            rows = []
            for row in ws.iter_rows(values_only=True):  # read-only mode parses here, cells as stored
                cells = ["" if v is None else str(v) for v in row[:MAX_COLUMNS]]
                if any(c.strip() for c in cells):
                    rows.append(cells)
                    if len(rows) > MAX_ROWS + 1:
                        raise ValidationError("err.file_too_many_rows", max=MAX_ROWS)
        finally:
            wb.close()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a damaged or foreign file fails in many ways (zip, XML, no sheet...)
        raise ValidationError("err.file_type") from None
    return rows


def read_table(filename: str, data: bytes) -> list[dict[str, str]]:
    """Rows keyed by header. The header is row 1, so data row i is row i+2 for messages."""
    if len(data) > MAX_BYTES:
        raise ValidationError("err.file_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    name = (filename or "").lower()
    if name.endswith(".csv"):
        rows = _rows_from_csv(data)
    elif name.endswith(".xlsx"):
        # The uploader's type filter is browser-side only: check the content is really a zip.
        if not data.startswith(b"PK"):
            raise ValidationError("err.file_type")
        rows = _rows_from_xlsx(data)
    else:
        raise ValidationError("err.file_type")
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise ValidationError("err.file_empty")
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError("err.file_too_many_rows", max=MAX_ROWS)
    header = [str(h).strip() for h in rows[0]]
    return [dict(zip(header, r + [""] * (len(header) - len(r)))) for r in rows[1:]]
