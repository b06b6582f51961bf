"""Storage of the fee ledger and the dunning record. Money in integer cents (BigInteger)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from core.collections.ledger import overdue_before
from db.base import Base, UTCDateTime, utcnow


class CollectionSettings(Base):
    __tablename__ = "collection_settings"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    property_cents_per_m2: Mapped[int] = mapped_column(Integer)   # monthly property fee rate
    target_bp: Mapped[int] = mapped_column(Integer, default=9500)  # collection target in basis points
    ladder: Mapped[dict] = mapped_column(JSON, default=dict)       # {step: months}; empty = default ladder


class Bill(Base):
    __tablename__ = "bills"
    __table_args__ = (UniqueConstraint("unit_id", "period", "item"),
                      Index("ix_bills_period_project", "period", "project_id", "amount_cents", "waived_cents", "paid_cents"),
                      Index("ix_bills_unit_due", "unit_id", "due"),
                      # 0008: only the unpaid few percent of bills: arrears sums never scan paid history.
                      Index("ix_bills_open", "project_id", "period", "due", "unit_id", "amount_cents", "paid_cents",
                            "waived_cents", sqlite_where=text("amount_cents > paid_cents + waived_cents"),
                            postgresql_where=text("amount_cents > paid_cents + waived_cents")),
                      # 0010: the same unpaid bills by unit, for the ladder's debts per unit.
                      Index("ix_bills_open_unit", "unit_id", "due", "amount_cents", "paid_cents", "waived_cents",
                            sqlite_where=text("amount_cents > paid_cents + waived_cents"),
                            postgresql_where=text("amount_cents > paid_cents + waived_cents")))
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(7))     # YYYY-MM
    item: Mapped[str] = mapped_column(String(12))      # property, parking, water, other
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    waived_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    due: Mapped[date] = mapped_column(Date)
    # 0013: the billing run that made it (None: imported or seeded). No foreign key: adding one on
    # SQLite would rebuild the whole table (and drop the ledger_months triggers of 0010).
    run_id: Mapped[int | None] = mapped_column(Integer, index=True)


OUTSTANDING = Bill.amount_cents - Bill.paid_cents - Bill.waived_cents
# Written exactly as the partial indexes' condition (ix_bills_open...), so the planner can use them.
UNPAID = Bill.amount_cents > Bill.paid_cents + Bill.waived_cents


def overdue_on(today: date):
    """core's cut between overdue and current (core.collections.ledger.overdue_before) in SQL."""
    return Bill.due < overdue_before(today)


class Payment(Base):
    __tablename__ = "payments"
    # 0010: prepayments are the few payments with credit left.
    __table_args__ = (Index("ix_payments_credit", "project_id", "credit_cents",
                            sqlite_where=text("credit_cents > 0"), postgresql_where=text("credit_cents > 0")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(30), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    credit_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # not yet allocated: a prepayment
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(12), default="cash")
    recorded_by: Mapped[str] = mapped_column(String(32))
    # One key per submitted form: a double tap finds the first payment instead of making a second.
    request_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # 0013: a void keeps the row and its receipt number; its allocations are gone, its credit is 0.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by: Mapped[str | None] = mapped_column(String(32))
    void_reason: Mapped[str | None] = mapped_column(String(300))


class ReceiptCounter(Base):
    """0013: the last receipt number given per project and year. Its row is locked by the payment's
    own transaction (an UPDATE), so numbers come without gaps (a rolled-back payment gives its number
    back) and never twice, on PostgreSQL under concurrency as on SQLite."""
    __tablename__ = "receipt_counters"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Allocation(Base):
    __tablename__ = "allocations"
    __table_args__ = (Index("ix_allocations_period_paid", "bill_period", "paid_on", "project_id", "cents"),
                      # 0008: money received since a date, whatever the bill's period (recovery figures)
                      Index("ix_allocations_paid_period", "paid_on", "bill_period", "project_id", "cents"))
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    bill_period: Mapped[str] = mapped_column(String(7))
    paid_on: Mapped[date] = mapped_column(Date)
    cents: Mapped[int] = mapped_column(BigInteger)


class FeeRateRow(Base):
    """0013: a fee item's rate of a project from a month on (core.collections.billing.FeeRate)."""
    __tablename__ = "fee_rates"
    __table_args__ = (UniqueConstraint("project_id", "item", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    item: Mapped[str] = mapped_column(String(12))
    basis: Mapped[str] = mapped_column(String(8))              # area (per m²) or fixed
    cents: Mapped[int] = mapped_column(BigInteger)
    effective_from: Mapped[date] = mapped_column(Date)         # the first day of a month
    developer_bp: Mapped[int] = mapped_column(Integer, default=10_000)   # share the developer pays when unsold
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BillingRun(Base):
    """0013: one confirmed monthly billing run of a project; its bills carry its id (bills.run_id)."""
    __tablename__ = "billing_runs"
    __table_args__ = (Index("ix_billing_runs_project_period", "project_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(8), default="done")     # done, undone
    bills: Mapped[int] = mapped_column(Integer)
    cents: Mapped[int] = mapped_column(BigInteger)
    credit_settled: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_by: Mapped[str | None] = mapped_column(String(32))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LedgerMonth(Base):
    """Per project and bill month: billed (net of waivers) and collected by the end of that month.
    Written only by the database's triggers on bills and allocations (migration 0010), so every
    writer keeps it; read by the trend, which would otherwise sum two years of rows."""
    __tablename__ = "ledger_months"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    billed_cents: Mapped[int] = mapped_column(BigInteger)
    collected_cents: Mapped[int] = mapped_column(BigInteger)


class Adjustment(Base):
    __tablename__ = "bill_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), index=True)
    cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300))
    approved_by: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DunningAction(Base):
    __tablename__ = "dunning_actions"
    __table_args__ = (Index("ix_dunning_unit_step", "unit_id", "step", "taken_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    step: Mapped[str] = mapped_column(String(10))
    taken_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12))
    # Recorded as delivered. Only a row with a proof kind restarts limitation (art. 195): rows ticked
    # before 0017 have none (core/collections/delivery.py).
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    promised_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    staff: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # 0017: the proof of delivery. courier + tracking_no, or a signed copy (delivery_proof_files),
    # or a refusal witnessed by two staff (usernames).
    proof_kind: Mapped[str | None] = mapped_column(String(20))
    courier: Mapped[str | None] = mapped_column(String(12))
    tracking_no: Mapped[str | None] = mapped_column(String(30))
    witness_1: Mapped[str | None] = mapped_column(String(32))
    witness_2: Mapped[str | None] = mapped_column(String(32))


class DeliveryProofFile(Base):
    """The photo or scan of a signed demand, kept in the store like the move-in defect photos: in
    the same transaction as its action (nothing half-saved), in every backup and on every server of
    a PostgreSQL set-up. The hash names the content for whoever checks a printout against it."""
    __tablename__ = "delivery_proof_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("dunning_actions.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(8))          # core.uploads.UploadKind, from the bytes
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PaymentPlan(Base):
    """A unit's payment plan (core/collections/plans.py). `starts` is the day it was entered (money
    paid from then on counts towards it), `ends` its last instalment's due date. Plans from before
    0021 have no instalments and no status: they were approved when entered."""
    __tablename__ = "payment_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(32))
    # 0021: the manager's approval. Plain added columns: the ladder reads them, no table rebuild.
    # A row written without one (the demo, a script) is as plans always were: agreed when entered.
    status: Mapped[str] = mapped_column(String(10), default="approved", server_default="approved", index=True)
    total_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(300))


class PlanInstalment(Base):
    """0021: one instalment of a payment plan: its due date and amount."""
    __tablename__ = "payment_plan_instalments"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)
    cents: Mapped[int] = mapped_column(BigInteger)


class WaiverRequest(Base):
    """0021: a waiver or discount asked for on one bill, with its reason; a manager approves it
    (then, and only then, the bill's waived_cents grows and a bill_adjustments row is written) or
    refuses it with a reason."""
    __tablename__ = "waiver_requests"
    __table_args__ = (Index("ix_waiver_requests_project_status", "project_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(300))
