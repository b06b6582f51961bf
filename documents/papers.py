"""The data each document is set from, as plain dataclasses the services fill from the store."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from documents.qr import qr_svg


@dataclass(frozen=True)
class Paper:
    """What every document carries: the company, its number and the record it belongs to."""
    company: str
    title: str
    number: str
    record_ref: str          # e.g. a receipt number or 'unit:3-1906': printed into the QR code
    issued_on: date
    project: str = ""
    preview: bool = False

    @property
    def qr(self):
        return qr_svg(self.number, self.record_ref)


@dataclass(frozen=True)
class ReceiptLine:
    item: str
    period: str
    cents: int


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    room: str
    owner: str
    paid_on: date
    method: str
    cashier: str
    cents: int
    lines: tuple[ReceiptLine, ...]
    prepaid: int                  # of this payment, not yet set against a bill
    credit_left: int              # the unit's prepaid balance when printed
    void: bool = False
    void_on: date | None = None
    void_reason: str = ""
    reprint_on: date | None = None   # None: the first print
    print_no: int = 1


@dataclass(frozen=True)
class BillLine:
    period: str
    item: str
    amount: int
    settled: int                  # paid and waived
    owed: int
    due: date


@dataclass(frozen=True)
class Notice:
    paper: Paper
    owner: str
    room: str
    building: str
    floor: int
    lines: tuple[BillLine, ...]

    @property
    def total(self) -> int:
        return sum(b.owed for b in self.lines)


@dataclass(frozen=True)
class Letter:
    owner: str
    room: str
    body: str                     # the template filled in
    lines: tuple[BillLine, ...]
    template_version: int

    @property
    def total(self) -> int:
        return sum(b.owed for b in self.lines)


@dataclass(frozen=True)
class StationDone:
    code: str
    done_at: str | None           # China time, as printed; None: not done yet
    staff: str | None


@dataclass(frozen=True)
class Handover:
    room: str
    owner: str
    batch: str
    day: date
    area: str
    arrived: str | None
    stations: tuple[StationDone, ...]
    open_defects: int
    signed_for: bool              # the documents station is done: the received boxes come ticked
    keys: tuple[str, ...] = ("entrance", "unit", "mailbox", "access_card")
    meters: tuple[str, ...] = ("water", "electricity", "gas")
    documents: tuple[str, ...] = ("quality", "manual", "rules", "notice")


@dataclass(frozen=True)
class DefectLine:
    location: str
    kind: str
    severity: str
    responsible: str
    note: str
    status: str


@dataclass(frozen=True)
class DefectList:
    room: str
    owner: str
    batch: str
    day: date
    defects: tuple[DefectLine, ...]


@dataclass(frozen=True)
class Handout:
    title: str
    held_on: date
    trainer: str
    version: str                  # trainee or trainer
    cases: list = field(default_factory=list)   # dicts chosen by core.cases.handout.handout_cases


@dataclass(frozen=True)
class Attendee:
    name: str
    username: str


@dataclass(frozen=True)
class SignIn:
    title: str
    held_on: date
    trainer: str
    attendees: tuple[Attendee, ...]
    blank_lines: int
