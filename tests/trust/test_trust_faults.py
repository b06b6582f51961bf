"""A writer process killed in the middle of a multi-row write (issue 7, item 3), on SQLite and on
PostgreSQL: a units import of thousands of rows, and a payments import that allocates each
payment to bills. The process is killed with SIGKILL (no clean-up, no rollback of its own) while
it is inside its transaction; the store, reopened, holds all of the write or none of it."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from datetime import date

from sqlalchemy import func, select, text

from core.auth.actor import SYSTEM, Actor
from core.auth.roles import Role
from core.collections.entries import BillEntry
from core.org.model import UnitStatus
from services import org
from db.collection_models import Allocation, Bill, Payment
from db.engine import make_engine
from db.models import AuditLog, Owner, Unit
from services import collections as ledger
from trust_helpers import PYTHON, ROOT, add_project, child_env, report, snapshot, unit_rows

UNITS_ROWS = 40000   # the import writes in bulk: big enough to be killed inside its transaction
PAYMENT_ROWS = 2000
PAYING_UNITS = 60
KILL_AFTER_S = 0.3

# The writer: the app's own code, called as a page would; it touches a marker file just before the
# call so the test knows the write is about to start.
WRITER = r"""
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.collections.entries import PaymentEntry
from core.org.model import UnitRow, UnitStatus
from services import org
from services import collections as ledger
from db.engine import make_engine
from db.models import Unit

url, project_id, n, marker, kind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
engine = make_engine(url)
if kind == "units":
    rows = [UnitRow("2", f"2-{i // 20 + 1}{i % 20 + 1:02d}", i // 20 + 1, Decimal("98.00"), UnitStatus.SOLD,
                    f"新业主{i}", f"137{i:08d}", None) for i in range(n)]
    marker.write_text("start")
    org.import_units(engine, Actor("importer", Role.ADMIN), project_id, rows)
else:
    with engine.connect() as conn:
        rooms = sorted(conn.scalars(select(Unit.room_no).where(Unit.project_id == project_id)))
    rows = [PaymentEntry(rooms[i % len(rooms)], f"K{i:06d}", 5000 + (i * 37) % 40000, date(2025, 6, 1), "transfer")
            for i in range(n)]
    marker.write_text("start")
    ledger.import_payments(engine, Actor("importer", Role.ADMIN), project_id, rows)
marker.write_text("done")
"""


def _in_transaction(db_url: str, engine) -> bool:
    """Is some other connection inside a write transaction on this store right now?"""
    if db_url.startswith("sqlite"):
        probe = sqlite3.connect(db_url.split("///", 1)[1], timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as e:
            assert "locked" in str(e) or "busy" in str(e), e
            return True
        finally:
            probe.close()
    with engine.connect() as conn:
        return bool(conn.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND xact_start IS NOT NULL")))


def _kill_mid_write(db_url: str, engine, tmp_path, project_id: int, n: int, kind: str) -> float:
    """Start the writer, wait until it is inside its transaction, let it write for a moment, SIGKILL
    it. Returns how long it had been inside the transaction."""
    marker = tmp_path / f"{kind}.marker"
    proc = subprocess.Popen([PYTHON, "-c", WRITER, db_url, str(project_id), str(n), str(marker), kind],
                            cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        limit = time.monotonic() + 60
        while not (marker.exists() and marker.read_text() == "start"):
            assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
            assert time.monotonic() < limit, "the writer never started"
            time.sleep(0.01)
        while not _in_transaction(db_url, engine):
            assert proc.poll() is None, "the writer ended before it was seen inside its transaction"
            assert time.monotonic() < limit, "the writer never opened its transaction"
            time.sleep(0.005)
        began = time.monotonic()
        time.sleep(KILL_AFTER_S)
        assert proc.poll() is None, "the write finished before it could be interrupted: make it bigger"
        assert _in_transaction(db_url, engine), "the writer is no longer inside its transaction"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        inside = time.monotonic() - began
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert marker.read_text() == "start"      # it never got past the write
    return inside


def _reopen(db_url: str):
    """A new engine on the store, as after a restart; on SQLite the file must be intact."""
    engine = make_engine(db_url)
    if db_url.startswith("sqlite"):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    return engine


def test_killed_units_import_leaves_all_or_nothing(db_url, engine, db_kind, tmp_path):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("1", "2"))
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, unit_rows("1", 10))
    before = snapshot(engine)
    inside = _kill_mid_write(db_url, engine, tmp_path, pid, UNITS_ROWS, "units")

    again = _reopen(db_url)
    try:
        after = snapshot(again)
        with again.connect() as conn:
            units = conn.scalar(select(func.count()).select_from(Unit).where(Unit.project_id == pid))
            owners = conn.scalar(select(func.count()).select_from(Owner))
            imports = conn.scalar(select(func.count()).where(AuditLog.action == "import", AuditLog.actor == "importer"))
        if after == before:
            outcome = "none"
        else:   # all of it: every unit, every owner and the one audit row
            outcome = "all"
            assert (units, owners, imports) == (10 + UNITS_ROWS, 10 + UNITS_ROWS, 1)
        # the store takes writes again at once (no lock left behind by the dead writer)
        org.import_units(again, Actor("admin", Role.ADMIN), pid, unit_rows("1", 12)[10:])
        with again.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Unit).where(Unit.project_id == pid)) == \
                units + 2
    finally:
        again.dispose()
    report(f"[{db_kind}] fault: units import of {UNITS_ROWS} rows killed after {inside:.2f}s inside its "
           f"transaction -> store holds {outcome} of it")


def test_killed_payments_import_leaves_all_or_nothing(db_url, engine, db_kind, tmp_path):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("1", "2"))
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, unit_rows("1", PAYING_UNITS, UnitStatus.OCCUPIED))
    rooms = [r.room_no for r in unit_rows("1", PAYING_UNITS)]
    ledger.import_bills(engine, SYSTEM, pid, [BillEntry(room, f"2025-{m:02d}", "property", 26000)
                                               for room in rooms for m in range(1, 13)])
    before = snapshot(engine)
    inside = _kill_mid_write(db_url, engine, tmp_path, pid, PAYMENT_ROWS, "payments")

    again = _reopen(db_url)
    try:
        after = snapshot(again)
        with again.connect() as conn:
            payments = conn.scalar(select(func.count()).select_from(Payment))
            paid = conn.scalar(select(func.coalesce(func.sum(Bill.paid_cents), 0)))
            allocated = conn.scalar(select(func.coalesce(func.sum(Allocation.cents), 0)))
            received = conn.scalar(select(func.coalesce(func.sum(Payment.amount_cents - Payment.credit_cents), 0)))
        assert paid == allocated == received     # whatever is there is whole: no half-allocated payment
        if after == before:
            outcome = "none"
            assert payments == paid == 0
        else:
            outcome = "all"
            assert payments == PAYMENT_ROWS
        # and the desk can record the next payment straight away
        assert ledger.record_payment(again, Actor("chen", Role.FRONTDESK), org.find_unit(again, SYSTEM, pid, rooms[0]),
                                     "10.00", date(2025, 7, 1), "cash", hold_credit=True).receipt_no
    finally:
        again.dispose()
    report(f"[{db_kind}] fault: payments import of {PAYMENT_ROWS} rows killed after {inside:.2f}s inside its "
           f"transaction -> store holds {outcome} of it")


def test_the_probe_sees_a_writer_inside_its_transaction(db_url, engine):
    """The test above relies on this: a connection holding a write transaction is seen (on
    SQLite a transaction takes the write lock at BEGIN only when it is to write)."""
    from db.engine import for_writing

    assert not _in_transaction(db_url, engine)
    with for_writing(engine).begin() as conn:
        conn.execute(select(1))
        assert _in_transaction(db_url, engine)
    assert not _in_transaction(db_url, engine)
