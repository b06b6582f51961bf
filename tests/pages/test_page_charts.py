"""The charts read at a glance (ui/charts.py and the pages that draw them), checked on their Altair
specs: one category order across a page, the target line bold and labelled, bars from zero with
their values, a zoomed axis that says so and keeps the target in view, and reference lines whose
labels stay apart when the lines nearly meet."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from core.collections.rates import COMPANY_TARGET
from core.i18n import translate as t
from ui import charts
from ui.collection_views import aging_chart, city_chart, trend_chart


def layers(spec: dict) -> list[dict]:
    """Every leaf layer of a (nested) layer chart, with its data's rows when inline."""
    out = []
    for layer in spec.get("layer", [spec]):
        if "layer" in layer:
            for inner in layers(layer):
                inner.setdefault("data", layer.get("data"))
                out.append(inner)
        else:
            out.append(layer)
    return out


def rows(spec: dict, layer: dict) -> list[dict]:
    name = (layer.get("data") or spec.get("data") or {}).get("name")
    return spec.get("datasets", {}).get(name, [])


def mark(layer: dict) -> str:
    m = layer.get("mark")
    return m if isinstance(m, str) else m["type"]


def rules(spec: dict) -> list[tuple[float, str, dict, dict]]:
    """(value, label text, rule mark, label mark) of every reference line."""
    found = []
    leaves = layers(spec)
    for i, layer in enumerate(leaves):
        if mark(layer) == "rule":
            label = leaves[i + 1]
            assert mark(label) == "text", "a reference line without its label"
            row = rows(spec, layer)[0]
            found.append((row["y"], row["label"], layer["mark"], label))
    return found


CITIES = pd.DataFrame({"city": ["广州", "深圳", "上海", "长春"], "current": [0.931, 0.972, 0.955, 0.948]})


def test_city_chart_bars_from_zero_target_bold_and_labelled_values_on_the_bars():
    spec = city_chart(CITIES, 0.9515).to_dict()
    bars = [x for x in layers(spec) if mark(x) == "bar"][0]
    assert bars["encoding"]["y"]["scale"]["domain"][0] == 0          # the length of a bar is its value
    assert bars["encoding"]["x"]["sort"] == ["深圳", "上海", "长春", "广州"]   # best first
    target = [r for r in rules(spec) if r[0] == COMPANY_TARGET]
    assert len(target) == 1
    value, label, rule, text = target[0]
    assert label == f"{t('rate.target')} 95%" and rule["strokeWidth"] >= 3 and not rule["strokeDash"]
    assert text["encoding"]["x"] == {"value": "width"}                  # at the line's end
    values = [x for x in layers(spec) if mark(x) == "text" and x["encoding"].get("text", {}).get("field") == "current"]
    assert values and values[0]["encoding"]["text"]["format"] == ".1%"


def test_target_and_average_a_hair_apart_keep_their_labels_apart():
    spec = city_chart(CITIES, 0.9515).to_dict()
    (hi_value, hi_label, _, hi_text), (lo_value, lo_label, lo_rule, lo_text) = rules(spec)
    assert hi_value > lo_value and abs(hi_value - lo_value) < 0.005
    # the higher line's label sits above its line, the lower one's below: they cannot overprint
    assert hi_text["mark"]["baseline"] == "bottom" and lo_text["mark"]["baseline"] == "top"
    assert hi_label == f"{t('rate.average')} 95.2%" and lo_label == f"{t('rate.target')} 95%"
    assert lo_rule["strokeDash"] == [] and [r for r in rules(spec) if r[1].startswith(t("rate.average"))][0][2]["strokeDash"]


def test_trend_of_tenths_of_a_percent_zooms_says_so_and_shows_the_target():
    trend = pd.DataFrame({"period": [f"2026-{m:02d}" for m in range(1, 13)],
                          "rate": [0.960, 0.962, 0.965, 0.968, 0.961, 0.963, 0.966, 0.964, 0.962, 0.967, 0.961, 0.963]})
    spec = trend_chart(trend).to_dict()
    y = layers(spec)[0]["encoding"]["y"]
    low, high = y["scale"]["domain"]
    assert low <= COMPANY_TARGET <= high and low > 0 and high >= 0.968
    assert y["title"] == t("rate.axis_zoomed", low=f"{low:.0%}")       # the axis says it does not start at 0
    assert [r[0] for r in rules(spec)] == [COMPANY_TARGET]
    assert layers(spec)[0]["encoding"]["x"]["sort"] == trend["period"].tolist()


def test_trend_that_spans_from_zero_is_not_called_zoomed():
    trend = pd.DataFrame({"period": ["2026-01", "2026-02"], "rate": [0.004, 0.97]})
    y = layers(trend_chart(trend).to_dict())[0]["encoding"]["y"]
    assert y["scale"]["domain"][0] == 0 and y["title"] == t("rate.current")


def test_aging_buckets_in_age_order_with_totals_on_top():
    aging = pd.DataFrame({"bucket": ["91-180", "0-30", "31-90"], "holder": ["owner"] * 3, "cents": [500_00, 100_00, 200_00],
                          "units": [1, 2, 3]})
    spec = aging_chart(aging).to_dict()
    bars, totals = layers(spec)
    assert bars["encoding"]["x"]["sort"][:3] == [t("bucket.0-30"), t("bucket.31-90"), t("bucket.91-180")]
    assert totals["encoding"]["text"]["field"] == "yuan" and totals["encoding"]["x"]["sort"] == bars["encoding"]["x"]["sort"]


def test_zoomed_domain_rounds_to_whole_steps_and_keeps_every_line():
    assert charts.zoomed_domain([0.961, 0.968], [0.95]) == ([0.94, 0.98], True)
    assert charts.zoomed_domain([0.2, 0.5]) == ([0.19, 0.51], True)
    assert charts.zoomed_domain([0.0, 0.9]) == ([0.0, 0.91], False)
    assert charts.zoomed_domain([]) == ([0.0, 1.0], False)


def test_category_order():
    frame = pd.DataFrame({"key": ["b", "a", "c", "d"], "n": [5, 9, 5, 1]})
    assert charts.category_order(frame, "key", by="n") == ["a", "b", "c", "d"]        # ties by name
    months = pd.DataFrame({"key": ["2026-03", "2026-01", "2026-02"], "n": [1, 9, 5]})
    assert charts.category_order(months, "key", by="n", chronological=True) == ["2026-01", "2026-02", "2026-03"]


# ---------------------------------------------------------------- the pages as drawn

def page_specs(at) -> list[dict]:
    """The page's Vega-Lite specs with their datasets put back (Streamlit sends them apart, as Arrow)."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec["datasets"] = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data).to_dict("records")
                            for d in chart.proto.datasets}
        out.append(spec)
    return out


def x_sort(spec: dict) -> list:
    return [x for x in layers(spec) if mark(x) == "bar"][0]["encoding"]["x"]["sort"]


@pytest.mark.parametrize("by", ["category", "month", "building"])
def test_complaint_analysis_charts_share_one_order(run_page, by):
    at = run_page("complaint_analysis", "manager")
    if by != "category":
        [s for s in at.selectbox if s.label == t("analysis.by")][0].select(by).run()
    assert not at.exception
    received, breaches = page_specs(at)[:2]
    assert x_sort(received) == x_sort(breaches)
    counts = {r["key"]: r["received"] for r in rows(received, layers(received)[0])}
    order = x_sort(received)
    if by == "month":
        assert order == sorted(order)
    else:
        assert [counts[k] for k in order] == sorted(counts.values(), reverse=True)
    # values on the bars of both, and the breach rate's overall mean labelled on its line
    for spec in (received, breaches):
        assert any(mark(x) == "text" and x["encoding"].get("text", {}).get("field") in ("received", "breach_rate")
                   for x in layers(spec))
    assert [r[1].split(" ")[0] for r in rules(breaches)] == [t("analysis.mean")]
    # the table under the charts lists the rows in the same order
    assert at.dataframe[0].value.iloc[:, 0].tolist()[:len(order)] == order


def test_collections_page_draws_the_target_on_both_rate_charts(run_page):
    at = run_page("collections", "manager")
    assert not at.exception
    city, trend = page_specs(at)[:2]
    for spec in (city, trend):
        assert COMPANY_TARGET in [r[0] for r in rules(spec)]
        y = layers(spec)[0]["encoding"]["y"]["scale"]["domain"]
        assert y[0] <= COMPANY_TARGET <= y[1]


def test_home_occupancy_chart_and_table_in_one_order(run_app):
    at = run_app("manager")
    assert not at.exception
    specs = page_specs(at)
    bars = [x for x in layers(specs[-1]) if mark(x) == "bar"][0]
    order = bars["encoding"]["y"]["sort"]
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 1]
    assert any(mark(x) == "text" for x in layers(specs[-1]))
    table = [d for d in at.dataframe if t("home.col.project") in d.value.columns][-1].value
    assert table[t("home.col.project")].tolist() == order
