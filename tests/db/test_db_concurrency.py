"""Two people saving the same record, and many tablets writing at once."""
import sqlite3
import threading

import pytest
from sqlalchemy import func, select

from core.errors import ConflictError
from db.engine import BUSY_TIMEOUT_MS
from db.models import Building, Owner, Project, Unit
from db.uow import UnitOfWork
from store_helpers import add_project, audit_rows, row

THREADS, ROUNDS = 8, 25


def load(uow: UnitOfWork, model, pk):
    obj = uow.session.get(model, pk)
    # End the read transaction, as a page does at the end of a rerun; the object keeps the
    # values (and version) it was read with. (On SQLite every transaction holds the write lock,
    # so two open transactions would wait for each other rather than race.)
    uow.commit()
    return obj


def first_id(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(model.id).order_by(model.id))


@pytest.fixture
def unit_id(engine) -> int:
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from services import org

    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, [row("3-1906", "王伟", "13812345678")])
    return first_id(engine, Unit)


def test_second_save_of_the_same_unit_raises_conflict(engine, unit_id):
    with UnitOfWork(engine, actor="frontdesk_a") as a, UnitOfWork(engine, actor="frontdesk_b") as b:
        unit_a = load(a, Unit, unit_id)
        unit_b = load(b, Unit, unit_id)
        assert unit_a.version == unit_b.version == 1
        unit_a.status = "handed_over"
        a.audit("update", "unit", unit_id, after={"status": "handed_over"})
        a.commit()
        unit_b.status = "occupied"
        b.audit("update", "unit", unit_id, after={"status": "occupied"})
        with pytest.raises(ConflictError) as info:
            b.commit()
        assert info.value.key == "err.conflict"
    with UnitOfWork(engine) as check:
        saved = check.session.get(Unit, unit_id)
        assert (saved.status, saved.version) == ("handed_over", 2)   # the first save stands
    assert [(r.actor, r.after) for r in audit_rows(engine) if r.entity == "unit"] == [
        ("frontdesk_a", {"status": "handed_over"})]                  # the refused save left no trace


@pytest.mark.parametrize("db_kind", ["postgresql"], indirect=True)
def test_conflict_between_two_open_transactions_on_postgresql(engine, unit_id):
    """Both sessions still inside their transactions (READ COMMITTED): the version check in the
    UPDATE sees the first commit, so the second save is refused. (SQLite cannot get here: its
    second transaction waits for the first one's write lock.)"""
    with UnitOfWork(engine, actor="a") as a, UnitOfWork(engine, actor="b") as b:
        unit_a, unit_b = a.session.get(Unit, unit_id), b.session.get(Unit, unit_id)
        unit_a.status = "handed_over"
        a.commit()
        unit_b.status = "occupied"
        with pytest.raises(ConflictError):
            b.commit()
    with UnitOfWork(engine) as check:
        assert check.session.get(Unit, unit_id).status == "handed_over"


def test_conflict_on_owner_phone_and_reload_then_save(engine, unit_id):
    owner_id = first_id(engine, Owner)
    with UnitOfWork(engine, actor="a") as a, UnitOfWork(engine, actor="b") as b:
        owner_a, owner_b = load(a, Owner, owner_id), load(b, Owner, owner_id)
        owner_a.phone = "13900000001"
        a.commit()
        owner_b.phone = "13900000002"
        with pytest.raises(ConflictError):
            b.commit()
    # the user reloads and saves again: now it goes through
    with UnitOfWork(engine, actor="b") as b:
        owner = b.session.get(Owner, owner_id)
        assert owner.phone == "13900000001"
        owner.phone = "13900000002"
        b.commit()
    with UnitOfWork(engine) as check:
        assert check.session.get(Owner, owner_id).phone == "13900000002"


def test_uncommitted_unit_of_work_rolls_back(engine, unit_id):
    with pytest.raises(RuntimeError):
        with UnitOfWork(engine, actor="a") as uow:
            uow.session.get(Unit, unit_id).status = "occupied"
            uow.session.flush()
            raise RuntimeError("page crashed")
    with UnitOfWork(engine, actor="a") as uow:
        uow.session.get(Unit, unit_id).status = "occupied"   # never committed
    with UnitOfWork(engine) as check:
        assert check.session.get(Unit, unit_id).status == "sold"


def test_concurrent_read_then_update_loses_nothing(engine, db_kind):
    """8 threads x 25 read-then-update transactions on one row: no lost update, no 'database is locked'."""
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",))
    with engine.connect() as conn:
        counter_id = conn.scalar(select(Building.id).where(Building.project_id == pid))
        start = conn.scalar(select(Building.floors).where(Building.id == counter_id))
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(ROUNDS):
                with UnitOfWork(engine, actor=f"tablet{n}") as uow:
                    stmt = select(Building).where(Building.id == counter_id)
                    if db_kind == "postgresql":
                        stmt = stmt.with_for_update()   # SQLite relies on BEGIN IMMEDIATE instead
                    building = uow.session.scalars(stmt).one()
                    building.floors = building.floors + 1
                    uow.commit()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    with engine.connect() as conn:
        assert conn.scalar(select(Building.floors).where(Building.id == counter_id)) == start + THREADS * ROUNDS


# --- the SQLite engine set-up -------------------------------------------------------------

@pytest.fixture
def sqlite_engine(sqlite_url):
    from db.engine import make_engine
    from db.migrate import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def test_sqlite_pragmas(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_units_of_work_take_the_write_lock_at_begin(sqlite_engine, sqlite_url):
    """A read-then-update transaction holds the write lock from its first SELECT, so no other
    writer can slip in between the read and the write (the cause of lost updates)."""
    path = sqlite_url.split("///", 1)[1]
    with UnitOfWork(sqlite_engine, actor="a") as uow:
        uow.session.execute(select(Building.id)).all()   # only a read so far
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)   # released at the end
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_sqlite_reads_go_on_while_a_writer_holds_the_lock(sqlite_engine, sqlite_url):
    """A long write (an import) holds the write lock; a manager's search meanwhile reads the last
    committed state at once instead of waiting for the busy timeout and failing."""
    import time

    path = sqlite_url.split("///", 1)[1]
    writer = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO projects (code, name, city) VALUES ('P9', 'x', 'y')")
        started = time.monotonic()
        with sqlite_engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Project)).scalar() == 0
        assert time.monotonic() - started < 1.0
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_sqlite_foreign_keys_are_enforced(sqlite_engine):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with sqlite_engine.begin() as conn:
            conn.execute(Building.__table__.insert().values(project_id=424242, name="3", floors=1))
