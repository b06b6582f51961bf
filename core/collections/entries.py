"""Validation of what the front desk records: payments, dunning actions, bill and payment imports."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.collections.dunning import Outcome, Step
from core.collections.money import MAX_CENTS, parse_yuan, yuan
from core.errors import ValidationError, ValidationErrors
from core.importing.units import RowError
from core.org.rules import as_typed, normalise_text, parse_room_no

_RECEIPT_RE = re.compile(r"^[A-Za-z0-9-]{4,30}$")
_PERIOD_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")  # ASCII only: \d would take ٢٠٢٥-٠١ too
ITEMS = ("property", "parking", "water", "other")
METHODS = ("cash", "card", "transfer", "wechat", "alipay")
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class PaymentEntry:
    room_no: str
    receipt_no: str
    cents: int
    paid_on: date
    method: str

    def __post_init__(self):
        # The store allocates whatever it is given: an entry built by hand (a script, an import of
        # tomorrow) must hold the same promises as one from validate_payment.
        if isinstance(self.cents, bool) or not isinstance(self.cents, int) or self.cents <= 0:
            raise ValidationError("err.money_positive", field="amount")
        if self.cents > MAX_CENTS:
            raise ValidationError("err.money_too_big", field="amount")
        if not self.receipt_no:
            raise ValidationError("err.required", field="receipt_no")
        if self.method not in METHODS:
            raise ValidationError("err.required", field="method")


def receipt_number(project_code: str, project_id: int, year: int, n: int) -> str:
    """The system's receipt numbers: per project and year, counted from 1 without gaps, e.g.
    SZ01-2026-000123 (the project code in letters and digits, at most 16, so the number fits 30)."""
    code = "".join(ch for ch in (project_code or "").upper() if ch.isascii() and ch.isalnum())[:16]
    return f"{code or f'P{project_id}'}-{year:04d}-{n:06d}"


def validate_receipt(value: object) -> str:
    text = normalise_text(value).upper()
    if not text:
        raise ValidationError("err.required", field="receipt_no")
    if not _RECEIPT_RE.match(text):
        raise ValidationError("err.receipt_format", field="receipt_no")
    return text


def validate_day(value: date | None, today: date, field: str) -> date:
    if value is None:
        raise ValidationError("err.required", field=field)
    if value > today:
        raise ValidationError("err.date_future", field=field)
    if value < EARLIEST:
        raise ValidationError("err.date_past", field=field)
    return value


def validate_period(value: object, today: date) -> str:
    text = normalise_text(value)
    m = _PERIOD_RE.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < EARLIEST.year:
        raise ValidationError("err.period_format", field="period")
    if (int(m.group(1)), int(m.group(2))) > (today.year, today.month):
        raise ValidationError("err.period_future", field="period")
    return text


def _method(value: object) -> str:
    if value not in METHODS:
        raise ValidationError("err.required", field="method")
    return value


def validate_payment_fields(receipt_no: object, amount: object, paid_on: date | None, method: object,
                            today: date) -> tuple[str, int, date, str]:
    """(receipt, cents, paid on, method) of a payment file's row, every wrong field at once."""
    method_, receipt, cents, day = ValidationErrors.collect(
        lambda: _method(method), lambda: validate_receipt(receipt_no), lambda: parse_yuan(amount),
        lambda: validate_day(paid_on, today, "paid_on"))
    return receipt, cents, day, method_


def validate_payment_form(amount: object, paid_on: date | None, method: object, today: date) -> tuple[int, date, str]:
    """(cents, paid on, method) of the payment form, every wrong field at once (the receipt number
    is the system's)."""
    method_, cents, day = ValidationErrors.collect(
        lambda: _method(method), lambda: parse_yuan(amount), lambda: validate_day(paid_on, today, "paid_on"))
    return cents, day, method_


def validate_payment(room_no: object, receipt_no: object, amount: object, paid_on: date | None, method: str,
                     today: date) -> PaymentEntry:
    """A payment of a file row or a form, every wrong field at once (ValidationErrors), the room first."""
    room, fields = ValidationErrors.collect(lambda: parse_room_no(room_no)[0],
                                            lambda: validate_payment_fields(receipt_no, amount, paid_on, method,
                                                                            today))
    return PaymentEntry(room, *fields)


def check_overpayment(cents: int, owed: int, credit_before: int, hold_credit: bool) -> int:
    """What of a payment will be held as prepayment (beyond all the unit owes). Holding money is
    a decision the desk confirms: an amount typed with two zeros too many must not pass silently."""
    extra = max(0, cents - owed)
    if extra and not hold_credit:
        raise ValidationError("err.overpayment", field="amount", extra=yuan(extra), owed=yuan(owed),
                              balance=yuan(credit_before + extra))
    return extra


VOID_REASON_MAX = 300


def voidable(recorded_on: date, voided: bool, today: date) -> bool:
    return not voided and recorded_on == today


def validate_void(reason: object, recorded_on: date, voided: bool, today: date) -> str:
    """A payment is voided on the day it was recorded (a mistake found at once; later, money goes
    back by a refund, not by rewriting the day's books), once, with a reason. Every wrong thing at once."""
    def text():
        value = as_typed(reason)
        if not value:
            raise ValidationError("err.required", field="void_reason")
        if len(value) > VOID_REASON_MAX:
            raise ValidationError("err.too_long", field="void_reason", max=VOID_REASON_MAX)
        return value

    def state():
        if voided:
            raise ValidationError("err.already_void", field="receipt_no")
        if not voidable(recorded_on, False, today):
            raise ValidationError("err.void_same_day", field="receipt_no", day=recorded_on.isoformat())

    reason_, _ = ValidationErrors.collect(text, state)
    return reason_


@dataclass(frozen=True)
class ActionEntry:
    step: Step
    outcome: Outcome
    taken_on: date
    promised_on: date | None
    note: str


def validate_action(step: str, outcome: str, taken_on: date | None, promised_on: date | None, note: str,
                    today: date) -> ActionEntry:
    """Every wrong field at once; the promise and the refusal's reason once the fields they depend
    on are right."""
    def kinds():
        try:
            return Step(step), Outcome(outcome)
        except ValueError:
            raise ValidationError("err.required", field="step") from None

    def text():
        value = as_typed(note)
        if len(value) > 300:
            raise ValidationError("err.too_long", field="note", max=300)
        return value

    (step_, outcome_), taken_on, note = ValidationErrors.collect(
        kinds, lambda: validate_day(taken_on, today, "taken_on"), text)

    def promise():
        if outcome_ == Outcome.PROMISED:
            if promised_on is None:
                raise ValidationError("err.required", field="promised_on")
            if promised_on < taken_on:
                raise ValidationError("err.promise_before_action", field="promised_on")

    def reason():
        if outcome_ == Outcome.REFUSED and not note:
            raise ValidationError("err.refusal_reason", field="note")

    ValidationErrors.collect(promise, reason)
    return ActionEntry(step_, outcome_, taken_on, promised_on if outcome_ == Outcome.PROMISED else None, note)


@dataclass(frozen=True)
class PlanEntry:
    starts: date
    ends: date
    note: str


def validate_plan(starts: date | None, ends: date | None, note: object) -> PlanEntry:
    """A payment plan stops the reminders from `starts` to `ends` (the legal clock runs on)."""
    def span():
        if starts is None:
            raise ValidationError("err.required", field="starts")
        if ends is None:
            raise ValidationError("err.required", field="ends")
        if ends < starts:
            raise ValidationError("err.plan_dates", field="ends")

    def text():
        value = as_typed(note)
        if len(value) > 300:
            raise ValidationError("err.too_long", field="note", max=300)
        return value

    _, note_ = ValidationErrors.collect(span, text)
    return PlanEntry(starts, ends, note_)


@dataclass(frozen=True)
class WaiverEntry:
    cents: int
    reason: str
    approved_by: str


def validate_waiver(cents: object, reason: object, approved_by: object) -> WaiverEntry:
    """A waiver or adjustment needs a positive amount, a reason and the name of who approved it."""
    def amount():
        if isinstance(cents, bool) or not isinstance(cents, int) or not 0 < cents <= MAX_CENTS:
            raise ValidationError("err.waiver_amount", field="amount")
        return cents

    def required(value, field, limit):
        text = as_typed(value)
        if not text:
            raise ValidationError("err.required", field=field)
        if len(text) > limit:
            raise ValidationError("err.too_long", field=field, max=limit)
        return text

    reason_, approver, cents_ = ValidationErrors.collect(
        lambda: required(reason, "reason", 300), lambda: required(approved_by, "approved_by", 32), amount)
    return WaiverEntry(cents_, reason_, approver)


def check_waiver(entry: WaiverEntry, owed: int) -> None:
    """No more than the bill still owes."""
    if entry.cents > owed:
        raise ValidationError("err.waiver_amount", field="amount")


def validate_waiver_request(amount: object, reason: object, open_cents: int) -> tuple[int, str]:
    """(cents, reason) of a waiver asked for on a bill, every wrong field at once: an amount in
    yuan, positive and no more than the bill's open amount (less what other requests still
    waiting on it ask: `open_cents`), and a reason."""
    def cents():
        value = amount if isinstance(amount, int) and not isinstance(amount, bool) else parse_yuan(amount)
        if value <= 0:
            raise ValidationError("err.money_positive", field="amount")
        if value > open_cents:
            raise ValidationError("err.waiver_over_open", field="amount", open=yuan(max(open_cents, 0)))
        return value

    def why():
        text = as_typed(reason)
        if not text:
            raise ValidationError("err.required", field="reason")
        if len(text) > 300:
            raise ValidationError("err.too_long", field="reason", max=300)
        return text

    return tuple(ValidationErrors.collect(cents, why))


def _pick(raw: dict, *names: str) -> str:
    for n in names:
        if n in raw:
            return raw[n]
    return ""


def validate_payment_rows(raw_rows: list[dict], known_rooms: set[str], used_receipts: set[str],
                          today: date) -> tuple[list[PaymentEntry], list[RowError]]:
    """A payments file: every bad row named; any bad row and nothing is imported."""
    if not raw_rows:
        return [], [RowError(1, "err.file_empty")]
    rows, errors, seen = [], [], {}
    for i, raw in enumerate(raw_rows):
        line = i + 2
        try:
            paid = normalise_text(_pick(raw, "日期", "paid_on"))
            try:
                paid_on = date.fromisoformat(paid) if paid else None
            except ValueError:
                raise ValidationError("err.date_format", field="paid_on") from None
            entry = validate_payment(_pick(raw, "房号", "room_no"), _pick(raw, "收据号", "receipt_no"),
                                     _pick(raw, "金额", "amount"), paid_on,
                                     normalise_text(_pick(raw, "方式", "method")) or "cash", today)
            if entry.room_no not in known_rooms:
                raise ValidationError("err.unit_unknown_room", field="room_no", room=entry.room_no)
            if entry.receipt_no in used_receipts or entry.receipt_no in seen:
                raise ValidationError("err.receipt_used", field="receipt_no", receipt=entry.receipt_no)
        except ValidationError as e:
            errors.append(RowError(line, e.key, e.params))
            continue
        seen[entry.receipt_no] = line
        rows.append(entry)
    return rows, errors


@dataclass(frozen=True)
class BillEntry:
    room_no: str
    period: str
    item: str
    cents: int


def validate_bill_rows(raw_rows: list[dict], known_rooms: set[str], existing: set[tuple[str, str, str]],
                       today: date) -> tuple[list[BillEntry], list[RowError]]:
    """A bills file (房号/room_no, 账期/period, 项目/item, 金额/amount): all rows good or nothing."""
    if not raw_rows:
        return [], [RowError(1, "err.file_empty")]
    rows, errors, seen = [], [], {}
    for i, raw in enumerate(raw_rows):
        line = i + 2
        try:
            room, _ = parse_room_no(_pick(raw, "房号", "room_no"))
            period = validate_period(_pick(raw, "账期", "period"), today)
            item = normalise_text(_pick(raw, "项目", "item")) or "property"
            if item not in ITEMS:
                raise ValidationError("err.item_unknown", field="item")
            cents = parse_yuan(_pick(raw, "金额", "amount"))
            if room not in known_rooms:
                raise ValidationError("err.unit_unknown_room", field="room_no", room=room)
            key = (room, period, item)
            if key in existing or key in seen:
                raise ValidationError("err.bill_exists", field="period", room=room, period=period)
        except ValidationError as e:
            errors.append(RowError(line, e.key, e.params))
            continue
        seen[key] = line
        rows.append(BillEntry(room, period, item, cents))
    return rows, errors
