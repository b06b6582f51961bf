"""The collection forms that write, each through ui.submit: a payment and a same-day void on the
units page, a reminder's outcome on the worklist, and on the billing page a fee rate, the
confirmation of a month's run (with its progress) and the undo of a run."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from core.clock import local_today
from core.collections.billing import BILLED_ITEMS, Basis
from core.collections.delivery import COURIERS, ProofKind
from core.collections.dunning import Outcome, Step
from core.collections.entries import METHODS
from core.collections.money import yuan
from core.errors import ConflictError
from services import collections
from ui import cache
from ui.i18n import t
from ui.submit import flash, show_flash, submit

CLEARS = ("collections",)


def _fill(key: str, value: str) -> None:
    st.session_state[key] = value


def payment_form(user, unit_id: int, owed: int) -> None:
    """A payment; the receipt number is the system's. `Settle all` fills in what the unit owes; more
    than that is refused until the desk ticks that the rest is held as prepayment (the service says
    how much, and the balance after)."""
    form = f"payment_{unit_id}"
    amount_key, hold_key = f"pay_amount_{unit_id}", f"pay_hold_{unit_id}"
    if show_flash(form):
        # Emptied here, not by clear_on_submit, which would also empty an entry refused for a typo.
        st.session_state[amount_key] = ""
        st.session_state[hold_key] = False
    today = local_today()
    st.markdown(f"**{t('ledger.record_payment')}**")
    if owed > 0:
        st.button(t("ledger.settle_all", amount=yuan(owed)), key=f"settle_all_{unit_id}", on_click=_fill,
                  args=(amount_key, yuan(owed)))
    with st.form(form):
        c1, c2, c3 = st.columns(3)
        amount = c1.text_input(t("field.amount"), max_chars=16, placeholder="1234.50", key=amount_key)
        paid_on = c2.date_input(t("field.paid_on"), value=today, max_value=today)
        method = c3.selectbox(t("field.method"), METHODS, format_func=lambda m: t(f"method.{m}"))
        hold = st.checkbox(t("ledger.hold_credit"), key=hold_key)
        if not st.form_submit_button(t("ledger.record_payment"), type="primary"):
            return
    saved = submit(form, lambda key: collections.record_payment(
        cache.engine(), user.actor, unit_id, amount, paid_on, method, hold_credit=hold, request_key=key, today=today),
        # What was typed: a second tap on the emptied form sends it blank and gets the first answer.
        values={"amount": amount, "hold": hold or None}, clears=CLEARS, fresh_after=True)
    if saved is None:
        return
    # A blank second tap of a double tap gets the first save back: the same receipt, said again.
    flash(form, t("ledger.saved", receipt=saved.receipt_no))
    # Run again so that the owed figure and the payments above show this payment.
    st.rerun()


def void_form(user, unit_id: int, payments: pd.DataFrame) -> None:
    """Void one of today's payments of the unit, with a reason (the service checks the day again)."""
    form = f"void_{unit_id}"
    show_flash(form)
    today_ = payments[payments["voidable"]]
    if today_.empty:
        return
    receipts = dict(zip(today_["id"].astype(int), today_["receipt_no"] + " · ¥" + today_["amount_cents"].map(yuan)))
    with st.expander(t("ledger.void")):
        with st.form(form):
            payment_id = st.selectbox(t("ledger.void_pick"), list(receipts), format_func=receipts.get)
            reason = st.text_input(t("field.void_reason"), max_chars=300)
            if not st.form_submit_button(t("ledger.void")):
                return
        done = submit(form, lambda key: collections.void_payment(cache.engine(), user.actor, payment_id, reason,
                                                                 request_key=key),
                      values={"payment": payment_id, "reason": reason}, clears=CLEARS)
    if done is not None:
        flash(form, t("ledger.void_saved", receipt=receipts[payment_id].split(" · ")[0]))
        st.rerun()


def record_action_form(user, work: pd.DataFrame, today) -> None:
    """A reminder's outcome; one recorded as delivered with its proof (the service says what is
    missing, every field at once, and records nothing until all is right)."""
    st.subheader(t("work.record"))
    if show_flash("record_action"):
        _clear_proof()
    owner = work["owner"].where(work["owner"].map(lambda o: isinstance(o, str)), None)
    labels = work["project"] + " " + work["room_no"] + (" · " + owner).fillna("")
    units = dict(zip(work["unit_id"].astype(int), labels))
    staff = collections.delivery_witnesses(cache.engine(), user.actor, list(units))
    with st.form("record_action"):
        unit_id = st.selectbox(t("work.unit"), list(units), format_func=units.get)
        c1, c2 = st.columns(2)
        step = c1.selectbox(t("field.step"), [s.value for s in Step], format_func=lambda s: t(f"step.{s}"))
        outcome = c2.selectbox(t("ledger.col.outcome"), [o.value for o in Outcome], format_func=lambda o: t(f"outcome.{o}"))
        taken_on = c1.date_input(t("field.taken_on"), value=today, max_value=today)
        promised_on = c2.date_input(t("field.promised_on"), value=None)
        delivered = st.checkbox(t("work.delivered"), key="work_delivered")
        note = st.text_input(t("ledger.col.note"), max_chars=300)
        proof = _proof_fields(staff)
        if not st.form_submit_button(t("work.record"), type="primary"):
            return
    # The same entry sent again (a double tap, a resent form) is recorded once: the key stays.
    values = {"unit": unit_id, "step": step, "outcome": outcome, "taken_on": taken_on, "promised_on": promised_on,
              "delivered": delivered, "note": note, **proof.for_key()}
    saved = submit("record_action", lambda key: collections.record_action(
        cache.engine(), user.actor, unit_id, step, outcome, taken_on, promised_on, note, delivered,
        proof_kind=proof.kind, courier=proof.courier or "", tracking_no=proof.tracking_no,
        proof_file=proof.file, witnesses=proof.witnesses, request_key=key, today=today),
        values=values, clears=CLEARS)
    if saved is not None:
        flash("record_action", t("work.saved"))
        st.rerun()


@dataclass(frozen=True)
class _ProofInput:
    kind: str | None
    courier: str | None
    tracking_no: str
    file: bytes | None
    witnesses: tuple[str, ...]

    def for_key(self) -> dict:
        """What was entered, the file by its hash (the same file sent twice is the same entry)."""
        digest = hashlib.sha256(self.file).hexdigest() if self.file is not None else None
        return {"proof": self.kind, "courier": self.courier, "tracking": self.tracking_no, "file": digest,
                "witnesses": self.witnesses}


def _clear_proof() -> None:
    """After a save the next entry starts without the last one's proof (a file uploader cannot be
    emptied through session state: it gets a new key instead)."""
    for key, empty in (("work_delivered", False), ("proof_kind", None), ("proof_courier", None),
                       ("proof_tracking", ""), ("proof_w1", None), ("proof_w2", None)):
        st.session_state[key] = empty
    st.session_state["proof_round"] = st.session_state.get("proof_round", 0) + 1


def _proof_fields(staff: dict[str, str]) -> _ProofInput:
    """Inside the form: the kind of proof and the fields of each kind. The file is judged by the
    server from its bytes, so the uploader filters nothing (a wrong file gets our message)."""
    st.markdown(f"**{t('proof.title')}**")
    kind = st.radio(t("field.proof_kind"), [None, *(k.value for k in ProofKind)], horizontal=True,
                    format_func=lambda k: t(f"proof.kind.{k}") if k else t("proof.none"), key="proof_kind")
    c1, c2 = st.columns(2)
    courier = c1.selectbox(t("field.courier"), COURIERS, index=None, placeholder=t("proof.pick"),
                           format_func=lambda c: t(f"courier.{c}"), key="proof_courier")
    tracking = c2.text_input(t("field.tracking_no"), max_chars=40, placeholder="EA123456789CN", key="proof_tracking")
    upload = st.file_uploader(t("field.proof_file"), help=t("proof.file_help"),
                              key=f"proof_file_{st.session_state.get('proof_round', 0)}")
    w1, w2 = st.columns(2)
    people = list(staff)
    first = w1.selectbox(t("field.witness_1"), people, index=None, placeholder=t("proof.pick"),
                         format_func=lambda u: f"{staff[u]} ({u})", help=t("proof.witness_help"), key="proof_w1")
    second = w2.selectbox(t("field.witness_2"), people, index=None, placeholder=t("proof.pick"),
                          format_func=lambda u: f"{staff[u]} ({u})", key="proof_w2")
    # Only the chosen kind's fields are sent: a tracking number left from a change of mind is not proof.
    return _ProofInput(kind, courier if kind == ProofKind.COURIER.value else None,
                       tracking if kind == ProofKind.COURIER.value else "",
                       upload.getvalue() if upload is not None and kind == ProofKind.SIGNED_COPY.value else None,
                       (first or "", second or "") if kind == ProofKind.WITNESSED_REFUSAL.value else ())


# ---------------------------------------------------------------- fee schedules and the billing run

def _take_latest_rates(form: str) -> None:
    """After a refused save: start again from the schedule as stored now (shown above)."""
    if st.session_state.get(f"{form}.stale") and st.button(t("stale.take_latest"), key=f"{form}.take"):
        for k in (f"{form}.opened", f"{form}.stale"):
            st.session_state.pop(k, None)
        st.rerun()


def rate_form(user, project_id: int, today) -> None:
    """A fee item's rate from a month on; the same item and month again replaces it, unless
    someone else set that rate after this schedule was opened here (refused, naming them)."""
    form = f"fee_rate_{project_id}"
    show_flash(form)
    opened = st.session_state.setdefault(f"{form}.opened", datetime.now(timezone.utc))
    stale_before = bool(st.session_state.get(f"{form}.stale"))
    _take_latest_rates(form)
    with st.form(form):
        st.markdown(f"**{t('billing.add_rate')}**")
        c1, c2, c3, c4, c5 = st.columns(5)
        item = c1.selectbox(t("field.item"), BILLED_ITEMS, format_func=lambda i: t(f"item.{i}"))
        basis = c2.selectbox(t("field.basis"), [b.value for b in Basis], format_func=lambda b: t(f"basis.{b}"))
        amount = c3.text_input(t("field.rate"), max_chars=12, placeholder="2.60")
        month = c4.text_input(t("field.effective_month"), value=f"{today:%Y-%m}", max_chars=7)
        share = c5.text_input(t("field.developer_share"), value="100", max_chars=6)
        if not st.form_submit_button(t("billing.add_rate"), type="primary"):
            return
    values = {"item": item, "basis": basis, "amount": amount, "month": month, "share": share}
    def write(key: str) -> int:
        try:
            return collections.set_fee_rate(cache.engine(), user.actor, project_id, item, basis, amount, month, share,
                                            request_key=key, today=today, opened_at=opened)
        except ConflictError:
            st.session_state[f"{form}.stale"] = True
            raise

    saved = submit(form, write, values={**values, "opened": opened.isoformat()}, clears=CLEARS)
    if saved is not None:
        for k in (f"{form}.opened", f"{form}.stale"):
            st.session_state.pop(k, None)
        flash(form, t("billing.rate_saved"))
        st.rerun()
    elif not stale_before:
        _take_latest_rates(form)


def confirm_run_form(user, project_id: int, preview) -> None:
    """Confirm the previewed run: one transaction, progress shown chunk by chunk."""
    form = f"billing_run_{project_id}"
    with st.form(form):
        st.markdown(t("billing.confirm_what", bills=preview.bills, amount=yuan(preview.cents), period=preview.period))
        if not st.form_submit_button(t("billing.confirm"), type="primary"):
            return
    bar = st.progress(0.0, text=t("billing.progress", done=0, total="…"))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=t("billing.progress", done=done, total=total))

    done = submit(form, lambda key: collections.run_billing(cache.engine(), user.actor, project_id, preview.period,
                                                            request_key=key, progress=progress),
                  values={"project": project_id, "period": preview.period}, clears=CLEARS)
    if done is None:
        return
    st.session_state.pop(f"billing_preview_{project_id}", None)
    message = (t("billing.done", bills=done.bills, amount=yuan(done.cents), settled=yuan(done.credit_settled))
               if done.run_id else t("billing.nothing", already=done.already))
    flash("billing", message)
    st.rerun()


def undo_run_form(user, project_id: int, runs: pd.DataFrame) -> None:
    """Take back a run no payment or waiver has touched (the service checks)."""
    open_runs = runs[runs["status"] == "done"]
    if open_runs.empty:
        return
    form = f"billing_undo_{project_id}"
    labels = {int(r.id): t("billing.run_label", id=int(r.id), period=r.period, bills=int(r.bills),
                           amount=yuan(int(r.cents))) for r in open_runs.itertuples()}
    with st.form(form):
        st.markdown(f"**{t('billing.undo')}**")
        run_id = st.selectbox(t("billing.run"), list(labels), format_func=labels.get)
        sure = st.checkbox(t("billing.undo_sure"))
        if not st.form_submit_button(t("billing.undo")):
            return
    if not sure:
        st.error(t("billing.undo_tick"))
        return
    removed = submit(form, lambda key: collections.undo_billing(cache.engine(), user.actor, run_id, request_key=key),
                     values={"run": run_id}, clears=CLEARS)
    if removed is not None:
        flash("billing", t("billing.undone", id=run_id, bills=removed))
        st.rerun()


# ---------------------------------------------------------------- payment plans and waivers

PLAN_ROWS = 6   # instalment rows on the form; blank rows are left out


def plan_form(user, unit_id: int, today) -> None:
    """A plan of up to PLAN_ROWS instalments, each a due date and an amount; the service names
    every wrong field at once and nothing is saved until all are right. The rows keep what was typed."""
    form = f"plan_{unit_id}"
    if show_flash(form):
        for i in range(1, PLAN_ROWS + 1):
            st.session_state[f"{form}_due_{i}"] = None
            st.session_state[f"{form}_amount_{i}"] = ""
        st.session_state[f"{form}_note"] = ""
    with st.expander(t("plan.add"), icon=":material/event_repeat:"):
        with st.form(form):
            st.caption(t("plan.add_help"))
            rows = []
            for i in range(1, PLAN_ROWS + 1):
                c1, c2 = st.columns(2)
                due = c1.date_input(t(f"field.instalment_{i}_due"), value=None, key=f"{form}_due_{i}")
                amount = c2.text_input(t(f"field.instalment_{i}_amount"), max_chars=16, placeholder="443.30",
                                       key=f"{form}_amount_{i}")
                rows.append((due, amount))
            note = st.text_input(t("plan.note"), max_chars=300, key=f"{form}_note")
            if not st.form_submit_button(t("plan.add"), type="primary"):
                return
        saved = submit(form, lambda key: collections.add_payment_plan(cache.engine(), user.actor, unit_id, rows, note,
                                                                      request_key=key, today=today),
                       values={"rows": rows, "note": note}, clears=CLEARS)
    if saved is not None:
        flash(form, t("plan.saved"))
        st.rerun()


def decide_plan_form(user, plan_id: int) -> None:
    """Approve or refuse one waiting plan (a refusal needs a note; not one's own plan)."""
    form = f"plan_decide_{plan_id}"
    with st.form(form):
        note = st.text_input(t("field.decision_note"), max_chars=300)
        c1, c2 = st.columns(2)
        approve = c1.form_submit_button(t("plan.approve"), type="primary")
        refuse = c2.form_submit_button(t("plan.refuse"))
    if not (approve or refuse):
        return
    status = submit(form, lambda key: collections.decide_payment_plan(cache.engine(), user.actor, plan_id, approve,
                                                                      note, request_key=key),
                    values={"approve": approve, "note": note}, clears=CLEARS)
    if status is not None:
        flash("plans", t("plan.approved" if status == "approved" else "plan.refused"))
        st.rerun()


def waiver_form(user, unit_id: int, bills: pd.DataFrame) -> None:
    """Ask for a waiver or discount on one of the unit's open bills; the bill changes only once a
    manager approves."""
    open_ = bills[bills["owed"] > 0]
    if open_.empty:
        return
    form = f"waiver_{unit_id}"
    if show_flash(form):
        st.session_state[f"{form}_amount"] = ""
        st.session_state[f"{form}_reason"] = ""
    labels = {int(b.id): f"{b.period} {t(f'item.{b.item}')} · ¥{yuan(int(b.owed))}" for b in open_.itertuples()}
    with st.expander(t("waiver.add"), icon=":material/percent:"):
        with st.form(form):
            st.caption(t("waiver.help"))
            bill_id = st.selectbox(t("waiver.bill"), list(labels), format_func=labels.get, key=f"{form}_bill")
            c1, c2 = st.columns(2)
            amount = c1.text_input(t("field.amount"), max_chars=16, placeholder="43.30", key=f"{form}_amount")
            reason = c2.text_input(t("field.reason"), max_chars=300, key=f"{form}_reason")
            if not st.form_submit_button(t("waiver.add"), type="primary"):
                return
        saved = submit(form, lambda key: collections.request_waiver(cache.engine(), user.actor, bill_id, amount, reason,
                                                                    request_key=key),
                       values={"bill": bill_id, "amount": amount, "reason": reason}, clears=CLEARS)
    if saved is not None:
        flash(form, t("waiver.saved"))
        st.rerun()


def decide_waiver_form(user, request_id: int) -> None:
    form = f"waiver_decide_{request_id}"
    with st.form(form):
        note = st.text_input(t("field.decision_note"), max_chars=300)
        c1, c2 = st.columns(2)
        approve = c1.form_submit_button(t("plan.approve"), type="primary")
        refuse = c2.form_submit_button(t("plan.refuse"))
    if not (approve or refuse):
        return
    done = submit(form, lambda key: collections.decide_waiver(cache.engine(), user.actor, request_id, approve, note,
                                                             request_key=key),
                  values={"approve": approve, "note": note}, clears=CLEARS)
    if done is not None:
        flash("waivers", t("waiver.approved" if approve else "waiver.refused"))
        st.rerun()
