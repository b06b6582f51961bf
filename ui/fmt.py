"""Times are stored in UTC and shown in China time."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from core.clock import CHINA


def local(moment) -> str:
    """'2026-11-23 19:05' in China time; '' for a missing time (None, NaT, NaN)."""
    if moment is None or pd.isna(moment):
        return ""
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    if not isinstance(moment, datetime):
        return str(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
