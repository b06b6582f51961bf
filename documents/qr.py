"""QR codes as inline SVG: the document number and the record it belongs to, so a scan (or the
number typed) at the desk finds the record again."""
from __future__ import annotations

import segno
from markupsafe import Markup

from core.documents.numbers import qr_payload


def qr_svg(number: str, record_ref: str, scale: int = 2) -> Markup:
    code = segno.make(qr_payload(number, record_ref), error="m")
    # svg_inline: no XML declaration; the payload is drawn as modules, never written as text.
    return Markup(code.svg_inline(scale=scale, border=2, title=number))
