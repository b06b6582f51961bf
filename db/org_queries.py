"""Read queries of the shared core (projects, buildings, units): aggregates done in SQL, small
frames out. `project_ids=None` means every project; the services narrow it to the actor's scope."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from core.org.model import Company, Ownership
from core.org.needs import SpecialNeed
from core.org.rules import normalise_text
from db.org_repository import owed_query
from db.models import Building, Company as CompanyRow, Owner, Project, SpecialNeedRow, StaffUser, Unit, UnitOwner

SEARCH_LIMIT = 50
UNIT_COLUMNS = ["unit_id", "project_id", "project", "room_no", "floor", "area_m2", "status", "owner", "phone",
                "special_needs"]


def _scope(stmt, column, project_ids):
    return stmt if project_ids is None else stmt.where(column.in_(project_ids))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


PROJECT_COLUMNS = ["id", "code", "name", "city", "address", "collection_target_bp", "version"]


def list_projects(engine: Engine, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    stmt = _scope(select(Project.id, Project.code, Project.name, Project.city, Project.address,
                         Project.collection_target_bp, Project.version), Project.id, project_ids)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(Project.id)).all()
    return pd.DataFrame(rows, columns=PROJECT_COLUMNS)


def company(engine: Engine) -> Company | None:
    with engine.connect() as conn:
        row = conn.execute(select(CompanyRow.name, CompanyRow.is_demo, CompanyRow.version)
                           .order_by(CompanyRow.id).limit(1)).first()
    return None if row is None else Company(row.name, bool(row.is_demo), row.version)


def units_by_status(engine: Engine, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """One row per project and status with its count."""
    stmt = (select(Project.name, Project.city, Unit.status, func.count(Unit.id))
            .join(Unit, Unit.project_id == Project.id)
            .group_by(Project.id, Project.name, Project.city, Unit.status)
            .order_by(Project.id))
    with engine.connect() as conn:
        rows = conn.execute(_scope(stmt, Project.id, project_ids)).all()
    return pd.DataFrame(rows, columns=["project", "city", "status", "units"])


def _units():
    return (select(Unit.id, Unit.project_id, Project.name, Unit.room_no, Unit.floor, Unit.area_m2, Unit.status,
                   Owner.name, Owner.phone)
            .join(Project, Project.id == Unit.project_id)
            .outerjoin(Owner, Owner.id == Unit.owner_id))


def _need_kinds(conn, unit_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The kinds of each unit's current special needs, in the order they were entered."""
    kinds: dict[int, list[str]] = {}
    if unit_ids:
        rows = conn.execute(select(SpecialNeedRow.unit_id, SpecialNeedRow.kind)
                            .where(SpecialNeedRow.unit_id.in_(unit_ids), SpecialNeedRow.ended_on.is_(None))
                            .order_by(SpecialNeedRow.id)).all()
        for unit_id, kind in rows:
            kinds.setdefault(unit_id, []).append(kind)
    return {u: tuple(k) for u, k in kinds.items()}


def _with_needs(conn, rows) -> list[tuple]:
    kinds = _need_kinds(conn, [r[0] for r in rows])
    return [(*r, kinds.get(r[0], ())) for r in rows]


def search_units(engine: Engine, text: str, project_ids: tuple[int, ...] | None = None,
                 limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Room numbers by prefix (3-19 finds 3-1906), owners by part of the name; `special_needs`:
    the kinds of each unit's current entries of the ledger."""
    text = normalise_text(text)  # full-width digits and dashes typed on a phone: ３－１９０６ → 3-1906
    if not text:
        return pd.DataFrame(columns=UNIT_COLUMNS)
    like = _escape_like(text)
    stmt = (_units().where(or_(Unit.room_no.like(like.upper() + "%", escape="\\"),
                               Owner.name.like("%" + like + "%", escape="\\")))
            .order_by(Project.id, Unit.room_no).limit(limit))
    with engine.connect() as conn:
        rows = _with_needs(conn, conn.execute(_scope(stmt, Unit.project_id, project_ids)).all())
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def unit(engine: Engine, unit_id: int) -> dict | None:
    """One unit with its project and first current owner, as search_units lists it, and its
    `version` (a transfer is checked against it)."""
    with engine.connect() as conn:
        row = conn.execute(_units().add_columns(Unit.version).where(Unit.id == unit_id)).first()
        if row is None:
            return None
        kinds = _need_kinds(conn, [unit_id]).get(unit_id, ())
    return {**dict(zip(UNIT_COLUMNS[:-1], row[:-1])), "special_needs": kinds, "version": row[-1]}


def buildings_of(engine: Engine, project_id: int) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Building.name).where(Building.project_id == project_id)))


def rooms_of(engine: Engine, project_id: int) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Unit.room_no).where(Unit.project_id == project_id)))


def unit_project(engine: Engine, unit_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(Unit.project_id).where(Unit.id == unit_id))


def find_unit(engine: Engine, project_id: int, room_no: str) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(Unit.id).where(Unit.project_id == project_id, Unit.room_no == room_no))


def list_buildings(engine: Engine, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    units = (select(Unit.building_id, func.count(Unit.id).label("n")).group_by(Unit.building_id).subquery())
    stmt = (select(Building.id, Building.project_id, Building.name, Project.name.label("project"), Building.floors,
                   func.coalesce(units.c.n, 0))
            .join(Project, Project.id == Building.project_id)
            .outerjoin(units, units.c.building_id == Building.id)
            .order_by(Project.id, Building.name))
    with engine.connect() as conn:
        rows = conn.execute(_scope(stmt, Building.project_id, project_ids)).all()
    return pd.DataFrame(rows, columns=["id", "project_id", "name", "project", "floors", "units"])


# ---------------------------------------------------------------- owners and needs of one unit

def ownerships(engine: Engine, unit_id: int, current_only: bool = True) -> list[Ownership]:
    """The unit's owners, first owner first; with the history, the past ones after them, newest first."""
    stmt = (select(UnitOwner.id, UnitOwner.owner_id, Owner.name, Owner.phone, UnitOwner.since, UnitOwner.until,
                   UnitOwner.ended_by, Owner.version)
            .join(Owner, Owner.id == UnitOwner.owner_id).where(UnitOwner.unit_id == unit_id))
    if current_only:
        stmt = stmt.where(UnitOwner.until.is_(None))
    with engine.connect() as conn:
        rows = [Ownership(*r) for r in conn.execute(stmt.order_by(UnitOwner.id)).all()]
    current = [o for o in rows if o.until is None]
    past = sorted((o for o in rows if o.until is not None), key=lambda o: (o.until, o.id), reverse=True)
    return current + past


def needs(engine: Engine, unit_id: int, include_ended: bool = False) -> list[SpecialNeed]:
    stmt = (select(SpecialNeedRow.id, SpecialNeedRow.unit_id, SpecialNeedRow.owner_id, Owner.name,
                   SpecialNeedRow.kind, SpecialNeedRow.note, SpecialNeedRow.noted_on, SpecialNeedRow.entered_by,
                   SpecialNeedRow.ended_on, SpecialNeedRow.version)
            .outerjoin(Owner, Owner.id == SpecialNeedRow.owner_id)
            .where(SpecialNeedRow.unit_id == unit_id))
    if not include_ended:
        stmt = stmt.where(SpecialNeedRow.ended_on.is_(None))
    with engine.connect() as conn:
        return [SpecialNeed(*r) for r in conn.execute(stmt.order_by(SpecialNeedRow.ended_on.is_not(None),
                                                                    SpecialNeedRow.noted_on.desc(),
                                                                    SpecialNeedRow.id.desc())).all()]


def unit_owed(engine: Engine, unit_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(owed_query(unit_id)))


# ---------------------------------------------------------------- set-up progress

def setup_counts(engine: Engine) -> dict[str, int]:
    """How far a company's set-up has come: what exists of each kind (accounts of the demo left out)."""
    with engine.connect() as conn:
        def n(stmt):
            return int(conn.scalar(stmt) or 0)
        return {"company": n(select(func.count()).select_from(CompanyRow)),
                "projects": n(select(func.count()).select_from(Project)),
                "buildings": n(select(func.count()).select_from(Building)),
                "units": n(select(func.count()).select_from(Unit)),
                "owners": n(select(func.count()).select_from(UnitOwner).where(UnitOwner.until.is_(None))),
                "staff": n(select(func.count()).select_from(StaffUser).where(StaffUser.is_demo.is_(False)))}
