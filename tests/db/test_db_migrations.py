"""Migrations bring an empty store to the newest schema, go back to nothing and up again."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from db.engine import make_engine
from db.migrate import alembic_config, downgrade, upgrade
from db.models import Base, Project

CORE_TABLES = {"projects", "buildings", "units", "owners", "staff_users", "user_projects", "audit_log"}


def head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def tables(url) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def current_revision(url) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_upgrade_empty_to_head_creates_every_model_table(empty_db_url):
    assert tables(empty_db_url) == set()
    upgrade(empty_db_url)
    assert current_revision(empty_db_url) == head()
    assert set(Base.metadata.tables) | {"alembic_version"} == tables(empty_db_url)
    assert CORE_TABLES <= tables(empty_db_url)


def test_upgrade_is_idempotent(empty_db_url):
    upgrade(empty_db_url)
    upgrade(empty_db_url)  # `make run` migrates on every start
    assert current_revision(empty_db_url) == head()


def test_downgrade_to_base_and_back_up(empty_db_url):
    upgrade(empty_db_url)
    downgrade(empty_db_url, "base")
    assert tables(empty_db_url) - {"alembic_version"} == set()
    assert current_revision(empty_db_url) is None
    upgrade(empty_db_url)
    assert current_revision(empty_db_url) == head()
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:  # the re-created schema takes data
            conn.execute(Project.__table__.insert().values(code="P1", name="翠湖园", city="深圳"))
            assert conn.scalar(select(Project.name)) == "翠湖园"
    finally:
        engine.dispose()


def test_step_by_step_downgrade_keeps_earlier_data(empty_db_url):
    """Every revision's downgrade runs, and undoing a later one leaves the core's rows alone."""
    script = ScriptDirectory.from_config(alembic_config(empty_db_url))
    revisions = [r.revision for r in script.walk_revisions()]  # head first
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(Project.__table__.insert().values(code="P1", name="翠湖园", city="深圳"))
        for target in revisions[1:]:  # one revision down at a time, to the first
            downgrade(empty_db_url, target)
            assert current_revision(empty_db_url) == target
        assert current_revision(empty_db_url) == revisions[-1]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM projects")).scalar() == "翠湖园"
    finally:
        engine.dispose()


def test_models_and_migrations_agree(db_url):
    """A model change without a migration would break every existing store on the next deploy."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
