"""The shared core's use cases: the company's set-up (its name, projects, buildings, units by form
and by import), owners over time (edits, co-owners, transfers that keep the history and move no
debt), the special-needs ledger, and the unit lookup.

Owners' phone numbers leave this module masked unless the actor may see them in full (PIPL: only
the roles that call owners back); showing them in full on a unit's record is itself audited."""
from __future__ import annotations

import queue
import threading
from dataclasses import replace

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import flag_modified

from core.auth.privacy import phone_as_seen
from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.clock import local_today
from core.collections.money import yuan
from core.errors import DomainError, NotFound, PermissionDenied, ValidationError, ValidationErrors
from core.importing.units import ImportResult, validate_unit_rows
from core.org.model import Company, Ownership, ProjectEntry, UnitRow
from core.org.needs import VIEW_LOG_WINDOW, SpecialNeed, kind_of_text, validate_need
from core.org.rules import (MAX_ADDRESS_LEN, mask_phone, normalise_text, parse_date, parse_room_no,
                            validate_area, validate_building_name, validate_company_name, validate_floors,
                            validate_name, validate_optional_text, validate_owner, validate_owners,
                            validate_project_code, validate_room_in_building, validate_status, validate_target)
from db import audit_queries, org_queries, org_repository
from db.base import utcnow
from db.uow import UnitOfWork

SEARCH_LIMIT = org_queries.SEARCH_LIMIT
C = Capability


def _company_wide(actor: Actor) -> None:
    """A new project is outside every scope: only an actor of the whole company makes one."""
    if actor.project_ids is not None:
        raise PermissionDenied("err.other_project")


def _phones_as_seen(actor: Actor, frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.assign(phone=frame["phone"].map(lambda p: phone_as_seen(actor, p)))


def _needs_as_seen(actor: Actor, frame: pd.DataFrame) -> pd.DataFrame:
    if actor.can(C.SEE_SPECIAL_NEEDS) or frame.empty:
        return frame
    return frame.assign(special_needs=[()] * len(frame))


# ---------------------------------------------------------------- company and projects (set-up)

def company(engine: Engine) -> Company | None:
    """The company's name (no personal data: the login page may show it before anyone signs in)."""
    return org_queries.company(engine)


def name_company(engine: Engine, actor: Actor, name: str, expected_version: int | None = None,
                 request_key: str | None = None) -> int:
    """Name (or rename) the company; returns the row's version. `expected_version` None: a first name."""
    actor.require(C.MANAGE_ORG)
    _company_wide(actor)
    name = validate_company_name(name)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        row = org_repository.company(uow.session)
        if row is not None and row.version != expected_version:
            raise uow.conflict("company", row.id, ("name_company",))
        before = None if row is None else {"name": row.name}
        row = org_repository.name_company(uow.session, name)
        uow.audit("name_company", "company", row.id, before, {"name": name})
        uow.session.flush()
        return uow.commit(row.version)


def _project_entry(code, name, city, address, target) -> ProjectEntry:
    return ProjectEntry(*ValidationErrors.collect(
        lambda: validate_project_code(code),
        lambda: validate_name(name, "project_name", max_len=60),
        lambda: validate_name(city, "city", max_len=20),
        lambda: validate_optional_text(address, "address", MAX_ADDRESS_LEN),
        lambda: validate_target(target)))


def _project_audit(entry: ProjectEntry) -> dict:
    return {"code": entry.code, "name": entry.name, "city": entry.city, "address": entry.address,
            "target_bp": entry.target_bp}


def create_project(engine: Engine, actor: Actor, code: str, name: str, city: str, address: str = "",
                   target: object = "", request_key: str | None = None) -> int:
    actor.require(C.MANAGE_ORG)
    _company_wide(actor)
    entry = _project_entry(code, name, city, address, target)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        if org_repository.code_taken(uow.session, entry.code):
            raise ValidationError("err.project_code_taken", field="project_code", code=entry.code)
        project_id = org_repository.add_project(uow.session, entry)
        uow.audit("create", "project", project_id, after=_project_audit(entry))
        return uow.commit(project_id)


def update_project(engine: Engine, actor: Actor, project_id: int, code: str, name: str, city: str,
                   address: str, target: object, expected_version: int, request_key: str | None = None) -> int:
    actor.require(C.MANAGE_ORG)
    actor.require_project(project_id)
    entry = _project_entry(code, name, city, address, target)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        row = org_repository.get_project(uow.session, project_id)
        if row.version != expected_version:
            raise uow.conflict("project", project_id, ("create", "edit"))
        if org_repository.code_taken(uow.session, entry.code, other_than=project_id):
            raise ValidationError("err.project_code_taken", field="project_code", code=entry.code)
        before = _project_audit(ProjectEntry(row.code, row.name, row.city, row.address or "",
                                             row.collection_target_bp))
        org_repository.update_project(row, entry)
        uow.audit("edit", "project", project_id, before, _project_audit(entry))
        return uow.commit(project_id)


def list_projects(engine: Engine, actor: Actor, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    return org_queries.list_projects(engine, actor.scope(project_ids))


def list_buildings(engine: Engine, actor: Actor, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    return org_queries.list_buildings(engine, actor.scope(project_ids))


def add_building(engine: Engine, actor: Actor, project_id: int, name: str, floors: object,
                 request_key: str | None = None) -> int:
    actor.require(C.MANAGE_ORG)
    actor.require_project(project_id)
    name, floors = ValidationErrors.collect(lambda: validate_building_name(name), lambda: validate_floors(floors))
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        org_repository.get_project(uow.session, project_id)
        if name in org_repository.building_ids(uow.session, project_id):
            raise ValidationError("err.building_exists", field="building", building=name)
        building_id = org_repository.add_building(uow.session, project_id, name, floors)
        uow.audit("create", "building", building_id, after={"project": project_id, "name": name, "floors": floors})
        return uow.commit(building_id)


def setup_progress(engine: Engine, actor: Actor) -> dict[str, int]:
    """What the set-up has made so far: company (0/1), projects, buildings, units, owners, staff."""
    actor.require(C.MANAGE_ORG)
    return org_queries.setup_counts(engine)


# ---------------------------------------------------------------- units

def units_by_status(engine: Engine, actor: Actor, project_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """One row per project and status with its count (no personal data: every role may see it)."""
    return org_queries.units_by_status(engine, actor.scope(project_ids))


def _unit_form(room_no, area, status, owner_name, owner_phone):
    checks = [lambda: parse_room_no(room_no), lambda: validate_area(area), lambda: validate_status(status)]
    if normalise_text(owner_name) or normalise_text(owner_phone):
        checks.append(lambda: validate_owner(owner_name, owner_phone))
    values = ValidationErrors.collect(*checks)
    return values + [None] * (4 - len(values))


def add_unit(engine: Engine, actor: Actor, building_id: int, room_no: str, area: object, status: object = "",
             owner_name: str = "", owner_phone: str = "", request_key: str | None = None) -> int:
    """One unit by form (the import does many): its room number names its building and floor."""
    actor.require(C.MANAGE_ORG)
    (room, floor), area_, status_, owner = _unit_form(room_no, area, status, owner_name, owner_phone)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        building = org_repository.get_building(s, building_id)
        actor.require_project(building.project_id)
        validate_room_in_building(room, floor, building.name, building.floors)
        if org_repository.rooms_taken(s, building.project_id, [room]):
            raise ValidationError("err.room_exists", field="room_no", room=room)
        row = UnitRow(building.name, room, floor, area_, status_, owner and owner.name, owner and owner.phone, None)
        unit_id = org_repository.add_unit(s, building.project_id, building.id, row, actor.username, local_today())
        uow.audit("create", "unit", unit_id, after={"room_no": room, "area_m2": str(area_), "status": status_.value,
                                                    "owner": bool(owner)})
        return uow.commit(unit_id)


def search_units(engine: Engine, actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Room numbers by prefix, owners by part of the name, in the actor's projects. `special_needs`:
    the kinds of the unit's current needs (empty for roles that may not see them)."""
    actor.require(C.VIEW_UNITS)
    found = org_queries.search_units(engine, text, actor.scope(), limit)
    return _needs_as_seen(actor, _phones_as_seen(actor, found))


def _visible_unit(engine: Engine, actor: Actor, unit_id: int) -> dict:
    actor.require(C.VIEW_UNITS)
    record = org_queries.unit(engine, unit_id)
    if record is None:
        raise NotFound("err.unit_not_found")
    actor.require_project(record["project_id"])
    return record


def _owners_as_seen(actor: Actor, owners: list[Ownership]) -> list[Ownership]:
    if actor.can(C.SEE_FULL_PHONE):
        return owners
    return [replace(o, phone=mask_phone(o.phone)) for o in owners]


def unit_detail(engine: Engine, actor: Actor, unit_id: int) -> dict:
    """One unit's record for the units page: `owners` (current ones first, then the history),
    `needs` (None for roles that may not see them), `phone_masked`. Owners' data shown in full is
    logged as "view" on the unit, once per person and unit within core's VIEW_LOG_WINDOW."""
    record = _visible_unit(engine, actor, unit_id)
    full = actor.can(C.SEE_FULL_PHONE)
    owners = org_queries.ownerships(engine, unit_id, current_only=False)
    needs = org_queries.needs(engine, unit_id) if actor.can(C.SEE_SPECIAL_NEEDS) else None
    if full and owners:
        _log_view(engine, actor, "unit", unit_id)
    return {**record, "phone": record["phone"] if full else mask_phone(record["phone"]), "phone_masked": not full,
            "special_needs": record["special_needs"] if needs is not None else (),
            "owners": _owners_as_seen(actor, owners), "needs": needs}


VIEW_LOG_WAIT_MS = 200     # a page showing owners' data waits no longer than this for SQLite's writer
_later: queue.Queue = queue.Queue()     # views to log once the write lock is free: one writer thread
_pending: set = set()
_pending_lock = threading.Lock()


def _write_view(engine: Engine, username: str, entity: str, entity_id: int, at, wait_ms: int | None) -> None:
    with UnitOfWork(engine, username, wait_ms=wait_ms) as uow:
        uow.audit("view", entity, entity_id, after={"owner_data": "full"}, at=at)
        uow.commit()


def _log_view(engine: Engine, actor: Actor, entity: str, entity_id: int) -> None:
    """The "view" row of owners' data shown in full. On SQLite, while another session holds the
    write lock (a long import), the page does not wait for it: the row is queued and written by
    one background thread as soon as the lock is free, with the time of the view."""
    now = utcnow()
    key = (id(engine), actor.username, entity, str(entity_id))
    with _pending_lock:
        if key in _pending:
            return
    if audit_queries.viewed_since(engine, actor.username, entity, str(entity_id), now - VIEW_LOG_WINDOW):
        return
    try:
        _write_view(engine, actor.username, entity, entity_id, now, VIEW_LOG_WAIT_MS)
    except DomainError as e:
        if e.key != "err.busy":
            raise
        with _pending_lock:
            if key in _pending:
                return
            _pending.add(key)
            start = not any(t.name == "view-log" and t.is_alive() for t in threading.enumerate())
        _later.put((key, engine, actor.username, entity, entity_id, now))
        if start:
            threading.Thread(target=_write_views_later, daemon=True, name="view-log").start()


def _write_views_later() -> None:
    while True:
        try:
            key, engine, username, entity, entity_id, at = _later.get(timeout=30)
        except queue.Empty:
            return
        for _ in range(20):      # the busy timeout each time: minutes in all, far past any import
            try:
                _write_view(engine, username, entity, entity_id, at, None)
                break
            except DomainError:
                continue
        with _pending_lock:
            _pending.discard(key)


def find_unit(engine: Engine, actor: Actor, project_id: int, room_no: str) -> int | None:
    actor.require_project(project_id)
    return org_queries.find_unit(engine, project_id, room_no)


def rooms_of(engine: Engine, actor: Actor, project_id: int) -> set[str]:
    actor.require_project(project_id)
    return org_queries.rooms_of(engine, project_id)


def buildings_of(engine: Engine, actor: Actor, project_id: int) -> set[str]:
    actor.require_project(project_id)
    return org_queries.buildings_of(engine, project_id)


def validate_unit_import(engine: Engine, actor: Actor, project_id: int, raw_rows: list[dict]) -> ImportResult:
    """Every row of an uploaded file checked against the project's buildings and existing rooms."""
    actor.require(C.IMPORT_DATA)
    actor.require_project(project_id)
    return validate_unit_rows(raw_rows, org_queries.buildings_of(engine, project_id),
                              org_queries.rooms_of(engine, project_id))


def import_units(engine: Engine, actor: Actor, project_id: int, rows: list[UnitRow],
                 request_key: str | None = None) -> int:
    """Write validated rows in one transaction: all of them or, on any failure, none.
    The store is checked again here: someone may have added a room since the file was validated.
    A row's special-needs note becomes an entry of the ledger, of the kind it names (else "other")."""
    actor.require(C.IMPORT_DATA)
    actor.require_project(project_id)
    today = local_today()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        buildings = org_repository.building_ids(s, project_id)
        taken = org_repository.rooms_taken(s, project_id, [r.room_no for r in rows])
        for row in rows:
            if row.building not in buildings:
                raise ValidationError("err.building_unknown", field="building", building=row.building)
            if row.room_no in taken:
                raise ValidationError("err.room_exists", field="room_no", room=row.room_no)
        # Checked first, then written in a few multi-row statements: the write lock is held briefly.
        org_repository.add_units(s, project_id, [buildings[r.building] for r in rows], rows, actor.username, today,
                                 [kind_of_text(r.special_needs) if r.special_needs else None for r in rows])
        uow.audit("import", "units", project_id, after={"rows": len(rows)})
        return uow.commit(len(rows))


# ---------------------------------------------------------------- owners over time

def owners(engine: Engine, actor: Actor, unit_id: int, history: bool = False) -> list[Ownership]:
    """The unit's current owners (with `history`, the past ones after them), phones as the actor
    may see them."""
    _visible_unit(engine, actor, unit_id)
    return _owners_as_seen(actor, org_queries.ownerships(engine, unit_id, current_only=not history))


def unit_owed(engine: Engine, actor: Actor, unit_id: int) -> int:
    """What the unit owes (cents): shown on a transfer, since the debt stays with the unit."""
    _visible_unit(engine, actor, unit_id)
    return org_queries.unit_owed(engine, unit_id)


def _owner_unit(uow: UnitOfWork, actor: Actor, unit_id: int):
    unit = org_repository.get_unit(uow.session, unit_id)
    actor.require_project(unit.project_id)
    return unit


def update_owner(engine: Engine, actor: Actor, unit_id: int, owner_id: int, name: str, phone: str,
                 expected_version: int, request_key: str | None = None) -> int:
    """Correct an owner's name or phone (the person stays the same; a new owner is a transfer)."""
    actor.require(C.EDIT_OWNERS)
    entry = validate_owner(name, phone)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        _owner_unit(uow, actor, unit_id)
        if not org_repository.owns(s, unit_id, owner_id):
            raise NotFound("err.owner_unknown")
        for pid in org_repository.owner_projects(s, owner_id):
            actor.require_project(pid)
        owner = org_repository.get_owner(s, owner_id)
        if owner.version != expected_version:
            raise uow.conflict("owner", owner_id, ("edit",))
        before = {"name": owner.name, "phone": owner.phone}
        owner.name, owner.phone = entry.name, entry.phone
        uow.audit("edit", "owner", owner_id, before, {"name": entry.name, "phone": entry.phone, "unit": unit_id})
        return uow.commit(owner_id)


def add_co_owner(engine: Engine, actor: Actor, unit_id: int, name: str, phone: str, since: object = None,
                 request_key: str | None = None) -> int:
    """One more owner of the unit, beside the current ones (a couple, heirs)."""
    actor.require(C.EDIT_OWNERS)
    today = local_today()
    entry, since_ = ValidationErrors.collect(lambda: validate_owner(name, phone),
                                             lambda: parse_date(since, "since", today, required=False))
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        unit = _owner_unit(uow, actor, unit_id)
        owner_id = org_repository.add_owner(uow.session, unit, entry, since_)
        flag_modified(unit, "owner_id")     # the owners changed: the unit's version moves (a transfer opened before is refused)
        uow.audit("add_owner", "unit", unit_id, after={"owner": owner_id, "name": entry.name,
                                                       "since": since_ and since_.isoformat()})
        return uow.commit(owner_id)


def remove_owner(engine: Engine, actor: Actor, unit_id: int, ownership_id: int, on: object = None,
                 request_key: str | None = None) -> int:
    """One co-owner leaves (the others stay owners); the last owner leaves only by a transfer."""
    actor.require(C.EDIT_OWNERS)
    on_ = parse_date(on or local_today(), "until", local_today())
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        unit = _owner_unit(uow, actor, unit_id)
        current = org_repository.current_ownerships(s, unit_id)
        ownership = next((o for o in current if o.id == ownership_id), None)
        if ownership is None:
            raise NotFound("err.owner_unknown")
        if len(current) == 1:
            raise ValidationError("err.last_owner")
        org_repository.end_ownership(s, unit, ownership, on_, org_repository.REMOVED)
        flag_modified(unit, "owner_id")
        uow.audit("remove_owner", "unit", unit_id, after={"owner": ownership.owner_id, "until": on_.isoformat()})
        return uow.commit(ownership_id)


def transfer_ownership(engine: Engine, actor: Actor, unit_id: int, new_owners: list[tuple[str, str]], on: object,
                       expected_version: int, debt_acknowledged: bool = False,
                       request_key: str | None = None) -> dict:
    """The unit changes hands on `on`: the sellers' ownerships end, the buyers' begin, the history
    stays. What the unit owes stays on the unit's ledger, nobody's debt moves; because a buyer may
    not know of it, a transfer of a unit that owes anything needs `debt_acknowledged`.
    Returns {"owners": new owner ids, "owed_cents": what the unit owed at the transfer}."""
    actor.require(C.EDIT_OWNERS)
    today = local_today()
    buyers, on_ = ValidationErrors.collect(lambda: validate_owners(list(new_owners) or [("", "")]),
                                           lambda: parse_date(on, "transfer_on", today))
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        unit = _owner_unit(uow, actor, unit_id)
        if unit.version != expected_version:
            raise uow.conflict("unit", unit_id, ("transfer", "add_owner", "remove_owner"))
        current = org_repository.current_ownerships(s, unit_id)
        if any(o.since and o.since > on_ for o in current):
            raise ValidationError("err.transfer_before_since", field="transfer_on")
        owed = org_repository.open_cents(s, unit_id)
        if owed and not debt_acknowledged:
            raise ValidationError("err.transfer_debt", field="debt_acknowledged", amount=yuan(owed))
        sellers = [org_repository.get_owner(s, o.owner_id).name for o in current]
        for ownership in current:
            org_repository.end_ownership(s, unit, ownership, on_, org_repository.TRANSFER)
        ids = [org_repository.add_owner(s, unit, b, on_) for b in buyers]
        unit.owner_id = ids[0]
        uow.audit("transfer", "unit", unit_id, before={"owners": sellers},
                  after={"owners": [b.name for b in buyers], "on": on_.isoformat(), "owed_cents": owed})
        return uow.commit({"owners": ids, "owed_cents": owed})


# ---------------------------------------------------------------- special needs

def special_needs(engine: Engine, actor: Actor, unit_id: int, include_ended: bool = False) -> list[SpecialNeed]:
    """The unit's special-needs ledger (current entries; with `include_ended`, the ended ones after
    them), for every screen that shows a unit: registration, the move-in card, door visits."""
    actor.require(C.SEE_SPECIAL_NEEDS)
    project_id = org_queries.unit_project(engine, unit_id)
    actor.require_record(project_id, "err.unit_not_found")
    return org_queries.needs(engine, unit_id, include_ended)


def add_special_need(engine: Engine, actor: Actor, unit_id: int, kind: str, note: str = "", noted_on: object = None,
                     owner_id: int | None = None, request_key: str | None = None) -> int:
    """An entry of the ledger, of the household (owner_id None) or of one of its current owners."""
    actor.require(C.RECORD_SPECIAL_NEEDS)
    entry = validate_need(kind, note, noted_on, local_today())
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        unit = org_repository.get_unit(s, unit_id)
        actor.require_project(unit.project_id)
        if owner_id is not None and not org_repository.owns(s, unit_id, owner_id):
            raise NotFound("err.owner_unknown")
        need_id = org_repository.add_need(s, unit_id, owner_id, entry, actor.username)
        uow.audit("create", "special_need", need_id, after={"unit": unit_id, "owner": owner_id,
                                                            "kind": entry.kind.value,
                                                            "noted_on": entry.noted_on.isoformat()})
        return uow.commit(need_id)


def end_special_need(engine: Engine, actor: Actor, need_id: int, expected_version: int, ended_on: object = None,
                     request_key: str | None = None) -> int:
    """The need no longer holds (the baby is born, the owner moved in with family): kept, dated."""
    actor.require(C.RECORD_SPECIAL_NEEDS)
    today = local_today()
    ended = parse_date(ended_on or today, "ended_on", today)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        row = org_repository.get_need(uow.session, need_id)
        actor.require_project(org_repository.unit_project(uow.session, row.unit_id))
        if row.version != expected_version or row.ended_on is not None:
            raise uow.conflict("special_need", need_id, ("end",))
        if ended < row.noted_on:
            raise ValidationError("err.need_end_before_start", field="ended_on")
        row.ended_on, row.ended_by = ended, actor.username
        uow.audit("end", "special_need", need_id, {"ended_on": None}, {"ended_on": ended.isoformat()})
        return uow.commit(need_id)

