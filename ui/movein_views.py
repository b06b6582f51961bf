"""Pieces of the move-in pages: forecast tables and charts, the hall sketch, the live board."""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.movein.hall import Zone, floor_plan
from ui.i18n import t


def station_name(code: str) -> str:
    label = t(f"station.{code}")
    return code if label == f"station.{code}" else label


def zone_name(code: str) -> str:
    if code.startswith("station:"):
        return t("zone.station", station=station_name(code.split(":", 1)[1]))
    return t(f"zone.{code}")


def forecast_tables(forecasts) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = pd.DataFrame([{
        t("mplan.day"): f.day.isoformat(), t("mplan.planned"): f.households, t("mplan.arrived"): f.result.arrived,
        t("mplan.peak"): f.result.peak_waiting, t("mplan.bottleneck"): station_name(f.result.bottleneck),
        t("mplan.overtime"): round(f.result.overtime_min)} for f in forecasts])
    stations = pd.DataFrame([{
        "day": f.day.isoformat(), "station": station_name(s.code), "staff": s.staff,
        "p90": round(s.p90_wait, 1), "util": s.utilisation, "erlang": f.erlang[s.code]}
        for f in forecasts for s in f.result.stations])
    return days, stations


def p90_chart(stations: pd.DataFrame, target: float) -> alt.Chart:
    base = alt.Chart(stations).mark_line(point=True).encode(
        x=alt.X("day:N", title=t("mplan.day")), y=alt.Y("p90:Q", title=t("mplan.p90")),
        color=alt.Color("station:N", title=t("field.station")),
        tooltip=["day", "station", "staff", "p90", alt.Tooltip("util:Q", format=".0%"), "erlang"])
    rule = alt.Chart(pd.DataFrame({"y": [target]})).mark_rule(strokeDash=[4, 4], color="red").encode(y="y:Q")
    return base + rule


def hall_sketch(zones: list[Zone], hall_m2: float) -> alt.Chart:
    width = max(10.0, round((hall_m2 * 1.5) ** 0.5, 1))  # a hall about 1.5 times as wide as deep
    rects = pd.DataFrame(floor_plan(zones, width, hall_m2))
    # Short labels inside the rectangles (station zones by their station's name); area in the tooltip.
    rects["label"] = [station_name(z.split(":", 1)[1]) if z.startswith("station:") else zone_name(z)
                      for z in rects["zone"]]
    rects["area"] = [f"{m:g} ㎡" for m in rects["m2"]]
    rects["cx"], rects["cy"] = (rects["x"] + rects["x2"]) / 2, (rects["y"] + rects["y2"]) / 2
    shapes = alt.Chart(rects).mark_rect(stroke="white", strokeWidth=2).encode(
        x=alt.X("x:Q", title="m", scale=alt.Scale(domain=[0, width])), x2="x2", y=alt.Y("y:Q", title="m"), y2="y2",
        color=alt.Color("zone:N", legend=None), tooltip=["label", "area"])
    text = alt.Chart(rects).mark_text(fontSize=9, color="black", limit=70).encode(x="cx:Q", y="cy:Q", text="label")
    return (shapes + text).properties(height=320)


def live_station_chart(stations: list[dict]) -> alt.Chart:
    rows = []
    for s in stations:
        rows.append({"station": station_name(s["code"]), "state": t("mlive.served"), "n": s["served"]})
        rows.append({"station": station_name(s["code"]), "state": t("mlive.waiting"), "n": s["waiting"]})
    order = [station_name(s["code"]) for s in stations]
    return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y("station:N", sort=order, title=None), x=alt.X("n:Q", title=None),
        color=alt.Color("state:N", title=None, scale=alt.Scale(range=["#2e7d32", "#c62828"])),
        tooltip=["station", "state", "n"]).properties(height=260)


def defect_table(defects: pd.DataFrame) -> pd.DataFrame:
    """Defects with codes turned into words and columns named, for display and export."""
    from ui.fmt import local

    shown = defects.assign(location=defects["location"].map(lambda v: t(f"loc.{v}")),
                           kind=defects["kind"].map(lambda v: t(f"kind.{v}")),
                           severity=defects["severity"].map(lambda v: t(f"sev.{v}")),
                           responsible=defects["responsible"].map(lambda v: t(f"resp.{v}")),
                           status=defects["status"].map(lambda v: t(f"defect.{v}")),
                           created_at=defects["created_at"].map(local))
    names = {"room_no": t("col.room"), "created_at": t("col.at"), "status": t("col.stage"),
             **{c: t(f"field.{c}") for c in ("location", "kind", "severity", "responsible", "note")}}
    return shown.drop(columns=["id", "version"]).rename(columns=names)
