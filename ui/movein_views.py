"""Display pieces of the move-in pages: the staffing recommendation and its Erlang C cross-check,
the forecast tables and chart, the hall's seats and sketch, the household card and the live board
of the tablet."""
from __future__ import annotations

import math
import re
from itertools import combinations, pairwise

import altair as alt
import pandas as pd
import streamlit as st

from core.movein.forecast import StaffChange
from core.movein.hall import Zone, floor_plan, route
from core.movein.staffing import GOAL, hall_check, waiting_zone_for
from ui.fmt import local
from ui.i18n import t

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def station_name(code: str) -> str:
    label = t(f"station.{code}")
    return code if label == f"station.{code}" else label


def zone_name(code: str) -> str:
    if code.startswith("station:"):
        return t("zone.station", station=station_name(code.split(":", 1)[1]))
    return t(f"zone.{code}")


def day_label(d) -> str:
    return f"{d.isoformat()} {t(f'mplan.wd.{WEEKDAYS[d.weekday()]}')}"


def _share(met: int, n: int) -> str:
    return t("mplan.met_of", met=met, n=n, pct=round(100 * met / n) if n else 0)


# ---------------------------------------------------------------- the recommendation

def short_day(d) -> str:
    """A batch's days all lie in a few weeks: month, day and weekday are enough in a narrow table."""
    return f"{d.month:02d}-{d.day:02d} {t(f'mplan.wd.{WEEKDAYS[d.weekday()]}')}"


def _verdict(ok: bool, o) -> str:
    return t("mplan.v.cell", verdict=t("mplan.yes") if ok else t("mplan.no"), met=o.met, n=o.replications)


def _changes_text(changes: list[StaffChange]) -> str:
    moved = [f"{station_name(c.code)} {c.now}→{c.recommended}" for c in changes if c.change]
    return t("mplan.v.sep").join(moved) if moved else t("mplan.v.same")


def verdict_table(rec, changes: list[StaffChange]) -> pd.DataFrame:
    """One row a day: whether the day meets the target with the staff planned now and with the
    recommendation (both re-simulated on the same days), how long past closing each runs, and
    what changes."""
    rows = []
    for day, r in rec.days:
        now, new = r.checked_current, r.checked
        rows.append({
            t("mplan.day"): short_day(day), t("mplan.planned"): int(r.booked),
            t("mplan.v.now"): _verdict(r.current_meets_target, now), t("mplan.v.rec"): _verdict(r.meets_target, new),
            t("mplan.v.overtime"): f"{round(now.overtime_min)} → {round(new.overtime_min)}",
            t("mplan.v.change"): _changes_text([c for c in changes if c.day == day])})
    return pd.DataFrame(rows)


def staff_change_table(changes: list[StaffChange], only_changed: bool = False) -> pd.DataFrame:
    """Per day and station: staff now and recommended, and each one's 90% wait."""
    return pd.DataFrame([{
        t("mplan.day"): short_day(c.day), t("field.station"): station_name(c.code),
        t("mplan.s.now"): c.now, t("mplan.s.rec"): c.recommended, t("mplan.s.change"): c.change,
        t("mplan.s.p90_now"): round(c.p90_now, 1), t("mplan.s.p90_rec"): round(c.p90_recommended, 1)}
        for c in changes if c.change or not only_changed],
        columns=[t("mplan.day"), t("field.station"), t("mplan.s.now"), t("mplan.s.rec"), t("mplan.s.change"),
                 t("mplan.s.p90_now"), t("mplan.s.p90_rec")])


def staff_days(forecasts) -> int:
    """Staff-days of a forecast's staffing: the figure the caption names it by."""
    return sum(s.staff for f in forecasts for s in f.stations)


def unreachable_days(rec) -> list[str]:
    """The days the limits cannot make hold, each with the best they reach."""
    return [t("mplan.unreachable", day=day_label(day), share=round(100 * r.chosen.met_share),
              p90=round(r.chosen.worst_p90, 1), goal=round(100 * GOAL))
            for day, r in rec.days if not r.holds]


def erlang_table(r) -> pd.DataFrame:
    return pd.DataFrame([{t("field.station"): station_name(e.code), t("mplan.sim_staff"): e.simulated,
                          t("mplan.erlang_avg"): e.steady, t("mplan.erlang_peak"): e.peak_hour,
                          t("mplan.why"): t(f"erlang.{e.reason}")} for e in r.erlang])


# ---------------------------------------------------------------- the forecast

def forecast_tables(forecasts) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = pd.DataFrame([{
        t("mplan.day"): f.day.isoformat(), t("mplan.planned"): f.households,
        t("mplan.arrived"): round(f.result.arrived), t("mplan.meets"): _share(f.result.met, f.result.replications),
        t("mplan.peak"): int(f.result.peak_waiting), t("mplan.outside"): round(f.result.outside, 1),
        t("mplan.bottleneck"): station_name(f.result.bottleneck) if f.result.bottleneck else t("mplan.none_waits"),
        t("mplan.overtime"): round(f.result.overtime_min)} for f in forecasts])
    stations = pd.DataFrame([{
        "day": f.day.isoformat(), "station": station_name(s.code), "staff": s.staff,
        "p90": round(s.p90_wait, 1), "util": round(100 * s.utilisation), "erlang": f.erlang[s.code]}
        for f in forecasts for s in f.result.stations])
    return days, stations


def p90_chart(stations: pd.DataFrame, target: float) -> alt.Chart:
    axis = alt.Axis(labelFontSize=13, titleFontSize=14)
    base = alt.Chart(stations).mark_line(point=True).encode(
        x=alt.X("day:N", title=t("mplan.day"), axis=axis), y=alt.Y("p90:Q", title=t("mplan.p90"), axis=axis),
        color=alt.Color("station:N", title=t("field.station"),
                        legend=alt.Legend(labelFontSize=13, titleFontSize=14, orient="bottom", columns=3)),
        tooltip=["day", "station", "staff", "p90", alt.Tooltip("util:Q", format="d"), "erlang"])
    rule = alt.Chart(pd.DataFrame({"y": [target]})).mark_rule(strokeDash=[4, 4], color="red").encode(y="y:Q")
    return base + rule


def station_table(per_station: pd.DataFrame) -> pd.DataFrame:
    return per_station.rename(columns={"day": t("mplan.day"), "station": t("field.station"),
                                       "staff": t("mplan.staff"), "p90": t("mplan.p90"), "util": t("mplan.util"),
                                       "erlang": t("mplan.erlang")})


# ---------------------------------------------------------------- the hall

def busiest(forecasts):
    """The forecast day with the most people waiting at once (1 day in 20), or None."""
    return max(forecasts, key=lambda f: f.result.peak_waiting, default=None) if forecasts else None


def seats_needed(f, settings) -> tuple[int, float]:
    """(seats, m²) the waiting zone needs for the busiest day's peak."""
    return f.result.peak_waiting, waiting_zone_for(f.result.peak_waiting, settings.m2_per_waiting_person)


def hall_crosscheck(f, settings, bookings) -> pd.DataFrame | None:
    """M/M/c/K beside the simulation at the station where people wait most that day."""
    code = f.result.bottleneck
    if code is None:
        return None
    station = next(s for s in f.stations if s.code == code)
    h = hall_check(bookings, settings, station, f.result.seats, f.result.outside)
    return pd.DataFrame([{t("mplan.day"): f.day.isoformat(), t("field.station"): station_name(code),
                          t("mplan.staff"): h.staff, t("mplan.seats"): h.seats,
                          t("mplan.mmck_full"): f"{h.p_full:.0%}", t("mplan.mmck_outside"): round(h.expected_outside, 1),
                          t("mplan.sim_outside"): round(h.simulated_outside, 1)}])


# The sketch is drawn to scale at a fixed size, metres the same on both axes, so that the arrow
# heads point along their lines and a label's room in pixels is known before the browser draws it.
SKETCH_PX = 460            # plot width: with its axis it fits the main column at 1024 px, sidebar open
SKETCH_FONT = 14           # readable on a tablet at arm's length
_LINE_PX = 17
_ENTRANCE_BAND_M = 1.8     # below the hall's front wall, where the entrance is marked
SKETCH_COLOURS = {"fits": "#66bb6a", "short": "#e53935", "unknown": "#bdbdbd", "station": "#90caf9",
                  "support": "#ffe0b2"}


def _text_px(text: str) -> float:
    """Width at SKETCH_FONT: a CJK character is about one em, Latin letters about 0.6."""
    return sum(SKETCH_FONT if ord(ch) > 0x2E80 else 0.6 * SKETCH_FONT for ch in text)


def _wrap(text: str, width_px: float, most_lines: int = 3) -> list[str] | None:
    """The fewest lines of at most width_px, broken evenly (no lone last character): by words
    where there are spaces, by characters in Chinese; None when it does not go in most_lines."""
    pieces = re.findall(r"[A-Za-z0-9/'’.:-]+ ?|.", text)
    for k in range(1, min(most_lines, len(pieces)) + 1):
        best = None
        for cuts in combinations(range(1, len(pieces)), k - 1):
            bounds = (0, *cuts, len(pieces))
            lines = ["".join(pieces[a:b]).strip() for a, b in pairwise(bounds)]
            widths = [_text_px(line) for line in lines]
            score = (max(widths), max(widths) - min(widths))
            if score[0] <= width_px and (best is None or score < best[0]):
                best = (score, lines)
        if best:
            return best[1]
    return None


def _fit(lines: list[str], w_px: float, h_px: float) -> str | None:
    """The lines wrapped to fit a w x h box (with a margin), or None."""
    out = []
    for line in lines:
        wrapped = _wrap(line, w_px - 8)
        if wrapped is None:
            return None
        out += wrapped
    return "\n".join(out) if len(out) * _LINE_PX <= h_px - 4 else None


def _zone_label(code: str) -> str:
    return station_name(code.split(":", 1)[1]) if code.startswith("station:") else zone_name(code)


def _waiting_kind(seats: int, peak: int | None) -> str:
    return "unknown" if peak is None else ("fits" if seats >= peak else "short")


def sketch_frames(zones: list[Zone], hall_m2: float, station_codes: list[str], seats: int,
                  peak: int | None) -> dict:
    """Everything the sketch draws, as frames in metres: the zones with their label (or their
    number where the name has no room), the entrance, the route's segments and arrow heads."""
    width = max(10.0, round((hall_m2 * 1.5) ** 0.5, 1))  # a hall about 1.5 times as wide as deep
    depth = max(hall_m2 / width, sum(z.m2 for z in zones) / width)
    ppm = SKETCH_PX / width
    rects = pd.DataFrame(floor_plan(zones, width, hall_m2))
    kinds = {"waiting": _waiting_kind(seats, peak)}
    legend = {k: t(f"mhall.{k}") for k in ("fits", "short", "unknown")} | {
        "station": t("mhall.kind.station"), "support": t("mhall.kind.support")}
    labels, keyed, kind_labels = [], [], []
    for n, r in enumerate(rects.itertuples(), start=1):
        kind = kinds.get(r.zone, "station" if r.zone.startswith("station:") else "support")
        kind_labels.append(legend[kind])
        lines = [_zone_label(r.zone)]
        if r.zone == "waiting":
            lines.append(t("mhall.seats_only", seats=seats) if peak is None else
                         t(f"mhall.seats_{'fit' if kind == 'fits' else 'short'}", seats=seats, peak=peak))
        w_px, h_px = (r.x2 - r.x) * ppm, (r.y2 - r.y) * ppm
        label = _fit(lines, w_px, h_px) or _fit(lines[:1], w_px, h_px)
        if label is None:
            label = str(n) if _text_px(str(n)) <= w_px - 2 else ""
            keyed.append(t("mhall.legend_row", n=n, zone=_zone_label(r.zone), m2=f"{r.m2:g}"))
        labels.append(label)
    rects["label"], rects["kind"] = labels, kind_labels
    rects["area"] = [f"{m:g} ㎡" for m in rects["m2"]]
    rects["name"] = [_zone_label(z) for z in rects["zone"]]
    rects["cx"], rects["cy"] = (rects["x"] + rects["x2"]) / 2, (rects["y"] + rects["y2"]) / 2
    centre = {r.zone: (r.cx, r.y + (r.y2 - r.y) * 0.07) for r in rects.itertuples()}  # low, under the labels
    walk = route(zones, station_codes)
    door_x = centre[walk[0]][0] if walk else width / 2
    points = [(door_x, -0.25)] + [centre[c] for c in walk]
    segments, heads = [], []
    for step, ((x1, y1), (x2, y2)) in enumerate(pairwise(points), start=1):
        segments.append({"x": x1, "y": y1, "x2": x2, "y2": y2, "step": step})
        # Vega turns a symbol clockwise on screen, where y runs down.
        heads.append({"x": x1 + 0.6 * (x2 - x1), "y": y1 + 0.6 * (y2 - y1), "step": step,
                      "angle": math.degrees(math.atan2(-(y2 - y1), x2 - x1))})
    entrance = pd.DataFrame([{"x": door_x, "y": -0.25, "label": t("mhall.entrance"), "ty": -1.1}])
    return {"width": width, "depth": depth, "rects": rects, "segments": pd.DataFrame(segments),
            "heads": pd.DataFrame(heads), "entrance": entrance, "keyed": keyed,
            "colours": {legend[k]: SKETCH_COLOURS[k] for k in legend}}


def hall_sketch(zones: list[Zone], hall_m2: float, station_codes: list[str] | None = None, seats: int = 0,
                peak: int | None = None) -> tuple[alt.Chart, list[str]]:
    """The hall to scale: the zones, the waiting area green when its seats hold the forecast's
    peak and red when they do not, the entrance, and the owners' route as arrows. Returns the
    chart and the key of the zones shown by number."""
    f = sketch_frames(zones, hall_m2, list(station_codes or []), seats, peak)
    width, depth = f["width"], f["depth"]
    y_domain = [-_ENTRANCE_BAND_M, depth + 0.2]
    height = round(SKETCH_PX * (y_domain[1] - y_domain[0]) / width)
    axis = {"labelFontSize": SKETCH_FONT, "titleFontSize": SKETCH_FONT}
    x = alt.X("x:Q", title="m", scale=alt.Scale(domain=[0, width], nice=False), axis=alt.Axis(**axis))
    y = alt.Y("y:Q", title="m", scale=alt.Scale(domain=y_domain, nice=False), axis=alt.Axis(**axis))
    used = [k for k in f["colours"] if k in set(f["rects"]["kind"])]
    colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=used, range=[f["colours"][k] for k in used]),
                       legend=alt.Legend(orient="bottom", labelFontSize=SKETCH_FONT, symbolSize=200, labelLimit=260))
    hall = alt.Chart(pd.DataFrame([{"x": 0, "y": 0, "x2": width, "y2": hall_m2 / width}])).mark_rect(
        fill=None, stroke="#616161", strokeWidth=2).encode(x=x, y=y, x2="x2", y2="y2")
    shapes = alt.Chart(f["rects"]).mark_rect(stroke="white", strokeWidth=2).encode(
        x=x, x2="x2", y=y, y2="y2", color=colour, tooltip=[alt.Tooltip("name:N", title=t("mplan.zone")),
                                                           alt.Tooltip("area:N", title=t("mplan.area"))])
    text = alt.Chart(f["rects"]).mark_text(fontSize=SKETCH_FONT, color="#212121", lineBreak="\n",
                                           lineHeight=_LINE_PX).encode(x="cx:Q", y="cy:Q", text="label:N")
    layers = [hall, shapes, text]
    if not f["segments"].empty:
        layers.append(alt.Chart(f["segments"]).mark_rule(color="#37474f", strokeWidth=3, opacity=0.8).encode(
            x="x:Q", y="y:Q", x2="x2:Q", y2="y2:Q"))
        layers.append(alt.Chart(f["heads"]).mark_point(shape="triangle-right", size=260, filled=True,
                                                       color="#37474f", opacity=1).encode(
            x="x:Q", y="y:Q", angle=alt.Angle("angle:Q", scale=None)))
    door = alt.Chart(f["entrance"])
    layers.append(door.mark_point(shape="triangle-up", size=420, filled=True, color="#1b5e20").encode(x="x:Q", y="y:Q"))
    layers.append(door.mark_text(fontSize=SKETCH_FONT, fontWeight="bold", color="#1b5e20").encode(
        x="x:Q", y="ty:Q", text="label:N"))
    # "pad": the plot is exactly width x height and the axes go around it (Streamlit's default
    # "fit" squeezes the plot unevenly, which would bend the arrows and overflow the labels).
    chart = alt.layer(*layers).properties(width=SKETCH_PX, height=height,
                                          autosize=alt.AutoSizeParams(type="pad")).configure_view(strokeWidth=0)
    return chart, f["keyed"]


def defect_table(defects: pd.DataFrame) -> pd.DataFrame:
    """Defects with codes turned into words and columns named, for display and export."""
    shown = defects.assign(location=defects["location"].map(lambda v: t(f"loc.{v}")),
                           kind=defects["kind"].map(lambda v: t(f"kind.{v}")),
                           severity=defects["severity"].map(lambda v: t(f"sev.{v}")),
                           responsible=defects["responsible"].map(lambda v: t(f"resp.{v}")),
                           status=defects["status"].map(lambda v: t(f"defect.{v}")),
                           created_at=defects["created_at"].map(local),
                           note=defects["note"].map(lambda v: "" if v is None or pd.isna(v) else v),
                           # a defect logged before deadlines existed has none: a dash, not "None"
                           **({"due": defects["due"].map(lambda d: "—" if d is None or pd.isna(d) else str(d))}
                              if "due" in defects else {}))
    names = {"room_no": t("col.room"), "created_at": t("col.at"), "status": t("col.stage"),
             **{c: t(f"field.{c}") for c in ("location", "kind", "severity", "responsible", "note", "due")}}
    return shown.drop(columns=["id", "version"]).rename(columns=names)


def actual_table(actual: pd.DataFrame) -> pd.DataFrame:
    actual = actual.assign(station=actual["station"].map(station_name),
                           households=actual["households"].fillna(0).astype(int),
                           planned_min=actual["planned_min"].astype(float).round(1),
                           # a station nobody has passed yet has no time: a dash, not "None"
                           actual_min=[("—" if pd.isna(v) else f"{float(v):.1f}") for v in actual["actual_min"]])
    return actual.rename(columns={"station": t("field.station"), "households": t("field.households"),
                                  "planned_min": t("mplan.planned_min"), "actual_min": t("mplan.actual_min")})


# ---------------------------------------------------------------- the tablet

def live_station_chart(stations: list[dict]) -> alt.Chart:
    """Households in service and waiting per station: whole households on a whole-number axis,
    which stays readable (0 to 1) when the hall is empty."""
    rows = []
    for s in stations:
        rows.append({"station": station_name(s["code"]), "state": t("mlive.served"), "n": int(s["served"])})
        rows.append({"station": station_name(s["code"]), "state": t("mlive.waiting"), "n": int(s["waiting"])})
    order = [station_name(s["code"]) for s in stations]
    most = max([int(s["served"]) + int(s["waiting"]) for s in stations] + [1])
    return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y("station:N", sort=order, title=None, axis=alt.Axis(labelFontSize=13, labelLimit=160)),
        x=alt.X("n:Q", title=t("mlive.households_axis"), scale=alt.Scale(domain=[0, most], nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, values=list(range(0, most + 1, max(1, most // 8))))),
        color=alt.Color("state:N", title=None, scale=alt.Scale(range=["#2e7d32", "#c62828"]),
                        legend=alt.Legend(orient="top", labelFontSize=13)),
        tooltip=["station", "state", "n"]).properties(height=260)


def live_board_view(board: dict) -> None:
    m = st.columns(4)
    m[0].metric(t("mlive.plan_today"), board["planned"])
    m[1].metric(t("mlive.done_today"), board["finished"])
    m[2].metric(t("mlive.in_hall"), board.get("in_hall", 0))
    m[3].metric(t("mlive.not_arrived"), board["not_arrived"])
    m = st.columns(4)
    m[0].metric(t("mlive.no_shows"), board["no_shows"])
    m[1].metric(t("mlive.other_day_count"), board.get("other_day", 0))
    m[2].metric(t("mlive.moved_away"), board.get("moved_away", 0))
    m[3].metric(t("mlive.mean_flow"), "—" if board["mean_flow_min"] is None else f"{board['mean_flow_min']:.0f}")
    if board["bottleneck"]:
        s = next(x for x in board["stations"] if x["code"] == board["bottleneck"])
        st.warning(t("mlive.bottleneck", station=station_name(s["code"]), n=s["waiting"],
                     m=round(s["longest_wait_min"])))
    else:
        st.caption(t("mlive.no_bottleneck"))
    st.altair_chart(live_station_chart(board["stations"]), width="stretch")
    st.caption(t("mlive.refreshed"))
