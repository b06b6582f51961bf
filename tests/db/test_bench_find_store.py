"""`bench.run` without --url finds a store that `bench.generate --url` filled under another file
name (it used to rebuild its own copy: 7 minutes at scale 1.0), and never takes an unfinished one,
one of another scale, or a file that is no bench store."""
from __future__ import annotations

import sqlite3

from bench import generate


def _store(path, **meta) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {generate.MARKER} (key VARCHAR(64) PRIMARY KEY, value VARCHAR(200))")
        conn.executemany(f"INSERT INTO {generate.MARKER} VALUES (?, ?)", meta.items())


def _finished(scale: str) -> dict:
    return {"scale": scale, **{f"step:{s.name}": s.version for s in generate.STEPS}}


def test_a_store_generated_under_another_name_is_found(tmp_path):
    _store(tmp_path / "bench.db", **_finished("1"))
    assert generate.find_store(1.0, tmp_path) == f"sqlite:///{tmp_path / 'bench.db'}"


def test_the_default_file_comes_first(tmp_path):
    _store(tmp_path / "other.db", **_finished("0.1"))
    _store(tmp_path / "bench-0.1.db", **_finished("0.1"))
    assert generate.find_store(0.1, tmp_path) == f"sqlite:///{tmp_path / 'bench-0.1.db'}"


def test_other_scales_unfinished_stores_and_other_files_are_not_taken(tmp_path):
    _store(tmp_path / "small.db", **_finished("0.1"))
    _store(tmp_path / "half.db", scale="1", **{"step:core": "1"})
    with sqlite3.connect(tmp_path / "app.db") as conn:
        conn.execute("CREATE TABLE projects (id INTEGER PRIMARY KEY)")
    (tmp_path / "junk.db").write_bytes(b"not a database at all")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert generate.find_store(1.0, tmp_path) == f"sqlite:///{tmp_path / 'bench-1.db'}"
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before   # nothing written, nothing made
