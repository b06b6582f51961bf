"""Read side of the shared core: aggregates done in SQL, small frames out.
`project_ids=None` means every project (roles that see the whole company)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from core.errors import ValidationError
from core.org.model import UnitRow
from core.org.rules import normalise_text
from db.models import Building, Owner, Project, Unit
from db.uow import UnitOfWork

SEARCH_LIMIT = 50


def _scope(stmt, column, project_ids):
    return stmt if project_ids is None else stmt.where(column.in_(project_ids))


def list_projects(engine: Engine, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    stmt = _scope(select(Project.id, Project.code, Project.name, Project.city), Project.id, project_ids)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(Project.id)).all()
    return pd.DataFrame(rows, columns=["id", "code", "name", "city"])


def units_by_status(engine: Engine, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """One row per project and status with its count."""
    stmt = (select(Project.name, Project.city, Unit.status, func.count(Unit.id))
            .join(Unit, Unit.project_id == Project.id)
            .group_by(Project.id, Project.name, Project.city, Unit.status)
            .order_by(Project.id))
    with engine.connect() as conn:
        rows = conn.execute(_scope(stmt, Project.id, project_ids)).all()
    return pd.DataFrame(rows, columns=["project", "city", "status", "units"])


def search_units(engine: Engine, text: str, project_ids: tuple[int, ...] | None = None,
                 limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Room numbers by prefix (3-19 finds 3-1906), owners by part of the name."""
    text = normalise_text(text)  # full-width digits and dashes typed on a phone: ３－１９０６ → 3-1906
    cols = ["unit_id", "project", "room_no", "floor", "area_m2", "status", "owner", "phone", "special_needs"]
    if not text:
        return pd.DataFrame(columns=cols)
    like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (select(Unit.id, Project.name, Unit.room_no, Unit.floor, Unit.area_m2, Unit.status,
                   Owner.name, Owner.phone, Owner.special_needs)
            .join(Project, Project.id == Unit.project_id)
            .outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(or_(Unit.room_no.like(like.upper() + "%", escape="\\"),
                       Owner.name.like("%" + like + "%", escape="\\")))
            .order_by(Project.id, Unit.room_no).limit(limit))
    with engine.connect() as conn:
        rows = conn.execute(_scope(stmt, Unit.project_id, project_ids)).all()
    return pd.DataFrame(rows, columns=cols)


def buildings_of(engine: Engine, project_id: int) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Building.name).where(Building.project_id == project_id)))


def rooms_of(engine: Engine, project_id: int) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Unit.room_no).where(Unit.project_id == project_id)))


def import_units(engine: Engine, actor: str, project_id: int, rows: list[UnitRow]) -> int:
    """Write validated rows in one transaction: all of them or, on any failure, none.
    The store is checked again here: someone may have added a room since the file was validated."""
    with UnitOfWork(engine, actor=actor) as uow:
        s = uow.session
        buildings = {b.name: b.id for b in s.scalars(select(Building).where(Building.project_id == project_id))}
        taken = set(s.scalars(select(Unit.room_no).where(Unit.project_id == project_id,
                                                        Unit.room_no.in_([r.room_no for r in rows]))))
        for row in rows:
            if row.building not in buildings:
                raise ValidationError("err.building_unknown", field="building", building=row.building)
            if row.room_no in taken:
                raise ValidationError("err.room_exists", field="room_no", room=row.room_no)
            owner_id = None
            if row.owner_name:
                owner = Owner(name=row.owner_name, phone=row.owner_phone, special_needs=row.special_needs)
                s.add(owner)
                s.flush()
                owner_id = owner.id
            s.add(Unit(project_id=project_id, building_id=buildings[row.building], room_no=row.room_no,
                       floor=row.floor, area_m2=row.area_m2, status=row.status.value, owner_id=owner_id))
        uow.audit("import", "units", project_id, after={"rows": len(rows)})
        uow.commit()
    return len(rows)


def find_unit(engine: Engine, project_id: int, room_no: str) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(Unit.id).where(Unit.project_id == project_id, Unit.room_no == room_no))


def list_buildings(engine: Engine, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    stmt = select(Building.id, Building.project_id, Building.name, Project.name.label("project")) \
        .join(Project, Project.id == Building.project_id).order_by(Project.id, Building.name)
    with engine.connect() as conn:
        rows = conn.execute(_scope(stmt, Building.project_id, project_ids)).all()
    return pd.DataFrame(rows, columns=["id", "project_id", "name", "project"])
