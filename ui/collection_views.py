"""Charts and tables of the collection pages, the worklist table and a unit's fee ledger. The
rates they draw come computed by core (services.collections): nothing here divides."""
from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from core.auth.capabilities import Capability
from core.collections.delivery import ProofKind, restarts_limitation
from core.clock import local_today
from core.collections.money import yuan
from core.collections.plans import GRACE_DAYS
from core.collections.rates import BUCKET_NAMES, COMPANY_TARGET
from services import collections
from ui import cache, charts
from ui.collection_forms import (decide_plan_form, decide_waiver_form, payment_form, plan_form, void_form,
                                 waiver_form)
from ui.document_views import unit_papers
from ui.export import COUNT, DATE, MONEY, RATE
from ui.i18n import t
from ui.submit import show_flash


def city_chart(cities: pd.DataFrame, average: float | None) -> alt.LayerChart:
    """Cities best first; bars from zero with their rate at their foot; the target bold and the
    average dashed, each labelled at its right end (charts.reference_lines keeps close labels apart)."""
    order = charts.category_order(cities, "city", by="current")
    bars = alt.Chart(cities).mark_bar().encode(
        x=alt.X("city:N", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("current:Q", title=t("rate.current_from_zero"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.condition(alt.datum.current < COMPANY_TARGET, alt.value(charts.BELOW_COLOUR), alt.value(charts.BAR_COLOUR)),
        tooltip=[alt.Tooltip("city:N", title=t("coll.col.city")), alt.Tooltip("current:Q", format=".1%", title=t("rate.current"))])
    lines = charts.reference_lines(charts.target(COMPANY_TARGET, t("rate.target")),
                                   charts.average(average, t("rate.average")) if average is not None else None)
    return alt.layer(bars, charts.bar_values(bars, "current", ".1%", at_base=True), lines).properties(height=300)


def trend_chart(trend: pd.DataFrame) -> alt.LayerChart:
    """A line may zoom in (the months move by tenths of a percent), but then the axis title says
    where it starts, and the target line is always in view."""
    domain, zoomed = charts.zoomed_domain(trend["rate"].tolist(), [COMPANY_TARGET])
    title = t("rate.axis_zoomed", low=f"{domain[0]:.0%}") if zoomed else t("rate.current")
    periods = trend["period"].tolist()
    base = alt.Chart(trend).encode(
        x=alt.X("period:N", title=None, sort=periods),
        y=alt.Y("rate:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=domain, zero=False)))
    line = base.mark_line(point=True, color=charts.BAR_COLOUR).encode(
        tooltip=[alt.Tooltip("period:N", title=t("coll.period")), alt.Tooltip("rate:Q", format=".1%", title=t("rate.current"))])
    last = base.transform_filter(alt.datum.period == periods[-1]).mark_text(
        align="center", dy=-14, fontSize=charts.LABEL_SIZE, fontWeight="bold").encode(
        text=alt.Text("rate:Q", format=".1%")) if periods else None
    layers = [line, charts.reference_lines(charts.target(COMPANY_TARGET, t("rate.target")))]
    if last is not None:
        layers.insert(1, last)
    return alt.layer(*layers).properties(height=240)


def _money(cents: pd.Series, raw: bool) -> pd.Series:
    """Yuan text on screen; the cents themselves for Excel, which formats them as money."""
    return cents if raw else cents.map(yuan)


def aging_table(aging: pd.DataFrame, raw: bool = False) -> pd.DataFrame:
    frame = aging.assign(order=aging["bucket"].map(BUCKET_NAMES.index)).sort_values(["order", "holder"])
    return pd.DataFrame({t("coll.col.bucket"): frame["bucket"].map(lambda b: t(f"bucket.{b}")),
                         t("coll.col.holder"): frame["holder"].map(lambda h: t(f"holder.{h}")),
                         t("coll.col.amount"): _money(frame["cents"], raw), t("coll.col.units"): frame["units"]})


def aging_kinds() -> dict:
    return {t("coll.col.amount"): MONEY, t("coll.col.units"): COUNT}


def aging_chart(aging: pd.DataFrame) -> alt.LayerChart:
    """Buckets youngest to oldest, each column's total in yuan on top."""
    order = [t(f"bucket.{name}") for name in BUCKET_NAMES]
    frame = aging.assign(bucket=aging["bucket"].map(lambda b: t(f"bucket.{b}")),
                         holder=aging["holder"].map(lambda h: t(f"holder.{h}")), yuan=aging["cents"] / 100)
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("bucket:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(yuan):Q", title=t("coll.col.amount")),
        color=alt.Color("holder:N", title=None), tooltip=["bucket", "holder", alt.Tooltip("yuan:Q", format=",.2f")])
    totals = alt.Chart(frame).mark_text(baseline="bottom", dy=-3, fontSize=charts.LABEL_SIZE).encode(
        x=alt.X("bucket:N", sort=order), y=alt.Y("sum(yuan):Q"), text=alt.Text("sum(yuan):Q", format=",.0f"))
    return alt.layer(bars, totals).properties(height=260)


def project_table(projects: pd.DataFrame, raw: bool = False) -> pd.DataFrame:
    # A project with nothing owed at the start of the period has no recovery rate: on screen a
    # dash (a blank number cell reads "None"), in Excel an empty cell.
    recovery = projects["recovery"] if raw else projects["recovery"].map(
        lambda r: percent(None if pd.isna(r) else float(r)))
    return pd.DataFrame({
        t("coll.col.project"): projects["project"], t("coll.col.city"): projects["city"],
        t("coll.col.billed"): _money(projects["billed"], raw), t("coll.col.collected"): _money(projects["collected"], raw),
        t("coll.col.current"): projects["current"], t("coll.col.arrears_start"): _money(projects["arrears_start"], raw),
        t("coll.col.recovered"): _money(projects["recovered"], raw), t("coll.col.recovery"): recovery})


def project_kinds() -> dict:
    return {**{t(f"coll.col.{c}"): MONEY for c in ("billed", "collected", "arrears_start", "recovered")},
            t("coll.col.current"): RATE, t("coll.col.recovery"): RATE}


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


# ---------------------------------------------------------------- the worklist

def _words(codes: pd.Series, prefix: str) -> pd.Series:
    """'notice,phone' -> '催缴通知、电话提醒': each distinct combination translated once (a worklist
    has tens of thousands of rows but a handful of combinations)."""
    names = {v: "、".join(t(f"{prefix}.{c}") for c in v.split(",") if c) for v in codes.unique()}
    return codes.map(names)


def work_table(work: pd.DataFrame, held: bool = False, raw: bool = False) -> pd.DataFrame:
    """The worklist as shown; `held`: the paused units, whose steps are held back, not due."""
    return pd.DataFrame({
        t("work.col.project"): work["project"], t("work.col.building"): work["building"],
        t("work.col.room"): work["room_no"], t("work.col.owner"): work["owner"], t("work.col.phone"): work["phone"],
        t("work.col.held" if held else "work.col.steps"): _words(work["steps"], "step"),
        t("work.col.expires"): work["expires"], t("work.col.paused"): _words(work["paused_by"], "pause"),
        t("work.col.history"): work["history"].str.replace(",", "、"),
        t("work.col.arrears"): _money(work["arrears"], raw), t("work.col.current"): _money(work["current"], raw),
        t("work.col.months"): work["months"],
        t("work.col.staff"): work["staff"]})


def work_kinds() -> dict:
    return {t("work.col.arrears"): MONEY, t("work.col.current"): MONEY, t("work.col.months"): COUNT,
            t("work.col.expires"): DATE}


# ---------------------------------------------------------------- a unit's ledger (units page)

def _table(frame: pd.DataFrame, names: dict, money: tuple = ()) -> pd.DataFrame:
    out = frame[list(names)].copy()
    for col in money:
        out[col] = out[col].map(yuan)
    return out.rename(columns={k: t(v) for k, v in names.items()})


def _coded(frame: pd.DataFrame, **prefixes: str) -> pd.DataFrame:
    return frame.assign(**{col: frame[col].map(lambda v, p=prefix: t(f"{p}.{v}")) for col, prefix in prefixes.items()})


def _status(payments: pd.DataFrame) -> pd.Series:
    return pd.Series([t("ledger.status.void", by=by, reason=why) if void else t("ledger.status.ok")
                      for void, by, why in zip(payments["void"], payments["voided_by"], payments["void_reason"])],
                     index=payments.index, dtype=object)


def unit_ledger(user, unit_id: int) -> None:
    """The unit's bills, payments and reminders, and the payment form: for roles that collect."""
    if not user.actor.can(Capability.VIEW_COLLECTIONS):
        return
    st.subheader(t("ledger.title"))
    today = local_today()
    ledger = collections.unit_ledger(cache.engine(), user.actor, unit_id, today)
    bills, payments, actions = ledger
    if bills.empty:
        st.caption(t("ledger.none"))
    else:
        owed_metrics(ledger.owed_on(today), total=True, extra=(t("ledger.credit_balance"), yuan(ledger.credit),
                                                   t("ledger.credit_rule")))
        st.dataframe(_table(_coded(bills, item="item"),
                            {"period": "ledger.col.period", "item": "ledger.col.item",
                             "amount_cents": "ledger.col.amount", "paid_cents": "ledger.col.paid",
                             "waived_cents": "ledger.col.waived", "owed": "ledger.col.owed", "due": "ledger.col.due"},
                            ("amount_cents", "paid_cents", "waived_cents", "owed")),
                     hide_index=True, width="stretch", height=240)
    if not payments.empty:
        st.caption(t("ledger.payments"))
        st.dataframe(_table(_coded(payments, method="method").assign(status=_status(payments)),
                            {"receipt_no": "ledger.col.receipt", "paid_on": "ledger.col.paid_on",
                             "amount_cents": "field.amount", "credit_cents": "ledger.col.credit",
                             "method": "ledger.col.method", "recorded_by": "ledger.col.by",
                             "status": "ledger.col.status"},
                            ("amount_cents", "credit_cents")), hide_index=True, width="stretch", height=200)
    st.caption(t("ledger.credit_rule"))
    limitation_view(ledger)
    if not actions.empty:
        st.caption(t("ledger.actions"))
        st.dataframe(_table(_coded(actions, step="step", outcome="outcome").assign(
                                proof=proof_texts(actions), restarts=restarts_texts(actions),
                                promised_on=actions["promised_on"].map(_day)),
                            {"taken_on": "ledger.col.paid_on", "step": "ledger.col.step",
                             "outcome": "ledger.col.outcome", "proof": "ledger.col.delivered",
                             "restarts": "ledger.col.restarts",
                             "promised_on": "ledger.col.promised", "note": "ledger.col.note",
                             "staff": "ledger.col.by"}), hide_index=True, width="stretch", height=200)
        proof_files_view(user, actions)
    plans_view(user, unit_id, today)
    waivers_view(user, unit_id, bills)
    if user.actor.can(Capability.RECORD_PAYMENT):
        payment_form(user, unit_id, ledger.owed)
    unit_papers(user, unit_id, payments, ledger.owed)   # receipts and dunning letters (ui/document_views)
    if user.actor.can(Capability.VOID_PAYMENT) and not payments.empty:
        void_form(user, unit_id, payments)


def owed_metrics(owed, total: bool = False, extra: tuple | None = None) -> None:
    """Overdue and current side by side, both labelled (the same split on the worklist, the ledger
    and home); `total`: their sum beside them, labelled as the sum of both."""
    cols = st.columns(2 + total + bool(extra))
    cols[0].metric(t("owed.overdue"), yuan(owed.overdue), help=t("owed.help"))
    cols[1].metric(t("owed.current"), yuan(owed.current), help=t("owed.help"))
    if total:
        cols[2].metric(t("owed.total"), yuan(owed.total))
    if extra:
        label, value, help_ = extra
        cols[-1].metric(label, value, help=help_)


def _instalments_table(plan) -> pd.DataFrame:
    return pd.DataFrame({t("plan.due"): [d.isoformat() for d, _, _ in plan.instalments],
                         t("plan.amount"): [yuan(c) for _, c, _ in plan.instalments],
                         t("plan.col.state"): [t(f"plan.inst.{s}") for _, _, s in plan.instalments]})


def _plan_status(plan) -> str:
    if plan.status != "approved" or plan.progress is None:
        return t(f"plan.status.{plan.status}")
    if plan.progress == "missed":
        return t("plan.progress.missed", day=plan.missed_on.isoformat())
    return t(f"plan.progress.{plan.progress}")


def plans_view(user, unit_id: int, today) -> None:
    """The unit's plans, each instalment paid, open or missed; a manager's approve/refuse on a
    waiting one; the form to enter a plan."""
    plans = collections.unit_plans(cache.engine(), user.actor, unit_id, today)
    show_flash("plans")
    if plans:
        st.markdown(f"**{t('plan.title')}**")
        st.caption(t("plan.rule", grace=GRACE_DAYS))
    for plan in plans:
        st.markdown(t("plan.summary", entered=plan.entered_on.isoformat(), by=plan.created_by,
                      total=yuan(plan.total), paid=yuan(plan.paid), status=_plan_status(plan)))
        if plan.note:
            st.caption(plan.note)
        if plan.instalments:
            st.dataframe(_instalments_table(plan), hide_index=True, width="stretch")
        if plan.decided_by:
            st.caption(t("plan.decided_by", by=plan.decided_by) + (f" · {plan.decision_note}" if plan.decision_note
                                                                   else ""))
        if plan.status == "pending" and user.actor.can(Capability.APPROVE_PAYMENT_PLAN):
            decide_plan_form(user, plan.plan_id)
    if user.actor.can(Capability.ADD_PAYMENT_PLAN):
        plan_form(user, unit_id, today)


def waiver_table(waivers: pd.DataFrame, place: bool = False) -> pd.DataFrame:
    columns = {}
    if place:
        columns |= {t("coll.col.project"): waivers["project"], t("work.col.room"): waivers["room_no"]}
    return pd.DataFrame(columns | {
        t("ledger.col.period"): waivers["period"], t("ledger.col.item"): waivers["item"].map(lambda i: t(f"item.{i}")),
        t("field.amount"): waivers["cents"].map(yuan), t("field.reason"): waivers["reason"],
        t("waiver.col.requested_by"): waivers["requested_by"],
        t("waiver.col.status"): waivers["status"].map(lambda s: t(f"plan.status.{s}")),
        t("waiver.col.decided_by"): waivers["decided_by"].map(lambda v: v if isinstance(v, str) else ""),
        t("waiver.col.decision_note"): waivers["decision_note"].map(lambda v: v if isinstance(v, str) else "")})


def waivers_view(user, unit_id: int, bills: pd.DataFrame) -> None:
    waivers = collections.unit_waivers(cache.engine(), user.actor, unit_id)
    show_flash("waivers")
    if not waivers.empty:
        st.markdown(f"**{t('waiver.title')}**")
        st.dataframe(waiver_table(waivers), hide_index=True, width="stretch")
        if user.actor.can(Capability.WAIVE_FEE):
            decide_pending_waivers(user, waivers)
    if user.actor.can(Capability.REQUEST_WAIVER) and not bills.empty:
        waiver_form(user, unit_id, bills)


def decide_pending_waivers(user, waivers: pd.DataFrame) -> None:
    """Pick one waiting waiver and approve or refuse it."""
    waiting = waivers[waivers["status"] == "pending"]
    if waiting.empty:
        return
    labels = {int(w.id): f"{w.project} {w.room_no} · {w.period} · ¥{yuan(int(w.cents))} · {w.reason}"
              for w in waiting.itertuples()}
    chosen = st.selectbox(t("waiver.pick"), list(labels), format_func=labels.get,
                          key=f"waiver_pick_{'-'.join(map(str, labels))}")
    decide_waiver_form(user, chosen)


def pending_plans_table(plans: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("coll.col.project"): plans["project"], t("work.col.room"): plans["room_no"],
                         t("field.total"): plans["total_cents"].map(lambda c: yuan(int(c)) if pd.notna(c) else ""),
                         t("plan.col.entered"): plans["starts"].map(_day), t("plan.due"): plans["ends"].map(_day),
                         t("plan.col.by"): plans["created_by"], t("plan.note"): plans["note"]})


def pending_view(user, pending) -> None:
    """Plans and waivers waiting for a manager (the worklist): approve or refuse here."""
    show_flash("plans")
    show_flash("waivers")
    st.markdown(f"**{t('plan.pending_title')}**")
    if pending.plans.empty:
        st.caption(t("work.none_pending"))
    else:
        st.dataframe(pending_plans_table(pending.plans), hide_index=True, width="stretch")
        if user.actor.can(Capability.APPROVE_PAYMENT_PLAN):
            labels = {int(p.id): f"{p.project} {p.room_no} · ¥{yuan(int(p.total_cents or 0))} · {p.created_by}"
                      for p in pending.plans.itertuples()}
            chosen = st.selectbox(t("plan.pick"), list(labels), format_func=labels.get, key="pending_plan_pick")
            decide_plan_form(user, chosen)
    st.markdown(f"**{t('waiver.pending_title')}**")
    if pending.waivers.empty:
        st.caption(t("work.none_pending"))
    else:
        st.dataframe(waiver_table(pending.waivers, place=True), hide_index=True, width="stretch")
        if user.actor.can(Capability.WAIVE_FEE):
            decide_pending_waivers(user, pending.waivers)


def limitation_view(ledger) -> None:
    """When the unit's oldest debt passes the limitation date, and the demand that set it."""
    if ledger.limitation is None:
        return
    m1, m2 = st.columns(2)
    m1.metric(t("ledger.limitation"), ledger.limitation.isoformat(), help=t("ledger.limitation_help"))
    m2.caption(t("ledger.last_proven", day=ledger.last_proven.isoformat()) if ledger.last_proven
               else t("ledger.no_proven"))


def _day(value) -> str:
    """A date as 2026-07-01; blank where there is none (never "None")."""
    return value.isoformat() if isinstance(value, date) else ""


def _proof_text(row) -> str:
    kind = row.proof_kind if isinstance(row.proof_kind, str) else None
    if kind == ProofKind.COURIER.value:
        return t("ledger.proof.courier", courier=t(f"courier.{row.courier}"), tracking=row.tracking_no)
    if kind == ProofKind.SIGNED_COPY.value:
        return t("ledger.proof.signed_copy", kind=str(row.file_kind or "").upper())
    if kind == ProofKind.WITNESSED_REFUSAL.value:
        return t("ledger.proof.witnessed_refusal", witnesses=row.witnesses)
    return t("ledger.proof.legacy") if bool(row.delivered) else t("ledger.proof.none")


def proof_texts(actions: pd.DataFrame) -> list[str]:
    return [_proof_text(r) for r in actions.itertuples()]


def restarts_texts(actions: pd.DataFrame) -> list[str]:
    return [t("ledger.yes") if restarts_limitation(k if isinstance(k, str) else None) else t("ledger.no")
            for k in actions["proof_kind"]]


def proof_files_view(user, actions: pd.DataFrame) -> None:
    """Each signed copy behind a toggle: its bytes are read (and the look logged) only when asked,
    once per session, and a PDF is offered as a download."""
    with_files = actions[actions["file_kind"].map(lambda k: isinstance(k, str))]
    for row in with_files.itertuples():
        action_id = int(row.id)
        label = t("ledger.show_proof", day=row.taken_on.isoformat(), step=t(f"step.{row.step}"))
        if not st.toggle(label, key=f"proof_show_{action_id}"):
            continue
        seen = st.session_state.setdefault("_proof_files", {})
        if action_id not in seen:
            seen[action_id] = collections.delivery_proof_file(cache.engine(), user.actor, action_id)
        copy = seen[action_id]
        if copy.kind != "pdf":
            st.image(copy.data, width=480)
        st.download_button(t("ledger.download_proof"), data=copy.data, mime=copy.mime,
                           file_name=f"proof-{action_id}.{'jpg' if copy.kind == 'jpeg' else copy.kind}",
                           key=f"proof_dl_{action_id}", icon=":material/download:")


# ---------------------------------------------------------------- fee schedules and the billing run

def fee_table(rates: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("field.item"): rates["item"].map(lambda i: t(f"item.{i}")),
        t("field.basis"): rates["basis"].map(lambda b: t(f"basis.{b}")),
        t("field.rate"): rates["cents"].map(yuan), t("field.effective_month"): rates["effective_from"].map(
            lambda d: f"{d:%Y-%m}"),
        t("field.developer_share"): rates["developer_bp"].map(lambda bp: f"{bp / 100:g} %")})


def preview_view(preview) -> None:
    """What the run would bill: the sums, by item and by rule, and the units it leaves out, why."""
    m = st.columns(4)
    m[0].metric(t("billing.units"), f"{preview.units:,}")
    m[1].metric(t("billing.bills"), f"{preview.bills:,}")
    m[2].metric(t("billing.total"), yuan(preview.cents))
    m[3].metric(t("billing.already"), f"{preview.already:,}", help=t("billing.already_help"))
    if preview.by_item:
        st.dataframe(pd.DataFrame({t("field.item"): [t(f"item.{i}") for i in preview.by_item],
                                   t("billing.total"): [yuan(c) for c in preview.by_item.values()]}),
                     hide_index=True)
    if preview.by_how:
        st.caption("；".join(t(f"how.{h}", n=n) for h, n in preview.by_how.items()))
    if preview.exempt:
        st.warning(t("billing.exceptions", n=sum(preview.exempt.values())) + " "
                   + "；".join(f"{t(f'exempt.{k}')}: {v}" for k, v in preview.exempt.items()))
        st.dataframe(pd.DataFrame({t("work.col.room"): [r for r, _ in preview.examples],
                                   t("billing.reason"): [t(f"exempt.{w}") for _, w in preview.examples]}),
                     hide_index=True, height=200)


def runs_table(runs: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("billing.run"): runs["id"], t("field.period"): runs["period"],
        t("billing.status"): runs["status"].map(lambda s: t(f"run.{s}")), t("billing.bills"): runs["bills"],
        t("billing.total"): runs["cents"].map(yuan), t("billing.settled"): runs["credit_settled"].map(yuan),
        t("ledger.col.by"): runs["created_by"], t("billing.undone_by"): runs["undone_by"].fillna("")})
