"""The unit's fee ledger on the units page, with the payment form."""
from __future__ import annotations

import time
import uuid

import pandas as pd
import streamlit as st

from core.auth.roles import can_open
from core.clock import local_today
from core.collections.entries import METHODS, validate_payment
from core.collections.money import yuan
from core.errors import DomainError
from db import collections
from ui import store
from ui.i18n import error_text, t


def _table(frame: pd.DataFrame, names: dict, money: tuple = ()) -> pd.DataFrame:
    out = frame[list(names)].copy()
    for col in money:
        out[col] = out[col].map(yuan)
    return out.rename(columns={k: t(v) for k, v in names.items()})


def unit_ledger(user, unit_id: int, room_no: str) -> None:
    if not can_open(user.role, "collections"):
        return
    st.subheader(t("ledger.title"))
    engine = store.engine()
    bills, payments, actions = collections.unit_ledger(engine, unit_id)
    if bills.empty:
        st.caption(t("ledger.none"))
    else:
        st.metric(t("ledger.col.owed"), yuan(int(bills["owed"].sum())))
        bills["item"] = bills["item"].map(lambda v: t(f"item.{v}"))
        st.dataframe(_table(bills, {"period": "ledger.col.period", "item": "ledger.col.item",
                                    "amount_cents": "ledger.col.amount", "paid_cents": "ledger.col.paid",
                                    "waived_cents": "ledger.col.waived", "owed": "ledger.col.owed", "due": "ledger.col.due"},
                            ("amount_cents", "paid_cents", "waived_cents", "owed")), hide_index=True, width="stretch", height=240)
    if not payments.empty:
        st.caption(t("ledger.payments"))
        payments["method"] = payments["method"].map(lambda v: t(f"method.{v}"))
        st.dataframe(_table(payments, {"receipt_no": "ledger.col.receipt", "paid_on": "ledger.col.paid_on",
                                       "amount_cents": "field.amount", "credit_cents": "ledger.col.credit",
                                       "method": "ledger.col.method", "recorded_by": "ledger.col.by"},
                            ("amount_cents", "credit_cents")), hide_index=True, width="stretch", height=200)
    if not actions.empty:
        st.caption(t("ledger.actions"))
        actions["step"] = actions["step"].map(lambda v: t(f"step.{v}"))
        actions["outcome"] = actions["outcome"].map(lambda v: t(f"outcome.{v}"))
        st.dataframe(_table(actions, {"taken_on": "ledger.col.paid_on", "step": "ledger.col.step",
                                      "outcome": "ledger.col.outcome", "delivered": "ledger.col.delivered",
                                      "promised_on": "ledger.col.promised", "note": "ledger.col.note",
                                      "staff": "ledger.col.by"}), hide_index=True, width="stretch", height=200)
    _payment_form(user, unit_id, room_no)


def _payment_form(user, unit_id: int, room_no: str) -> None:
    today = local_today()
    # One key per form shown: submitting the same form twice (a double tap) records one payment.
    key = st.session_state.setdefault(f"pay_key_{unit_id}", uuid.uuid4().hex)
    amount_key, receipt_key = f"pay_amount_{unit_id}", f"pay_receipt_{unit_id}"
    saved = st.session_state.pop(f"pay_saved_{unit_id}", None)
    last = st.session_state.get(f"pay_last_{unit_id}")  # (when, message) of this session's last payment
    if saved:
        st.success(saved)
        # Emptied here, not by clear_on_submit, which would also empty an entry refused for a typo.
        st.session_state[amount_key] = st.session_state[receipt_key] = ""
    with st.form(f"payment_{unit_id}"):
        st.markdown(f"**{t('ledger.record_payment')}**")
        c1, c2, c3, c4 = st.columns(4)
        amount = c1.text_input(t("field.amount"), max_chars=16, placeholder="1234.50", key=amount_key)
        receipt = c2.text_input(t("field.receipt_no"), max_chars=30, key=receipt_key)
        paid_on = c3.date_input(t("field.paid_on"), value=today, max_value=today)
        method = c4.selectbox(t("field.method"), METHODS, format_func=lambda m: t(f"method.{m}"))
        submitted = st.form_submit_button(t("ledger.record_payment"), type="primary")
        if submitted and not amount.strip() and not receipt.strip() and last and time.monotonic() - last[0] < 5:
            st.success(last[1])  # a second tap on the form just saved and emptied: nothing to record
        elif submitted:
            try:
                entry = validate_payment(room_no, receipt, amount, paid_on, method, today)
                # A second tap after the key changed is still one payment: same receipt, unit,
                # amount and day return the payment already recorded.
                collections.record_payment(store.engine(), user.username, unit_id, entry, key)
            except DomainError as e:
                st.error(error_text(e))
            else:
                st.session_state[f"pay_key_{unit_id}"] = uuid.uuid4().hex
                store.clear_caches()
                # Run again so that the owed figure and the payments above show this payment.
                message = t("ledger.saved", receipt=entry.receipt_no)
                st.session_state[f"pay_saved_{unit_id}"] = message
                st.session_state[f"pay_last_{unit_id}"] = (time.monotonic(), message)
                st.rerun()
