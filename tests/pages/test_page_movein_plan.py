"""The plan page as a supervisor reads it (issue 13, item 6): the recommendation as labelled
tables with the target met or not per day, the forecast drawn for the staffing it names, the hall
sketch with its entrance, route and a waiting area coloured by fit, and rounded figures."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from page_helpers import APP, TIMEOUT, current_user
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.auth.actor import Actor
from core.auth.roles import Role
from core.i18n import translate
from core.movein.forecast import CURRENT, RECOMMENDED
from db.movein_models import MoveinBatch
from services import movein
from ui.movein_views import SKETCH_COLOURS, SKETCH_FONT, short_day

t = translate
MANAGER = Actor("manager", Role.MANAGER)
# A displayed figure with more than one decimal, as "6.1652" was.
LONG_DECIMAL = re.compile(r"\d\.\d{2,}")


@pytest.fixture(scope="module")
def batch(page_db):
    with page_db.engine.connect() as conn:
        return conn.execute(select(MoveinBatch.id, MoveinBatch.days)).one()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def plan_page(page_db, username: str = "supervisor") -> AppTest:
    import streamlit as st
    st.cache_data.clear()
    at = AppTest.from_file(str(APP.parent / "pages" / "movein_plan.py"), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(page_db.engine, username)
    return ok(at.run())


@pytest.fixture(scope="module")
def recommended(page_db, batch):
    """The page after one tap on "recommend", and the recommendation the service gives."""
    at = plan_page(page_db)
    at.button(key="recommend").click().run()
    return ok(at), movein.recommend_staffing(page_db.engine, MANAGER, batch.id)


def tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if d.editing_mode == "read_only"]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [df for df in tables(at) if column in df.columns]
    assert found, (column, [list(df.columns) for df in tables(at)])
    return found[0]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_recommendation_table_has_labelled_columns(recommended, batch):
    at, rec = recommended
    verdicts = table_with(at, t("mplan.v.now"))
    assert list(verdicts.columns) == [t("mplan.day"), t("mplan.planned"), t("mplan.v.now"), t("mplan.v.rec"),
                                      t("mplan.v.overtime"), t("mplan.v.change")]
    assert verdicts[t("mplan.day")].tolist() == [short_day(d) for d, _ in rec.days]
    per_station = table_with(at, t("mplan.s.rec"))
    assert list(per_station.columns) == [t("mplan.day"), t("field.station"), t("mplan.s.now"), t("mplan.s.rec"),
                                         t("mplan.s.change"), t("mplan.s.p90_now"), t("mplan.s.p90_rec")]
    assert len(per_station) == batch.days * len(rec.days[0][1].stations)


def test_a_day_that_misses_now_and_meets_recommended_says_so(recommended):
    """The seed's busy day: today's staffing fails, the recommendation holds, and the staff it
    adds are named on that day's row."""
    at, rec = recommended
    verdicts = table_with(at, t("mplan.v.now"))
    busy = [i for i, (_, r) in enumerate(rec.days) if not r.current_meets_target and r.meets_target]
    assert busy, "the demo batch has days the staffing planned now does not hold"
    for i in busy:
        row = verdicts.iloc[i]
        assert row[t("mplan.v.now")].startswith(t("mplan.no"))
        assert row[t("mplan.v.rec")].startswith(t("mplan.yes"))
        assert row[t("mplan.v.change")] != t("mplan.v.same") and "→" in row[t("mplan.v.change")]
    quiet = [i for i, (_, r) in enumerate(rec.days) if r.current_meets_target]
    assert all(verdicts.iloc[i][t("mplan.v.now")].startswith(t("mplan.yes")) for i in quiet)


def test_forecast_is_drawn_for_the_recommendation_and_says_so(recommended, batch):
    at, rec = recommended
    staff = sum(s.staff for _, r in rec.days for s in r.stations)
    assert t("mplan.drawn_recommended", n=staff, days=batch.days) in captions(at)
    assert at.radio(key=f"drawn_{batch.id}").value == RECOMMENDED
    per_station = table_with(at, t("mplan.util"))
    inspection = per_station[per_station[t("field.station")] == t("station.inspection")][t("mplan.staff")].tolist()
    assert inspection == [next(s.staff for s in r.stations if s.code == "inspection") for _, r in rec.days]
    days = table_with(at, t("mplan.overtime"))
    assert days[t("mplan.overtime")].tolist() == [round(r.checked.overtime_min) for _, r in rec.days]


def test_forecast_switched_to_the_current_staffing_shows_its_overtime(page_db, batch):
    at = plan_page(page_db)
    at.button(key="recommend").click().run()
    at.radio(key=f"drawn_{batch.id}").set_value(CURRENT).run()
    ok(at)
    current = movein.forecast(page_db.engine, MANAGER, batch.id)
    staff = sum(s.staff for f in current for s in f.stations)
    assert t("mplan.drawn_current", n=staff, days=batch.days) in captions(at)
    days = table_with(at, t("mplan.overtime"))
    assert days[t("mplan.overtime")].tolist() == [round(f.result.overtime_min) for f in current]
    # the staffing planned now runs past closing on the busy days; the recommendation does not
    assert max(days[t("mplan.overtime")]) > 0


def test_forecast_run_without_a_recommendation_names_the_current_staffing(page_db, batch):
    at = plan_page(page_db)
    at.button(key="run_forecast").click().run()
    ok(at)
    staff = sum(s.staff for f in movein.forecast(page_db.engine, MANAGER, batch.id) for s in f.stations)
    assert t("mplan.drawn_current", n=staff, days=batch.days) in captions(at)
    assert f"drawn_{batch.id}" not in [r.key for r in at.radio]


def _number_columns_rounded(df: pd.DataFrame) -> list[str]:
    bad = []
    for column in df.columns:
        values = df[column]
        if pd.api.types.is_float_dtype(values):
            if not all(pd.isna(v) or abs(v * 10 - round(v * 10)) < 1e-9 for v in values):
                bad.append(f"{column}: {values.tolist()}")
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            bad += [f"{column}: {v}" for v in values if isinstance(v, str) and LONG_DECIMAL.search(v)]
    return bad


def _shown_text(df: pd.DataFrame) -> list[str]:
    return [str(c) for c in df.columns] + [str(v) for col in df.columns for v in df[col].tolist()]


def test_every_figure_on_the_plan_page_is_rounded(recommended):
    """No displayed number with more than one decimal, no "None", no raw catalogue key, in any
    table of the page: the recommendation, the forecast, the hall's cross-check, after the day."""
    at, _ = recommended
    shown = tables(at)
    assert len(shown) >= 6
    assert table_with(at, t("mplan.actual_min")) is not None         # the after-day table is among them
    for df in shown:
        assert not _number_columns_rounded(df), _number_columns_rounded(df)
        text = _shown_text(df)
        assert not [s for s in text if s in ("None", "nan", "NaN")], list(df.columns)
        assert not [s for s in text if re.fullmatch(r"[a-z_]+\.[a-z_.]+", s)], list(df.columns)
    actual = table_with(at, t("mplan.actual_min"))
    assert pd.api.types.is_integer_dtype(actual[t("field.households")])


def _sketch(at: AppTest) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The hall sketch's Vega-Lite spec and its datasets (Streamlit sends them apart, as Arrow)."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        data = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets}
        if any("label" in df.columns and t("mhall.entrance") in df["label"].tolist() for df in data.values()):
            return spec, data
    raise AssertionError("no hall sketch on the page")


def _layers(spec: dict, data: dict) -> list[tuple[dict, pd.DataFrame]]:
    return [(layer, data.get(layer.get("data", {}).get("name"), pd.DataFrame())) for layer in spec["layer"]]


def _mark(layer: dict) -> dict:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


def test_hall_sketch_has_the_entrance_the_route_and_the_waiting_area_by_fit(recommended):
    at, rec = recommended
    spec, data = _sketch(at)
    layers = _layers(spec, data)
    entrance = [df for layer, df in layers if _mark(layer)["type"] == "text" and "label" in df
                and df["label"].tolist() == [t("mhall.entrance")]]
    assert entrance, "the entrance is marked"
    heads = [(layer, df) for layer, df in layers if _mark(layer).get("shape") == "triangle-right"]
    assert heads and "angle" in heads[0][0]["encoding"], "arrow heads turned along the route"
    segments = [df for layer, df in layers if _mark(layer)["type"] == "rule"]
    stations = rec.days[0][1].stations
    assert segments and len(segments[0]) == 2 + len(stations)     # entrance → reception → waiting → each station
    # the waiting area: green when its seats hold the drawn forecast's peak (the recommendation's)
    rects = next(df for layer, df in layers if _mark(layer)["type"] == "rect" and "zone" in df)
    waiting = rects[rects["zone"] == "waiting"].iloc[0]
    colour = next(layer["encoding"]["color"] for layer, df in layers if "zone" in df and "color" in layer["encoding"])
    scale = dict(zip(colour["scale"]["domain"], colour["scale"]["range"]))
    peak = max(r.checked.peak_waiting for _, r in rec.days)
    assert waiting["kind"] == t("mhall.fits") and scale[waiting["kind"]] == SKETCH_COLOURS["fits"]
    assert str(peak) in waiting["label"]
    # labels at tablet size, inside their zone: a name that has no room is a number in the key
    fonts = [_mark(layer).get("fontSize") for layer, _ in layers if _mark(layer)["type"] == "text"]
    assert fonts and min(fonts) >= 14 == SKETCH_FONT
    assert all(lbl for lbl in rects["label"])


def test_hall_sketch_turns_red_when_the_current_staffing_overfills_the_waiting_area(page_db, batch):
    at = plan_page(page_db)
    at.button(key="recommend").click().run()
    at.radio(key=f"drawn_{batch.id}").set_value(CURRENT).run()
    spec, data = _sketch(ok(at))
    rects = next(df for layer, df in _layers(spec, data) if "zone" in df and _mark(layer)["type"] == "rect")
    waiting = rects[rects["zone"] == "waiting"].iloc[0]
    peak = max(f.result.peak_waiting for f in movein.forecast(page_db.engine, MANAGER, batch.id))
    assert peak > 40 and waiting["kind"] == t("mhall.short")
    assert t("mhall.seats_short", seats=40, peak=peak) in waiting["label"].replace("\n", "")
