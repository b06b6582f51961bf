"""Which project an audit row belongs to, found from the record it names, so the audit viewer can
filter by project without every feature passing a project to `uow.audit(...)`.

`PATHS` says, per audited entity, how to walk from its id to a project: each hop is (table, key
column, next column); the last hop's column is the project id. Entities whose id is the project's
own (an import into a project, a project's hours) are in `PROJECT_IDS`. An entity not named here
(staff accounts, cases, the official calendar) belongs to no project. A feature that audits a new
entity adds one line here; the row is written either way."""
from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from db.base import Base

PATHS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "unit": (("units", "id", "project_id"),),
    "building": (("buildings", "id", "project_id"),),
    "complaint": (("complaints", "number", "project_id"),),
    "bill": (("bills", "id", "project_id"),),
    "movein_batch": (("movein_batches", "id", "project_id"),),
    "movein_appointment": (("movein_appointments", "id", "batch_id"), ("movein_batches", "id", "project_id")),
    "movein_checklist": (("movein_checklist", "id", "batch_id"), ("movein_batches", "id", "project_id")),
    "movein_defect": (("movein_defects", "id", "unit_id"), ("units", "id", "project_id")),
    "movein_dispute": (("movein_disputes", "id", "unit_id"), ("units", "id", "project_id")),
    "owner": (("unit_owners", "owner_id", "unit_id"), ("units", "id", "project_id")),
    "special_need": (("special_needs", "id", "unit_id"), ("units", "id", "project_id")),
    "document": (("documents", "id", "project_id"),),
}
PROJECT_IDS = frozenset({"project", "units", "bills", "payments", "working_hours"})


def _key(table, column: str, value: str):
    """The id as its column's type wants it; None when it cannot be one (no scan of a cast column)."""
    col = table.c[column]
    if col.type.python_type is int:
        return int(value) if value.isdigit() else None
    return value


def project_query(entity: str, entity_id: str | None):
    """A SELECT giving the project id of the record, or None when the entity has no project."""
    if entity_id is None:
        return None
    if entity in PROJECT_IDS:
        projects = Base.metadata.tables["projects"]
        return None if not entity_id.isdigit() else select(projects.c.id).where(projects.c.id == int(entity_id))
    hops = PATHS.get(entity)
    if not hops or any(name not in Base.metadata.tables for name, _, _ in hops):
        return None
    value, query = entity_id, None
    for name, key, nxt in hops:
        table = Base.metadata.tables[name]
        if query is None:
            value = _key(table, key, value)
            if value is None:
                return None
            query = select(table.c[nxt]).where(table.c[key] == value).limit(1)
        else:
            query = select(table.c[nxt]).where(table.c[key] == query.scalar_subquery()).limit(1)
    return query


def project_of(conn: Connection, entity: str, entity_id: str | None) -> int | None:
    query = project_query(entity, entity_id)
    return None if query is None else conn.scalar(query)


def _fill_project(_mapper, connection: Connection, target) -> None:
    if target.project_id is None:
        target.project_id = project_of(connection, target.entity, target.entity_id)


def register(audit_model) -> None:
    event.listen(audit_model, "before_insert", _fill_project)
