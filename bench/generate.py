"""A large generated company for the benchmarks, by scale factor.

    python -m bench.generate --scale 1.0 [--url sqlite:///bench/data/bench.db] [--force]

Scale 1.0 is 50 projects and 100,000 units (plus the 799-unit new batch of the Shenzhen project
that the demo data always has), ~97% of them with an owner, and the five demo accounts
(password `Demo-2026!`, hashed with bcrypt cost 4 so that generating stays fast); then 300,000
complaints over two years (bench/complaint_data.py).

The store gets a marker table `bench_meta` (scale, the data steps done, row counts). A later run
with the same scale reuses the store and only adds the data steps it has not run yet; a different
scale, a changed step or `--force` starts again from an empty store. A store without the marker
that holds data is never touched (it may be a real one).

Later modules append a `DataStep` to `STEPS` for their own tables (see bench/README.md)."""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from alembic.util.exc import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from demo.company import CompanySize, seed_demo
from db.engine import ROOT, make_engine
from db.migrate import upgrade

FULL_PROJECTS = 50
FULL_UNITS = 100_000
MIN_PROJECTS = 4  # the demo's Shenzhen project (the 4th) carries the batch and the scoped accounts
MARKER = "bench_meta"
DATA_DIR = ROOT / "bench" / "data"


class StoreRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class DataStep:
    """One module's bench data. `run(engine, scale)` adds it to a store that already holds the
    steps before it. Bump `version` when its output changes: the store is then regenerated."""

    name: str
    version: str
    run: Callable[[Engine, float], None]


def company_size(scale: float) -> CompanySize:
    projects = max(MIN_PROJECTS, round(FULL_PROJECTS * scale))
    per_project = max(1, round(FULL_UNITS * scale / projects))
    return CompanySize(projects=projects, units_per_project=per_project, batch=True)


def _core(engine: Engine, scale: float) -> None:
    if not seed_demo(engine, company_size(scale), hash_rounds=4):
        raise RuntimeError("the store already holds a company")


def _complaints(engine: Engine, scale: float) -> None:
    """Two years of tickets: 300,000 at scale 1.0, bulk-inserted (bench/complaint_data.py)."""
    from bench.complaint_data import FULL_TICKETS, generate_complaints
    generate_complaints(engine, tickets=max(1, round(FULL_TICKETS * scale)), seed=2026)


# Later modules append their own step (see README).
STEPS: list[DataStep] = [DataStep("core", "1", _core), DataStep("complaints", "1", _complaints)]
COUNTED = ("projects", "units", "owners", "staff_users", "complaints", "complaint_events", "complaint_callbacks")


def default_url(scale: float) -> str:
    return f"sqlite:///{DATA_DIR / f'bench-{scale:g}.db'}"


def find_store(scale: float, data_dir: Path | None = None) -> str:
    """The store a run without --url uses: bench/data/bench-<scale>.db if it exists, else another
    SQLite file there that `generate --url` filled at this scale (newest first), so that a store
    generated under another name is found instead of rebuilt (7 minutes at scale 1.0); else the
    default file, which `ensure` then fills."""
    data_dir = data_dir or DATA_DIR
    default = data_dir / f"bench-{scale:g}.db"
    if default.exists():
        return f"sqlite:///{default}"
    found = [p for p in sorted(data_dir.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
             if _complete_at(p, scale)]
    return f"sqlite:///{found[0] if found else default}"


def _complete_at(path: Path, scale: float) -> bool:
    """Does this SQLite file carry the bench marker of a finished generation at `scale`? Read-only:
    a file that is no bench store is left exactly as it was."""
    import sqlite3
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            meta = dict(conn.execute(f"SELECT key, value FROM {MARKER}").fetchall())
    except sqlite3.Error:
        return False
    try:
        same_scale = float(meta.get("scale", "nan")) == scale
    except ValueError:
        return False
    return same_scale and all(meta.get(f"step:{s.name}") == s.version for s in STEPS)


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return None if not path or path == ":memory:" else Path(path)


def read_marker(engine: Engine) -> dict[str, str] | None:
    if not inspect(engine).has_table(MARKER):
        return None
    with engine.connect() as conn:
        return dict(conn.execute(text(f"SELECT key, value FROM {MARKER}")).all())


def _write_marker(engine: Engine, values: dict[str, object]) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {MARKER} "
                          "(key VARCHAR(64) PRIMARY KEY, value VARCHAR(200) NOT NULL)"))
        for key, value in values.items():
            conn.execute(text(f"DELETE FROM {MARKER} WHERE key = :k"), {"k": key})
            conn.execute(text(f"INSERT INTO {MARKER} (key, value) VALUES (:k, :v)"), {"k": key, "v": str(value)})


def _holds_data(engine: Engine) -> bool:
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return any(conn.scalar(text(f"SELECT 1 FROM {t} LIMIT 1")) for t in ("projects", "staff_users", "units")
                   if t in names)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text(f"SELECT count(*) FROM {table}")))


def _wipe(url: str, engine: Engine) -> None:
    """Only for a store that carries the bench marker."""
    engine.dispose()
    path = _sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with engine.begin() as conn:
        schema = conn.scalar(text("SELECT current_schema()"))
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))


def _stale_reason(meta: dict[str, str], engine: Engine, scale: float) -> str | None:
    if float(meta.get("scale", "nan")) != scale:
        return f"scale {meta.get('scale')} in the store, {scale:g} asked"
    if "step:core" not in meta:
        return "an earlier generation did not finish"
    for step in STEPS:
        done = meta.get(f"step:{step.name}")
        if done is not None and done != step.version:
            return f"data step {step.name} changed (version {done} -> {step.version})"
    if meta.get("units") and str(_count(engine, "units")) != meta["units"]:
        return "the unit count no longer matches the marker"
    return None


def _after_bulk_load(engine: Engine) -> None:
    """PostgreSQL: the demo inserts owners with explicit ids, which leaves their sequence behind;
    move every id sequence past the data, then VACUUM ANALYZE as autovacuum soon would (since
    PostgreSQL 13 it also vacuums after inserts): statistics for the planner, and the visibility
    map that index-only scans need (ix_complaints_received_cover)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        tables = conn.scalars(text("SELECT table_name FROM information_schema.columns "
                                   "WHERE table_schema = current_schema() AND column_name = 'id'")).all()
        for table in tables:
            seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
            if seq:
                conn.execute(text(f"SELECT setval('{seq}', GREATEST((SELECT max(id) FROM {table}), 1))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for _ in range(5):
            _vacuum_when_quiet(conn)
            pages, visible = conn.execute(text(
                "SELECT sum(relpages), sum(relallvisible) FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())")).one()
            if not pages or visible >= 0.9 * pages:
                break


def _vacuum_when_quiet(conn) -> None:
    """VACUUM can mark a page all-visible only when its rows are older than every running
    snapshot and their commit is on disk. Right after a bulk load neither is sure: an autovacuum
    worker may be analysing with an older snapshot, and on a server with synchronous_commit=off
    (tests/pg_server.py) the WAL writer flushes a moment later. Wait for both (a few seconds at
    most); the caller checks the visibility map and tries again if it is still mostly unset."""
    written = conn.scalar(text("SELECT pg_current_wal_insert_lsn()"))
    for _ in range(200):
        flushed = conn.scalar(text("SELECT pg_current_wal_flush_lsn() >= CAST(:lsn AS pg_lsn)"), {"lsn": written})
        workers = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND backend_type = 'autovacuum worker'"))
        if flushed and not workers:
            break
        time.sleep(0.1)
    conn.execute(text("VACUUM ANALYZE"))


def ensure(url: str, scale: float, force: bool = False, echo: Callable[[str], None] = print) -> dict:
    """Make `url` hold the bench company at `scale`. Returns timings and counts."""
    started = time.perf_counter()
    report: dict = {"url": url.split("@")[-1], "scale": scale, "reused": False, "steps": {}}
    engine = make_engine(url)
    meta = read_marker(engine)
    if meta is None and _holds_data(engine):
        raise StoreRefused(f"{url.split('@')[-1]} holds data without the bench marker; "
                           "give bench another --url (it never writes over a store it did not make)")
    reason = "--force" if (meta is not None and force) else (_stale_reason(meta, engine, scale) if meta else None)
    if reason:
        echo(f"regenerating the bench store: {reason}")
        _wipe(url, engine)
        engine = make_engine(url)
        meta = None

    t0 = time.perf_counter()
    try:
        upgrade(url)
    except CommandError as e:  # e.g. the store was migrated by a revision since renamed or removed
        if meta is None:
            raise
        echo(f"regenerating the bench store: its schema cannot be migrated ({e})")
        _wipe(url, engine)
        engine = make_engine(url)
        meta = None
        upgrade(url)
    report["migrate_s"] = round(time.perf_counter() - t0, 3)
    if meta is None:
        size = company_size(scale)
        meta = {"scale": f"{scale:g}", "projects_asked": size.projects, "units_per_project": size.units_per_project}
        _write_marker(engine, meta)

    todo = [s for s in STEPS if f"step:{s.name}" not in meta]
    report["reused"] = not todo
    for step in todo:
        t0 = time.perf_counter()
        step.run(engine, scale)
        _after_bulk_load(engine)
        took = time.perf_counter() - t0
        report["steps"][step.name] = round(took, 3)
        _write_marker(engine, {f"step:{step.name}": step.version})
        echo(f"  data step {step.name:<12} {took:8.1f} s")
    tables = set(inspect(engine).get_table_names())
    counts = {t: _count(engine, t) for t in COUNTED if t in tables}
    if todo:
        _write_marker(engine, {"units": counts["units"], "generated_at": time.strftime("%Y-%m-%d %H:%M:%S")})
    report["counts"] = counts
    report["total_s"] = round(time.perf_counter() - started, 3)
    engine.dispose()
    how = "reused" if report["reused"] else "generated"
    echo(f"bench store {how} in {report['total_s']:.1f} s (migrate {report['migrate_s']:.1f} s): "
         f"{counts['projects']} projects, {counts['units']:,} units, {counts['owners']:,} owners, "
         f"{counts['staff_users']} users, {counts.get('complaints', 0):,} complaints at {report['url']}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 50 projects, 100,000 units")
    parser.add_argument("--url", default=None, help="SQLAlchemy URL (default: sqlite file under bench/data/)")
    parser.add_argument("--force", action="store_true", help="regenerate even if the store matches")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    url = args.url or os.environ.get("BENCH_DATABASE_URL") or default_url(args.scale)
    try:
        ensure(url, args.scale, force=args.force)
    except StoreRefused as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
