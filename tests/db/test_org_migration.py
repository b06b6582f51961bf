"""Migration 0014 on a store with data, on SQLite and PostgreSQL: every unit's owner becomes its
first ownership row, every owner's note an entry of the special-needs ledger, and the audit rows
already written get the project of the record they name; and back down to 0013."""
from __future__ import annotations

from sqlalchemy import text

from db.engine import make_engine
from db.migrate import downgrade, upgrade


def rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def test_0014_moves_owners_and_notes_and_finds_the_audit_rows_projects(empty_db_url):
    upgrade(empty_db_url, "0013")
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO projects (id, code, name, city) VALUES (7, 'P7', '翠湖园', '深圳')"))
            conn.execute(text("INSERT INTO buildings (id, project_id, name, floors) VALUES (3, 7, '3', 20)"))
            conn.execute(text("INSERT INTO owners (id, name, phone, special_needs, version) VALUES "
                              "(1, '王伟', '13812345678', '独居老人', 1), (2, '李娜', NULL, NULL, 1)"))
            conn.execute(text("INSERT INTO units (id, project_id, building_id, room_no, floor, area_m2, status, "
                              "owner_id, version) VALUES (11, 7, 3, '3-101', 1, 89.5, 'sold', 1, 1), "
                              "(12, 7, 3, '3-102', 1, 89.5, 'sold', 2, 1), (13, 7, 3, '3-103', 1, 89.5, 'unsold', NULL, 1)"))
            conn.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES "
                              "(CURRENT_TIMESTAMP, 'a', 'import', 'units', '7'), "
                              "(CURRENT_TIMESTAMP, 'a', 'payment', 'unit', '12'), "
                              "(CURRENT_TIMESTAMP, 'a', 'register', 'complaint', 'TS-404'), "
                              "(CURRENT_TIMESTAMP, 'a', 'login', 'staff_user', '1'), "
                              "(CURRENT_TIMESTAMP, 'a', 'import', 'units', 'x')"))
        upgrade(empty_db_url)
        assert rows(engine, "SELECT unit_id, owner_id, since, until FROM unit_owners ORDER BY unit_id") == [
            (11, 1, None, None), (12, 2, None, None)]
        assert rows(engine, "SELECT unit_id, owner_id, kind, note, entered_by FROM special_needs") == [
            (11, 1, "other", "独居老人", "migration")]
        assert rows(engine, "SELECT entity, entity_id, project_id FROM audit_log ORDER BY id") == [
            ("units", "7", 7), ("unit", "12", 7), ("complaint", "TS-404", None), ("staff_user", "1", None),
            ("units", "x", None)]
        assert rows(engine, "SELECT version, address, collection_target_bp FROM projects") == [(1, None, None)]
        downgrade(empty_db_url, "0013")
        assert rows(engine, "SELECT COUNT(*) FROM units") == [(3,)]
    finally:
        engine.dispose()
