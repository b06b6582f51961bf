"""Helpers of the store and service tests: counts, audit rows, small projects and unit rows."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, insert, select

from core.org.model import UnitRow, UnitStatus
from db.models import AuditLog, Building, Owner, Project, StaffUser, Unit

FAST = 4  # bcrypt rounds for test accounts


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def counts(engine) -> dict[str, int]:
    return {m.__tablename__: count(engine, m) for m in (Project, Building, Unit, Owner, StaffUser, AuditLog)}


def audit_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity, AuditLog.entity_id,
                                   AuditLog.before, AuditLog.after).order_by(AuditLog.id)).all()


def add_project(engine, code: str, name: str, city: str, buildings=("3", "5")) -> int:
    with engine.begin() as conn:
        pid = conn.execute(insert(Project).values(code=code, name=name, city=city)).inserted_primary_key[0]
        for b in buildings:
            conn.execute(insert(Building).values(project_id=pid, name=b, floors=33))
    return pid


def row(room: str, owner: str | None = None, phone: str | None = None, status=UnitStatus.SOLD,
        area: str = "89.50", note: str | None = None) -> UnitRow:
    building, rest = room.split("-")
    return UnitRow(building, room, int(rest[:-2]), Decimal(area), status, owner, phone, note)
