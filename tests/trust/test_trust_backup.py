"""Backup and restore while the front desk keeps recording payments (issue 7, item 3).

SQLite: `python -m db.backup backup FILE` copies the store with SQLite's online backup API while
others write; `restore FILE` puts a copy back. PostgreSQL is backed up with pg_dump / pg_restore
(README, "Backup and restore"), which the server's own tests cover; db.backup refuses a PostgreSQL
URL and says so."""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, select

from core.auth.actor import SYSTEM, Actor
from core.auth.roles import Role
from core.collections.entries import BillEntry, PaymentEntry
from core.collections.money import yuan
from core.org.model import UnitStatus
from db import backup
from services import org
from db.collection_models import Allocation, Bill, Payment
from db.engine import make_engine
from db.migrate import upgrade
from db.models import AuditLog
from services import collections as ledger
from trust_helpers import add_project, report, snapshot, unit_rows

ROOMS = 20
DESK = Actor("chen", Role.FRONTDESK)


def pay(engine, unit_id: int, entry: PaymentEntry) -> str:
    """The receipt number the system gave (the entry's own is the test's name for it); the desk
    holds whatever is beyond the debt as prepayment."""
    return ledger.record_payment(engine, DESK, unit_id, yuan(entry.cents), entry.paid_on, entry.method,
                                 hold_credit=True).receipt_no


def _plain_engine(path):
    """Read a backup file as it is (no WAL switch, no pragmas of the app)."""
    return create_engine(f"sqlite:///{path}")


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
def test_backup_while_writing_then_restore_into_a_fresh_store(demo_engine, db_url, tmp_path):
    engine = demo_engine
    pid = add_project(engine, "P900", "深圳·备份园", "深圳", buildings=("1",))
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, unit_rows("1", ROOMS, UnitStatus.OCCUPIED))
    rooms = [r.room_no for r in unit_rows("1", ROOMS)]
    units = {r: org.find_unit(engine, SYSTEM, pid, r) for r in rooms}
    ledger.import_bills(engine, SYSTEM, pid, [BillEntry(r, f"2025-{m:02d}", "property", 21000)
                                               for r in rooms for m in range(1, 7)])
    committed: list[str] = []            # receipts in the order their transactions committed
    stop = threading.Event()
    errors: list[str] = []

    def desk():
        i = 0
        while not stop.is_set() and i < 2000:
            entry = PaymentEntry(rooms[i % ROOMS], f"BK-{i:05d}", 7000 + i % 50 * 100, date(2025, 7, 1), "cash")
            try:
                committed.append(pay(engine, units[entry.room_no], entry))
            except Exception as e:  # noqa: BLE001 - must not happen; reported below
                errors.append(repr(e))
                return
            i += 1

    writer = threading.Thread(target=desk)
    writer.start()
    while len(committed) < 20 and writer.is_alive():   # the desk is busy when the backup starts
        time.sleep(0.01)
    before = len(committed)
    target = tmp_path / "backup" / "copy.db"
    backup.backup(target, db_url)
    during = len(committed)
    limit = time.monotonic() + 30
    while len(committed) < during + 3 and writer.is_alive() and time.monotonic() < limit:
        time.sleep(0.01)                 # the desk goes on after the backup
    stop.set()
    writer.join(timeout=60)
    assert errors == [] and not writer.is_alive()
    assert len(committed) > during, "nothing was written after the backup: the test proves nothing"

    # The backup is one moment of the store: a prefix of the desk's committed payments, whole.
    copy = _plain_engine(target)
    try:
        with copy.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            in_copy = set(conn.scalars(select(Payment.receipt_no).where(Payment.receipt_no.like("P900-%"))))
            assert before <= len(in_copy) <= during + 1   # one commit may be between the store and the list
            assert in_copy == set(committed[:len(in_copy)])
            paid = conn.scalar(select(func.sum(Bill.paid_cents)))
            assert paid == conn.scalar(select(func.sum(Allocation.cents))) == \
                conn.scalar(select(func.sum(Payment.amount_cents - Payment.credit_cents)))
            # the demo ledger is bulk-loaded; each desk payment in the copy has its audit row, no more
            assert conn.scalar(select(func.count()).where(AuditLog.action == "payment")) == len(in_copy)
        at_backup = snapshot(copy)
    finally:
        copy.dispose()
    source_now = snapshot(engine)
    assert source_now != at_backup      # the source moved on; the copy kept its moment

    # Restore into a fresh store (a new file: a new machine, or after losing the disk).
    fresh_url = f"sqlite:///{tmp_path / 'fresh' / 'app.db'}"
    (tmp_path / "fresh").mkdir()
    backup.restore(target, fresh_url)
    restored = make_engine(fresh_url)
    try:
        assert snapshot(restored) == at_backup            # counts and sums of every table
        with restored.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() is not None
        upgrade(fresh_url)                                # already at head: nothing to do
        entry = PaymentEntry(rooms[0], "AFTER-RESTORE", 5000, date(2025, 7, 2), "cash")
        assert pay(restored, units[rooms[0]], entry)   # the restored store works
    finally:
        restored.dispose()

    # Restore over the running store: it goes back to the backup's moment.
    backup.restore(target, db_url)
    assert snapshot(engine) == at_backup
    rows = sum(t["rows"] for t in at_backup.values())
    report(f"[sqlite] backup: taken while a desk recorded payments ({before}..{during} committed during the "
           f"copy, {len(in_copy)} in it); restored into a fresh store: {len(at_backup)} tables, {rows} rows, "
           f"counts and sums equal")


def test_backup_refuses_postgresql_and_points_to_pg_dump(tmp_path):
    with pytest.raises(SystemExit, match="pg_dump"):
        backup.backup(tmp_path / "x.db", "postgresql+psycopg://ci@127.0.0.1:5432/app")
    with pytest.raises(SystemExit, match="no backup"):
        backup.restore(tmp_path / "missing.db", f"sqlite:///{tmp_path / 'app.db'}")


def test_readme_documents_pg_dump():
    from trust_helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pg_dump" in readme and "pg_restore" in readme and "db.backup backup" in readme
