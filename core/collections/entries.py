"""Validation of what the front desk records: payments, dunning actions, bill and payment imports."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.collections.dunning import Outcome, Step
from core.collections.money import MAX_CENTS, parse_yuan
from core.errors import ValidationError
from core.importing.units import RowError
from core.org.rules import normalise_text, parse_room_no

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


def validate_payment(room_no: object, receipt_no: object, amount: object, paid_on: date | None, method: str,
                     today: date) -> PaymentEntry:
    room, _ = parse_room_no(room_no)
    if method not in METHODS:
        raise ValidationError("err.required", field="method")
    return PaymentEntry(room, validate_receipt(receipt_no), parse_yuan(amount),
                        validate_day(paid_on, today, "paid_on"), method)


@dataclass(frozen=True)
class ActionEntry:
    step: Step
    outcome: Outcome
    taken_on: date
    promised_on: date | None
    note: str


def validate_action(step: str, outcome: str, taken_on: date | None, promised_on: date | None, note: str,
                    today: date) -> ActionEntry:
    try:
        step_, outcome_ = Step(step), Outcome(outcome)
    except ValueError:
        raise ValidationError("err.required", field="step") from None
    taken_on = validate_day(taken_on, today, "taken_on")
    note = normalise_text(note)
    if len(note) > 300:
        raise ValidationError("err.too_long", field="note", max=300)
    if outcome_ == Outcome.PROMISED:
        if promised_on is None:
            raise ValidationError("err.required", field="promised_on")
        if promised_on < taken_on:
            raise ValidationError("err.promise_before_action", field="promised_on")
    if outcome_ == Outcome.REFUSED and not note:
        raise ValidationError("err.refusal_reason", field="note")
    return ActionEntry(step_, outcome_, taken_on, promised_on if outcome_ == Outcome.PROMISED else None, note)


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
