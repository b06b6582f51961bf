"""The shared parts of the charts, so that each is read at a glance and read the same way:

- one category order across a page (`category_order`, given to every chart as its sort);
- reference lines (target, average) drawn bold and labelled at their right ends, the higher label
  above its line and the lower below, so two close lines never print their labels on each other;
- bars start at zero (a bar's length is its value) and carry their values (`bar_values`);
- a line chart may zoom its value axis, but then the axis says so in its title and the target line
  stays in view (`zoomed_domain`).
Altair 6; every label comes from the catalogue through the callers."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import altair as alt
import pandas as pd

TARGET_COLOUR = "#1b5e20"    # dark green, solid and bold
AVERAGE_COLOUR = "#e65100"   # orange, dashed
BELOW_COLOUR = "#c62828"
BAR_COLOUR = "#1565c0"
RULE_WIDTH = 3
LABEL_SIZE = 13


def category_order(frame: pd.DataFrame, key: str, by: str | None = None, chronological: bool = False) -> list:
    """The page's one order of its categories: by `by` descending (ties by name); ascending by the
    key itself when `chronological` (months as 'YYYY-MM'); else as the frame has them."""
    if chronological:
        return sorted(set(frame[key].tolist()))
    if by is None:
        return list(dict.fromkeys(frame[key].tolist()))
    ranked = frame.sort_values([by, key], ascending=[False, True], kind="stable")
    return list(dict.fromkeys(ranked[key].tolist()))


@dataclass(frozen=True)
class Line:
    value: float
    label: str
    colour: str = TARGET_COLOUR
    dashed: bool = False
    fmt: str = ".0%"


def target(value: float, label: str, fmt: str = ".0%") -> Line:
    return Line(value, label, TARGET_COLOUR, False, fmt)


def average(value: float, label: str, fmt: str = ".1%") -> Line:
    return Line(value, label, AVERAGE_COLOUR, True, fmt)


def reference_lines(*lines: Line | None) -> alt.LayerChart | None:
    """Horizontal rules, each labelled '<label> 95%' at the plot's right end: the highest line's
    label above it, the next one's below it, so that two lines a hair apart keep legible labels."""
    shown = sorted((x for x in lines if x is not None and x.value == x.value), key=lambda x: -x.value)
    layers = []
    for i, line in enumerate(shown):
        data = pd.DataFrame({"y": [line.value], "label": [f"{line.label} {format_value(line.value, line.fmt)}"]})
        base = alt.Chart(data)
        layers.append(base.mark_rule(color=line.colour, strokeWidth=RULE_WIDTH,
                                     strokeDash=[6, 4] if line.dashed else []).encode(y=alt.Y("y:Q")))
        above = i % 2 == 0
        layers.append(base.mark_text(align="left", baseline="bottom" if above else "top", dx=6,
                                     dy=-1 if above else 1, color=line.colour, fontSize=LABEL_SIZE,
                                     fontWeight="bold").encode(
            y=alt.Y("y:Q"), x=alt.value("width"), text="label:N"))
    return alt.layer(*layers) if layers else None


def format_value(value: float, fmt: str) -> str:
    if fmt.endswith("%"):
        digits = int(fmt[1:-1] or 0) if fmt.startswith(".") else 0
        return f"{value * 100:.{digits}f}%"
    return format(value, fmt.lstrip(".") if fmt.startswith(",") else fmt)


def bar_values(bars: alt.Chart, field: str, fmt: str, horizontal: bool = False, at_base: bool = False) -> alt.Chart:
    """The value of each bar printed on it: above a column, right of a horizontal bar, or (at_base)
    in white at the foot of a tall column, clear of the reference lines and their labels up top."""
    text = alt.Text(f"{field}:Q", format=fmt)
    if horizontal:
        return bars.mark_text(align="left", baseline="middle", dx=4, fontSize=LABEL_SIZE).encode(
            text=text, color=alt.value("#212121"))
    if at_base:
        return bars.mark_text(align="center", baseline="bottom", dy=-6, fontSize=LABEL_SIZE, fontWeight="bold").encode(
            text=text, y=alt.value("height"), color=alt.value("#ffffff"))
    return bars.mark_text(align="center", baseline="bottom", dy=-3, fontSize=LABEL_SIZE).encode(
        text=text, color=alt.value("#212121"))


def zoomed_domain(values: Sequence[float], must_show: Sequence[float] = (), step: float = 0.01,
                  floor: float = 0.0, ceiling: float = 1.0) -> tuple[list[float], bool]:
    """([low, high], zoomed) for a line chart of rates: the values and the reference lines in view
    with a step of margin, rounded to whole steps; `zoomed` when low is above `floor`, which the
    axis title must then say."""
    seen = [v for v in (*values, *must_show) if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not seen:
        return [floor, ceiling], False
    low = max(floor, math.floor(round(min(seen) / step, 6)) * step - step)
    high = min(ceiling, math.ceil(round(max(seen) / step, 6)) * step + step)
    return [round(low, 6), round(high, 6)], low > floor


def sort_of(chart_dict: dict, channel: str = "x") -> list | None:
    """The explicit sort of a chart's (or its first layer's) category channel, for tests and checks."""
    layers = chart_dict.get("layer") or [chart_dict]
    for layer in layers:
        enc = layer.get("encoding", {}).get(channel)
        if enc and isinstance(enc.get("sort"), list):
            return enc["sort"]
        if "layer" in layer:
            found = sort_of(layer, channel)
            if found is not None:
                return found
    return None


def bars(frame: pd.DataFrame, key: str, value: str, order: list, *, key_title: str, value_title: str,
         fmt: str = ",d", axis_format: str | None = None, colour: str = BAR_COLOUR,
         average: tuple[float, str] | None = None, target: tuple[float, str] | None = None,
         height: int = 300) -> alt.LayerChart:
    """Columns in the page's order, from zero, with their values on top; optional average (dashed,
    labelled at the left end) and target (bold, labelled at the right end)."""
    col = alt.Chart(frame).mark_bar(color=colour).encode(
        x=alt.X(f"{key}:N", title=key_title, sort=order,
                axis=alt.Axis(labelAngle=-40 if len(order) > 5 else 0, labelOverlap=False)),
        y=alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format=axis_format) if axis_format else alt.Axis(),
                scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip(f"{key}:N", title=key_title), alt.Tooltip(f"{value}:Q", title=value_title, format=fmt)])
    layers = [col, bar_values(col, value, fmt)]
    ref_fmt = ".1%" if fmt.endswith("%") else ",.1f"
    lines = reference_lines(Line(average[0], average[1], AVERAGE_COLOUR, True, ref_fmt) if average else None,
                            Line(target[0], target[1], TARGET_COLOUR, False, ref_fmt) if target else None)
    if lines is not None:
        layers.append(lines)
    return alt.layer(*layers).properties(height=height)
