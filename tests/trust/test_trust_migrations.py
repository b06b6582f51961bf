"""A store with demo data survives the upgrade to the newest schema (issue 7, item 4), on SQLite and
on PostgreSQL, from every earlier revision.

tests/db/test_db_migrations.py already upgrades an empty store, downgrades one step at a
time and back up; this file adds the data. For each earlier revision r: a fresh store is migrated to
r and filled with the demo company's rows of every table that exists at r (copied from a small demo
store built once); then `db.migrate.upgrade` brings it to head, and every table's row count, number
sums and text lengths must be what they were."""
from __future__ import annotations

import itertools
import os

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, Table, inspect, insert, select, text

from demo.company import CompanySize, seed_demo
from db.engine import make_engine
from db.migrate import alembic_config, upgrade
from db.models import Base
from ledger_check import ledger_month_drift
from trust_helpers import report, snapshot, unit_rows

SCRIPT = ScriptDirectory.from_config(alembic_config("sqlite://"))
HEAD = SCRIPT.get_current_head()
EARLIER = [r.revision for r in SCRIPT.walk_revisions()][::-1][:-1]   # oldest first, head left out
_names = itertools.count(1)
# Kept by the database from other tables (migration 0010's triggers): filled by the upgrade, never copied.
DERIVED = {"ledger_months",
           # 0026: the complaint months, from the copied tickets
           "complaint_months_category", "complaint_months_building", "complaint_months_department",
           # 0027: the callers and root causes of the analysis page, from the copied tickets
           "complaint_callers", "complaint_callers_project", "complaint_causes", "complaint_causes_project"}
# Filled by migration 0014 from the rows there were: every unit's owner as its first ownership, every
# owner's note as a ledger entry (checked below against the copied rows).
MOVED = {"unit_owners", "special_needs"}
# Columns a migration added with a value for the rows there were: 0014's projects.version starts at 1,
# audit_log.project_id is found from the record each row names; 0015's movein_batches.overflow is
# "outside", what every batch before it did.
FILLED = {"projects.sum:version", "audit_log.sum:project_id", "movein_batches.len:overflow"}


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory):
    """A small demo company at head, on SQLite: 4 projects (the fourth, Shenzhen, with the move-in
    batch), complaints, cases, training and the ledger. Built once for every target store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'source.db'}"
    upgrade(url)
    engine = make_engine(url)
    assert seed_demo(engine, CompanySize(projects=4, units_per_project=12, batch=True), hash_rounds=4)
    yield engine
    engine.dispose()


@pytest.fixture
def target_url(db_kind, request, tmp_path):
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"mig_{os.getpid()}_{next(_names)}"
    yield server.create_database(name)
    server.drop_database(name)


def _copy(source, target) -> set[str]:
    """Copy the source's rows into the tables the target has at its revision (the columns it has),
    parents before children. On PostgreSQL the id sequences are moved past the copied ids."""
    meta = MetaData()
    meta.reflect(bind=target)
    present = set(meta.tables) - {"alembic_version"}
    with source.connect() as src, target.begin() as dst:
        for model in Base.metadata.sorted_tables:
            if model.name not in present or model.name in DERIVED:
                continue
            columns = set(meta.tables[model.name].columns.keys())
            assert columns <= set(model.columns.keys()), f"{model.name}: a column the models no longer have"
            cols = [c for c in model.columns if c.name in columns]
            plain = Table(model.name, MetaData(), *[Column(c.name, c.type, primary_key=c.primary_key) for c in cols])
            rows = [dict(r) for r in src.execute(select(*cols)).mappings()]
            for chunk in range(0, len(rows), 2000):
                dst.execute(insert(plain), rows[chunk:chunk + 2000])
            # Only integer ids have a sequence to move (a login session's id is a random text).
            if target.dialect.name == "postgresql" and "id" in columns and model.columns["id"].type.python_type is int:
                dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{model.name}', 'id'), "
                                 f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {model.name}), false)"))
    return present


def _revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@pytest.mark.parametrize("revision", EARLIER)
def test_demo_data_survives_the_upgrade_to_head(revision, demo_source, target_url, db_kind):
    upgrade(target_url, revision)
    target = make_engine(target_url)
    try:
        assert _revision(target) == revision
        tables = _copy(demo_source, target)
        before = snapshot(target)
        assert set(before) == tables and sum(t["rows"] for t in before.values()) > 0
        assert all(before[t]["rows"] > 0 for t in ("projects", "units", "owners", "staff_users")), before
        target.dispose()

        upgrade(target_url)
        assert _revision(target) == HEAD
        after = snapshot(target)
        # Counts, sums and text lengths of every column there was are equal; columns a later
        # migration added to an existing table start empty.
        assert {t: {k: v for k, v in after[t].items() if k in before[t]} for t in tables} == before
        added = {f"{t}.{k}": v for t in tables for k, v in after[t].items() if k not in before[t]}
        assert all(v == 0 for k, v in added.items() if k not in FILLED), added
        if "projects.sum:version" in added:
            assert added["projects.sum:version"] == before["projects"]["rows"]
        if "movein_batches.len:overflow" in added:
            assert added["movein_batches.len:overflow"] == len("outside") * before["movein_batches"]["rows"]
        new = set(inspect(target).get_table_names()) - tables - {"alembic_version"}
        assert new == set(Base.metadata.tables) - tables          # the later modules' tables, empty
        assert all(after[t]["rows"] == 0 for t in new - DERIVED - MOVED)
        if "unit_owners" in new:
            with target.connect() as conn:
                owned = conn.scalar(text("SELECT COUNT(*) FROM units WHERE owner_id IS NOT NULL"))
            assert after["unit_owners"]["rows"] == owned
        if DERIVED & new:  # built from the copied ledger by the upgrade itself
            assert ledger_month_drift(target) == {}
            assert (after["ledger_months"]["rows"] > 0) == ("bills" in tables)
        # the upgraded store takes writes (on PostgreSQL: its id sequences are where they should be)
        from core.auth.actor import Actor
        from core.auth.roles import Role
        from services import org
        with target.connect() as conn:
            pid, building = conn.execute(text("SELECT project_id, name FROM buildings ORDER BY id")).first()
            taken = set(conn.scalars(text("SELECT room_no FROM units")))
        rows = [r for r in unit_rows(building, 400, per_floor=10) if r.room_no not in taken][:2]
        assert org.import_units(target, Actor("admin", Role.ADMIN), pid, rows) == 2
        rows_total = sum(t["rows"] for t in before.values())
        report(f"[{db_kind}] migration: store at {revision} with {rows_total} demo rows in {len(tables)} tables "
               f"upgraded to {HEAD}: counts and sums equal")
    finally:
        target.dispose()
