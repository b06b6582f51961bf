"""The company's clock. Every office works on Beijing time, whatever zone the server runs in:
"today" for a due date, a worklist or a move-in day is the date in China, not the server's."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))  # Asia/Shanghai has had no daylight saving since 1991


def local_now() -> datetime:
    return datetime.now(CHINA)


def local_today() -> date:
    return local_now().date()
