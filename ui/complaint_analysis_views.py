"""The complaint analysis table made readable: by building a company has hundreds of buildings
(1,406 at the bench's full size), which no manager reads in a chart and which cost half a second
to draw; the busiest are shown and the rest summed in one line."""
from __future__ import annotations

import pandas as pd

SHOWN_BUILDINGS = 30
_SUMMED = ("received", "closed", "breaches", "called_back", "unreachable")


def fold_tail(frame: pd.DataFrame, shown: int, label) -> tuple[pd.DataFrame, int]:
    """(the `shown` groups received most, then one line keyed `label(n)` summing the other n; n).
    The groups shown keep their figures; the line's means are weighted (hours by the closed
    tickets, satisfaction by the called back), so it reads as those tickets taken together."""
    if len(frame) <= shown:
        return frame, 0
    ordered = frame.sort_values(["received", "key"], ascending=[False, True], kind="stable")
    top, rest = ordered.iloc[:shown], ordered.iloc[shown:]
    line = {c: int(rest[c].sum()) for c in _SUMMED}
    closed, called = line["closed"], line["called_back"]
    line["hours_to_close"] = (rest["hours_to_close"].fillna(0) * rest["closed"]).sum() / closed if closed else float("nan")
    line["satisfaction"] = (rest["satisfaction"].fillna(0) * rest["called_back"]).sum() / called if called else float("nan")
    line["key"] = label(len(rest))
    folded = pd.concat([top, pd.DataFrame([line], columns=frame.columns)], ignore_index=True)
    return folded.astype({c: frame[c].dtype for c in _SUMMED}), len(rest)
