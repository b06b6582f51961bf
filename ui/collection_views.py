"""Charts and tables of the collection pages."""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.collections.money import yuan
from core.collections.rates import AGING_BUCKETS, COMPANY_TARGET
from ui.i18n import t


def with_rates(sums: pd.DataFrame) -> pd.DataFrame:
    out = sums.copy()
    out["current"] = out["collected"] / out["billed"].where(out["billed"] > 0)
    out["recovery"] = out["recovered"] / out["arrears_start"].where(out["arrears_start"] > 0)
    return out


def by_city(sums: pd.DataFrame) -> pd.DataFrame:
    cities = sums.groupby("city", sort=False)[["billed", "collected", "arrears_start", "recovered"]].sum().reset_index()
    return with_rates(cities)


def city_chart(cities: pd.DataFrame, average: float) -> alt.Chart:
    bars = alt.Chart(cities).mark_bar().encode(
        x=alt.X("city:N", title=None, sort=None),
        y=alt.Y("current:Q", title=t("rate.current"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0.6, 1.0], clamp=True)),
        color=alt.condition(alt.datum.current < COMPANY_TARGET, alt.value("#c62828"), alt.value("#1565c0")),
        tooltip=[alt.Tooltip("city:N", title=t("coll.col.city")), alt.Tooltip("current:Q", format=".1%", title=t("rate.current"))])
    lines = pd.DataFrame({"y": [COMPANY_TARGET, average], "what": [t("rate.target"), t("rate.average")]})
    rules = alt.Chart(lines).mark_rule(strokeDash=[5, 3]).encode(
        y="y:Q", color=alt.Color("what:N", title=None, scale=alt.Scale(range=["#2e7d32", "#ef6c00"])))
    return (bars + rules).properties(height=300)


def trend_chart(trend: pd.DataFrame) -> alt.Chart:
    frame = trend.assign(rate=trend["collected"] / trend["billed"].where(trend["billed"] > 0))
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("period:N", title=None), y=alt.Y("rate:Q", title=t("rate.current"), axis=alt.Axis(format="%"),
                                                  scale=alt.Scale(zero=False)),
        tooltip=["period", alt.Tooltip("rate:Q", format=".1%")]).properties(height=240)


def aging_table(aging: pd.DataFrame) -> pd.DataFrame:
    order = [name for _, _, name in AGING_BUCKETS]
    frame = aging.assign(order=aging["bucket"].map(order.index)).sort_values(["order", "holder"])
    return pd.DataFrame({t("coll.col.bucket"): frame["bucket"].map(lambda b: t(f"bucket.{b}")),
                         t("coll.col.holder"): frame["holder"].map(lambda h: t(f"holder.{h}")),
                         t("coll.col.amount"): frame["cents"].map(yuan), t("coll.col.units"): frame["units"]})


def aging_chart(aging: pd.DataFrame) -> alt.Chart:
    order = [t(f"bucket.{name}") for _, _, name in AGING_BUCKETS]
    frame = aging.assign(bucket=aging["bucket"].map(lambda b: t(f"bucket.{b}")),
                         holder=aging["holder"].map(lambda h: t(f"holder.{h}")), yuan=aging["cents"] / 100)
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("bucket:N", sort=order, title=None), y=alt.Y("yuan:Q", title=t("coll.col.amount")),
        color=alt.Color("holder:N", title=None), tooltip=["bucket", "holder", alt.Tooltip("yuan:Q", format=",.2f")]
    ).properties(height=260)


def project_table(sums: pd.DataFrame) -> pd.DataFrame:
    frame = with_rates(sums)
    return pd.DataFrame({
        t("coll.col.project"): frame["project"], t("coll.col.city"): frame["city"],
        t("coll.col.billed"): frame["billed"].map(yuan), t("coll.col.collected"): frame["collected"].map(yuan),
        t("coll.col.current"): frame["current"], t("coll.col.arrears_start"): frame["arrears_start"].map(yuan),
        t("coll.col.recovered"): frame["recovered"].map(yuan), t("coll.col.recovery"): frame["recovery"]})
