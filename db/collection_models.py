"""Storage of the fee ledger and the dunning record. Money in integer cents (BigInteger)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UTCDateTime, utcnow


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
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)  # proof of delivery kept (art. 195)
    promised_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    staff: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PaymentPlan(Base):
    __tablename__ = "payment_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(32))
