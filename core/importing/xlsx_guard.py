"""Checks of an .xlsx before any spreadsheet reader touches it.

An .xlsx is a zip of XML. The reader trusts what the file declares: a 2 KB file declaring the
range A1:XFD1048576 made it pad every row to 16,384 columns (2.8 GB), a shared-strings part that
inflates a thousandfold filled the memory before the first row was read. So the zip's directory
is read first (every entry's declared size and compression ratio; the zip module never inflates an
entry past its declared size), then the first bytes of each sheet for its declared dimension."""
from __future__ import annotations

import io
import re
import zipfile

from core.errors import ValidationError

MAX_ENTRIES = 200
MAX_ENTRY_BYTES = 40 * 1024 * 1024          # a 20,000-row sheet of ten columns is ~10 MB of XML
MAX_TOTAL_BYTES = 80 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 10 * 1024 * 1024  # read whole into memory by the reader
MAX_RATIO = 100                              # real sheets compress 5-30 times
MAX_COLUMNS = 100
MAX_DECLARED_ROWS = 100_000
_HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n


def _check_entries(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ValidationError("err.xlsx_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        limit = MAX_SHARED_STRINGS_BYTES if info.filename.lower().endswith("sharedstrings.xml") else MAX_ENTRY_BYTES
        if info.file_size > limit or total > MAX_TOTAL_BYTES:
            raise ValidationError("err.xlsx_bomb")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ValidationError("err.xlsx_bomb")


def _check_dimensions(zf: zipfile.ZipFile) -> None:
    for info in zf.infolist():
        name = info.filename.lower()
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        with zf.open(info) as part:
            head = part.read(_HEAD_BYTES)
        found = _DIMENSION.search(head)
        if not found:
            continue   # no dimension declared: the reader then sizes the sheet by its cells
        last_col, last_row = (found.group(3), found.group(4)) if found.group(3) else (found.group(1), found.group(2))
        if _column_number(last_col) > MAX_COLUMNS or int(last_row) > MAX_DECLARED_ROWS:
            raise ValidationError("err.xlsx_dimension", columns=MAX_COLUMNS, rows=MAX_DECLARED_ROWS)


def check_xlsx(data: bytes) -> None:
    """Refuses (ValidationError) a workbook that would cost far more to read than its rows are worth."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationError("err.file_type") from None
    with zf:
        _check_entries(zf)
        try:
            _check_dimensions(zf)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, RuntimeError,
                NotImplementedError):
            raise ValidationError("err.file_type") from None
