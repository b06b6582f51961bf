"""Load and save of the company, its projects, buildings, units, owners and special needs inside a
unit of work (the services' session)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.org.model import OwnerEntry, ProjectEntry, UnitRow
from core.org.needs import NeedEntry, NeedKind
from db.base import utcnow
from db.collection_models import Bill
from db.models import Building, Company, Owner, Project, SpecialNeedRow, Unit, UnitOwner

TRANSFER, REMOVED = "transfer", "removed"


# ---------------------------------------------------------------- company and projects

def company(session: Session) -> Company | None:
    return session.scalar(select(Company).order_by(Company.id).limit(1))


def name_company(session: Session, name: str, is_demo: bool = False) -> Company:
    row = company(session)
    if row is None:
        row = Company(name=name, is_demo=is_demo)
        session.add(row)
    else:
        row.name = name
    session.flush()
    return row


def code_taken(session: Session, code: str, other_than: int | None = None) -> bool:
    stmt = select(Project.id).where(func.upper(Project.code) == code.upper())
    if other_than is not None:
        stmt = stmt.where(Project.id != other_than)
    return session.scalar(stmt.limit(1)) is not None


def add_project(session: Session, entry: ProjectEntry) -> int:
    row = Project(code=entry.code, name=entry.name, city=entry.city, address=entry.address or None,
                  collection_target_bp=entry.target_bp)
    session.add(row)
    session.flush()
    return row.id


def get_project(session: Session, project_id: int) -> Project:
    row = session.get(Project, project_id)
    if row is None:
        raise NotFound("err.project_unknown")
    return row


def update_project(row: Project, entry: ProjectEntry) -> None:
    row.code, row.name, row.city = entry.code, entry.name, entry.city
    row.address, row.collection_target_bp = entry.address or None, entry.target_bp


# ---------------------------------------------------------------- buildings and units

def building_ids(session: Session, project_id: int) -> dict[str, int]:
    """Building name -> id, of one project."""
    return {b.name: b.id for b in session.scalars(select(Building).where(Building.project_id == project_id))}


def add_building(session: Session, project_id: int, name: str, floors: int) -> int:
    row = Building(project_id=project_id, name=name, floors=floors)
    session.add(row)
    session.flush()
    return row.id


def get_building(session: Session, building_id: int) -> Building:
    row = session.get(Building, building_id)
    if row is None:
        raise NotFound("err.building_unknown", building=str(building_id))
    return row


def rooms_taken(session: Session, project_id: int, room_nos: list[str]) -> set[str]:
    """Which of these room numbers the project has already. A long list (an import) is compared
    with the project's rooms read once: an IN of 20,000 values costs seconds to send and plan."""
    if len(room_nos) > 500:
        return set(room_nos) & set(session.scalars(select(Unit.room_no).where(Unit.project_id == project_id)))
    return set(session.scalars(select(Unit.room_no).where(Unit.project_id == project_id,
                                                          Unit.room_no.in_(room_nos))))


def add_unit(session: Session, project_id: int, building_id: int, row: UnitRow, entered_by: str,
             today: date, need_kind: NeedKind | None = None) -> int:
    """A unit, its owner (if the row names one) and the row's special-needs note as a ledger entry."""
    owner = None
    if row.owner_name:
        owner = Owner(name=row.owner_name, phone=row.owner_phone)
        session.add(owner)
        session.flush()
    unit = Unit(project_id=project_id, building_id=building_id, room_no=row.room_no, floor=row.floor,
                area_m2=row.area_m2, status=row.status.value, owner_id=owner and owner.id)
    session.add(unit)
    session.flush()
    if owner is not None:
        session.add(UnitOwner(unit_id=unit.id, owner_id=owner.id))
    if row.special_needs:
        session.add(SpecialNeedRow(unit_id=unit.id, owner_id=owner and owner.id,
                                   kind=(need_kind or NeedKind.OTHER).value, note=row.special_needs,
                                   noted_on=today, entered_by=entered_by))
    return unit.id


BULK_CHUNK = 1000   # rows per INSERT statement of an import


def _insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert many rows; their ids in the order given. PostgreSQL: the ids drawn from the table's
    sequence first, then one prepared INSERT sent for all rows (psycopg's pipeline), much faster
    than multi-row INSERT ... RETURNING text; SQLite: the ids after the largest, under its write lock."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        table = model.__table__.name
        ids = list(session.scalars(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                                   {"t": table, "n": len(rows)}))
        _insert_many(session, model, [{**r, "id": i} for r, i in zip(rows, ids)])
        return ids
    # SQLite: the unit of work holds the one write lock since BEGIN IMMEDIATE, so the ids after the
    # largest are free until it commits (one INSERT ... RETURNING per row would be sent otherwise).
    first = (session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    _insert_many(session, model, [{**r, "id": i} for r, i in zip(rows, ids)])
    return ids


def _insert_many(session: Session, model, rows: list[dict]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        if rows:      # COPY, in the unit of work's own transaction: all or nothing with the rest
            columns = list(rows[0])
            raw = session.connection().connection.dbapi_connection
            with raw.cursor() as cur, cur.copy(f"COPY {model.__table__.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r[c] for c in columns])
        return
    for i in range(0, len(rows), BULK_CHUNK):
        session.execute(insert(model), rows[i:i + BULK_CHUNK])


def add_units(session: Session, project_id: int, building_ids: list[int], rows: list[UnitRow], entered_by: str,
              today: date, need_kinds: list[NeedKind | None]) -> int:
    """What add_unit does for each row, as a few multi-row INSERTs (an import of 20,000 rows holds
    the write lock for seconds, not minutes): units, their owners, the ownerships and the rows'
    special-needs entries. The caller's transaction makes it all or nothing."""
    with_owner = [i for i, r in enumerate(rows) if r.owner_name]
    owner_ids = _insert_returning_ids(session, Owner, [{"name": rows[i].owner_name, "phone": rows[i].owner_phone,
                                                        "version": 1} for i in with_owner])
    owner_of = dict(zip(with_owner, owner_ids))
    unit_ids = _insert_returning_ids(session, Unit, [
        {"project_id": project_id, "building_id": building_ids[i], "room_no": r.room_no, "floor": r.floor,
         "area_m2": r.area_m2, "status": r.status.value, "owner_id": owner_of.get(i), "version": 1}
        for i, r in enumerate(rows)])
    _insert_many(session, UnitOwner, [{"unit_id": unit_ids[i], "owner_id": owner_of[i], "since": None, "until": None,
                                       "ended_by": None} for i in with_owner])
    now = utcnow()
    _insert_many(session, SpecialNeedRow, [
        {"unit_id": unit_ids[i], "owner_id": owner_of.get(i), "kind": (need_kinds[i] or NeedKind.OTHER).value,
         "note": r.special_needs, "noted_on": today, "entered_by": entered_by, "entered_at": now,
         "ended_on": None, "ended_by": None, "version": 1}
        for i, r in enumerate(rows) if r.special_needs])
    return len(unit_ids)


def unit_project(session: Session, unit_id: int) -> int | None:
    return session.scalar(select(Unit.project_id).where(Unit.id == unit_id))


def get_unit(session: Session, unit_id: int) -> Unit:
    row = session.get(Unit, unit_id)
    if row is None:
        raise NotFound("err.unit_not_found")
    return row


def owed_query(unit_id: int):
    """What the unit owes on its bills (the unit's, not an owner's: it stays through a transfer)."""
    return (select(func.coalesce(func.sum(Bill.amount_cents - Bill.paid_cents - Bill.waived_cents), 0))
            .where(Bill.unit_id == unit_id, Bill.amount_cents > Bill.paid_cents + Bill.waived_cents))


def open_cents(session: Session, unit_id: int) -> int:
    return int(session.scalar(owed_query(unit_id)))


# ---------------------------------------------------------------- owners over time

def current_ownerships(session: Session, unit_id: int) -> list[UnitOwner]:
    return list(session.scalars(select(UnitOwner).where(UnitOwner.unit_id == unit_id, UnitOwner.until.is_(None))
                                .order_by(UnitOwner.id)))


def get_ownership(session: Session, ownership_id: int) -> UnitOwner:
    row = session.get(UnitOwner, ownership_id)
    if row is None:
        raise NotFound("err.owner_unknown")
    return row


def add_owner(session: Session, unit: Unit, entry: OwnerEntry, since: date | None) -> int:
    owner = Owner(name=entry.name, phone=entry.phone)
    session.add(owner)
    session.flush()
    session.add(UnitOwner(unit_id=unit.id, owner_id=owner.id, since=since))
    if unit.owner_id is None:
        unit.owner_id = owner.id
    session.flush()
    return owner.id


def end_ownership(session: Session, unit: Unit, ownership: UnitOwner, on: date, how: str) -> None:
    ownership.until, ownership.ended_by = on, how
    session.flush()
    if unit.owner_id == ownership.owner_id:
        rest = current_ownerships(session, unit.id)
        unit.owner_id = rest[0].owner_id if rest else None
    session.flush()


def get_owner(session: Session, owner_id: int) -> Owner:
    row = session.get(Owner, owner_id)
    if row is None:
        raise NotFound("err.owner_unknown")
    return row


def owner_projects(session: Session, owner_id: int) -> set[int]:
    """The projects of every unit this person owns or owned: who may edit the person's record."""
    return set(session.scalars(select(Unit.project_id).join(UnitOwner, UnitOwner.unit_id == Unit.id)
                               .where(UnitOwner.owner_id == owner_id)))


# ---------------------------------------------------------------- special needs

def add_need(session: Session, unit_id: int, owner_id: int | None, entry: NeedEntry, entered_by: str) -> int:
    row = SpecialNeedRow(unit_id=unit_id, owner_id=owner_id, kind=entry.kind.value, note=entry.note,
                         noted_on=entry.noted_on, entered_by=entered_by)
    session.add(row)
    session.flush()
    return row.id


def get_need(session: Session, need_id: int) -> SpecialNeedRow:
    row = session.get(SpecialNeedRow, need_id)
    if row is None:
        raise NotFound("err.need_unknown")
    return row


def owns(session: Session, unit_id: int, owner_id: int) -> bool:
    return session.scalar(select(UnitOwner.id).where(UnitOwner.unit_id == unit_id, UnitOwner.owner_id == owner_id,
                                                     UnitOwner.until.is_(None)).limit(1)) is not None
