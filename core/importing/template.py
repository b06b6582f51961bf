"""The downloadable Excel template of the units-and-owners import: the headers the validator
accepts (in the user's language), two example rows and a sheet that explains every column."""
from __future__ import annotations

import io

from core.i18n import translate
from core.importing.units import HEADERS, REQUIRED
from core.org.model import UnitStatus
from core.org.needs import NeedKind

_EXAMPLES = [("3", "3-1906", "89.50", "sold", "王伟", "138-1234-5678", ""),
             ("3", "3-1907", "98.00", "occupied", "李娜", "+86 139 1234 5678", "elderly_alone")]


def header(lang: str) -> list[str]:
    """Chinese headers for zh (the first alias of each column), English field names otherwise."""
    return [aliases[0] if lang == "zh" else name for name, aliases in HEADERS.items()]


def unit_template(lang: str = "zh") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = translate("template.sheet", lang)
    ws.append(header(lang))
    for b, room, area, status, owner, phone, need in _EXAMPLES:
        ws.append([b, room, area, translate(f"status.{status}", lang) if lang == "zh" else status, owner, phone,
                   translate(f"need.{need}", lang) if need else ""])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFG", (8, 12, 10, 12, 14, 18, 24)):
        ws.column_dimensions[col].width = width
    notes = wb.create_sheet(translate("template.notes", lang))
    notes.append([translate("template.column", lang), translate("template.meaning", lang)])
    for (name, _), head in zip(HEADERS.items(), header(lang)):
        required = translate("template.required", lang) if name in REQUIRED else ""
        notes.append([head, translate(f"template.help.{name}", lang) + required])
    notes.append([])
    notes.append([translate("field.status", lang),
                  " / ".join(translate(f"status.{s.value}", lang) for s in UnitStatus)])
    notes.append([translate("field.special_needs", lang),
                  " / ".join(translate(f"need.{k.value}", lang) for k in NeedKind)])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 16, 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
