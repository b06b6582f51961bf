"""Keeping the search index in step with the store.

Every ORM write of a complaint or a case updates its rows in `search_terms` in the same flush
(mapper events, registered once by db/models.py). Rows that bypass the ORM (bulk loaders, rows
stored before 0022) are caught up by `catch_up`, which indexes records past the kind's
`indexed_upto` mark, in chunks, and is run before each search and by `python -m db.search_index`."""
from __future__ import annotations

import sys

from sqlalchemy import delete, event, func, insert, inspect, select, update
from sqlalchemy.engine import Connection, Engine

from core.search.documents import CASE_FIELDS, COMPLAINT_FIELDS, fields, term_weights
from db.engine import for_writing
from db.search_models import SearchStateRow, SearchTermRow

CHUNK = 5_000
_TERMS = SearchTermRow.__table__


def _kinds():
    from db.case_models import CaseRow
    from db.models import ComplaintRow

    return {"complaint": (ComplaintRow, COMPLAINT_FIELDS, lambda r: r.project_id),
            "case": (CaseRow, CASE_FIELDS, lambda r: None)}


def _rows(kind: str, spec, record, ref_id: int, project_id: int | None) -> list[dict]:
    return [{"kind": kind, "ref_id": ref_id, "project_id": project_id, "term": term, "weight": weight}
            for term, weight in term_weights(fields(spec, record)).items()]


def _reindex(conn: Connection, kind: str, spec, records: list, project_of) -> None:
    ids = [r.id for r in records]
    for i in range(0, len(ids), 500):
        conn.execute(delete(_TERMS).where(_TERMS.c.kind == kind, _TERMS.c.ref_id.in_(ids[i:i + 500])))
    rows = [row for r in records for row in _rows(kind, spec, r, r.id, project_of(r))]
    if rows:
        conn.execute(insert(_TERMS), rows)


def register() -> None:
    """Mapper events: a complaint's or case's index rows are written with the row itself."""
    for kind, (model, spec, project_of) in _kinds().items():
        names = [name for name, _w, _t in spec] + (["project_id"] if kind == "complaint" else [])

        def inserted(_mapper, conn, target, kind=kind, spec=spec, project_of=project_of):
            _reindex(conn, kind, spec, [target], project_of)

        def updated(_mapper, conn, target, kind=kind, spec=spec, project_of=project_of, names=names):
            state = inspect(target)
            if any(state.attrs[n].history.has_changes() for n in names):
                _reindex(conn, kind, spec, [target], project_of)

        def deleted(_mapper, conn, target, kind=kind):
            conn.execute(delete(_TERMS).where(_TERMS.c.kind == kind, _TERMS.c.ref_id == target.id))

        event.listen(model, "after_insert", inserted)
        event.listen(model, "after_update", updated)
        event.listen(model, "after_delete", deleted)


def _upto(conn: Connection, kind: str) -> int | None:
    return conn.scalar(select(SearchStateRow.indexed_upto).where(SearchStateRow.kind == kind))


def pending(engine: Engine, kind: str) -> bool:
    """Whether records of the kind exist past the catch-up mark (a cheap read, no lock)."""
    model = _kinds()[kind][0]
    with engine.connect() as conn:
        top = conn.scalar(select(func.max(model.id)))
        return top is not None and top > (_upto(conn, kind) or 0)


def catch_up(engine: Engine, kind: str, max_rows: int | None = CHUNK * 4) -> int:
    """Index the records past the mark, a chunk per transaction; returns how many were indexed.
    `max_rows` bounds the work of one call (None: everything)."""
    model, spec, project_of = _kinds()[kind]
    cols = [model.id] + [getattr(model, n) for n, _w, _t in spec] + (
        [model.project_id] if kind == "complaint" else [])
    done = 0
    while max_rows is None or done < max_rows:
        with for_writing(engine).begin() as conn:
            upto = _upto(conn, kind)
            if upto is None:
                conn.execute(insert(SearchStateRow.__table__), {"kind": kind, "indexed_upto": 0})
                upto = 0
            records = conn.execute(select(*cols).where(model.id > upto).order_by(model.id).limit(CHUNK)).all()
            if not records:
                return done
            _reindex(conn, kind, spec, records, project_of)
            conn.execute(update(SearchStateRow.__table__).where(SearchStateRow.kind == kind)
                         .values(indexed_upto=records[-1].id))
        done += len(records)
    return done


def rebuild(engine: Engine, kind: str) -> int:
    """Index every record of the kind again from the start."""
    with for_writing(engine).begin() as conn:
        conn.execute(delete(_TERMS).where(_TERMS.c.kind == kind))
        conn.execute(delete(SearchStateRow.__table__).where(SearchStateRow.kind == kind))
    return catch_up(engine, kind, None)


if __name__ == "__main__":  # python -m db.search_index: bring the index up to date
    from db.engine import database_url, make_engine

    eng = make_engine(database_url())
    for k in ("case", "complaint"):
        print(k, catch_up(eng, k, None), file=sys.stderr)
