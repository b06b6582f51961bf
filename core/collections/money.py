"""Money is integer cents (分) everywhere; yuan only at the edges, parsed from text exactly."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import ValidationError
from core.org.rules import normalise_text

MAX_CENTS = 10_000_000_00  # ten million yuan: no single bill or payment of ours is larger
_YUAN_RE = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")


def parse_yuan(value: object, field: str = "amount", allow_zero: bool = False) -> int:
    """'1,234.50' or '１２３４.５' → 123450. Refuses negative, non-numeric, >2 decimals, absurd sizes."""
    text = normalise_text(value).replace(",", "").replace("¥", "").replace("￥", "").replace("元", "")
    if not text:
        raise ValidationError("err.required", field=field)
    if not _YUAN_RE.match(text):
        raise ValidationError("err.money_format", field=field)
    try:
        cents = int((Decimal(text) * 100).to_integral_value())
    except InvalidOperation:
        raise ValidationError("err.money_format", field=field) from None
    if cents == 0 and not allow_zero:
        raise ValidationError("err.money_positive", field=field)
    if cents > MAX_CENTS:
        raise ValidationError("err.money_too_big", field=field)
    return cents


def yuan(cents: int | None) -> str:
    """123450 → '1,234.50'."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


def property_fee_cents(area_m2: Decimal, rate_cents_per_m2: int) -> int:
    """Monthly property fee: area × rate, rounded half up to the cent."""
    return int((Decimal(area_m2) * rate_cents_per_m2).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
