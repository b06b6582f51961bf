"""An amount in Chinese capitals (大写金额), as receipts and notices must show beside the figures so
that nobody can add a stroke to a number: 1,005.20 -> 壹仟零伍元贰角整."""
from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
_SECTIONS = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """0 < n < 10000: a zero inside the group is said once (1005 -> 壹仟零伍), trailing zeros never."""
    out, zero = "", False
    for size, place in _PLACES:
        d = n // size % 10
        if d == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + DIGITS[d] + place
            zero = False
    return out


def integer_capitals(n: int) -> str:
    """Whole yuan in capitals; a gap between sections (壹佰万零壹拾) is said with one 零."""
    if n == 0:
        return DIGITS[0]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, gap = "", False
    for i in reversed(range(len(groups))):
        g = groups[i]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _group(g) + _SECTIONS[i]
        gap = False
    return out


def amount_in_capitals(cents: int) -> str:
    """Integer cents -> the capitals written on Chinese financial paper. 整 closes an amount that
    ends at 元 or 角 (nothing can be appended); an amount ending in 分 needs none."""
    cents = int(cents)
    if cents < 0:
        return "负" + amount_in_capitals(-cents)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    head = integer_capitals(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return head + "整"
    if jiao == 0:
        return head + ("零" if head else "") + DIGITS[fen] + "分"
    return head + DIGITS[jiao] + "角" + (DIGITS[fen] + "分" if fen else "整")
