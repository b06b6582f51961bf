"""Shared fixtures: throwaway PostgreSQL server, fresh SQLite files, migrated stores, demo data.

Store fixtures are parametrized over ["sqlite", "postgresql"]: every integration test runs on both.
PostgreSQL tests are not optional: without the server binaries the fixture FAILS (make test
installs them)."""
from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
for path in (str(ROOT), str(TESTS)):
    if path not in sys.path:
        sys.path.insert(0, path)

from pg_server import PgServer, PostgresUnavailable  # noqa: E402

DB_KINDS = ["sqlite", "postgresql"]
_db_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = PgServer()
        server.start()
    except PostgresUnavailable as e:
        pytest.fail(str(e), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:
    """URL of the `app` database on the session's throwaway PostgreSQL server."""
    return pg_server.url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


@pytest.fixture(params=DB_KINDS)
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def empty_db_url(db_kind, request, tmp_path):
    """A fresh database with no tables at all (on PostgreSQL a new database per test)."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"t_{os.getpid()}_{next(_db_counter)}"
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture
def db_url(empty_db_url) -> str:
    """A fresh database migrated to the newest schema, with no rows."""
    from db.migrate import upgrade

    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture
def engine(db_url):
    from db.engine import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


DEMO_SIZE_KW = dict(projects=3, units_per_project=40, batch=False)


@pytest.fixture
def demo_engine(engine):
    """A small demo company (3 projects x 40 units) with the demo accounts (five roles, a fee
    collector per project), fast hashes."""
    from db.demo import CompanySize, seed_demo

    assert seed_demo(engine, CompanySize(**DEMO_SIZE_KW), hash_rounds=4) is True
    return engine
