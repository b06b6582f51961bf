"""complaint patterns: what the analysis page's "frequent complainants" and "recurring root causes"
count, kept by the database itself

Revision ID: 0027
Revises: 0026

Both read a year of tickets on every cache expiry (108 and 209 ms CPU at 300,000 tickets, growing
with history). Four small tables, kept by triggers as 0026's months are:

- `complaint_callers` (complainant, phone) and `complaint_callers_project` (project, complainant,
  phone): every ticket of the caller ever. Not what the page shows (a year) but a bound on it, in
  index order: the read counts the year of the first few hundred callers only and stops where no
  caller further down can reach the shown ones (db/complaint_rollups.py). A month per caller
  would be as many rows as tickets: most callers call once.
- `complaint_causes` (month, category, root cause) and `complaint_causes_project` (month, project,
  category, root cause): tickets with a root cause. The company-wide one is what a reader of every
  project sums (a few thousand rows a year instead of a hundred thousand tickets).

No NULL in a primary key: no project is 0, no phone ''. SQLite: row triggers; PostgreSQL: statement
triggers over transition tables (0013, 0026), so a bulk insert updates each row once per statement.
Any later migration that rebuilds `complaints` on SQLite (batch "move and copy") drops these
triggers: add columns in place.
"""
from alembic import op
import sqlalchemy as sa

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

_MONTH = {"postgresql": "to_char(timezone('Asia/Shanghai', {r}received_at), 'YYYY-MM')",
          # as 0026: the stored text cut to whole seconds first
          "sqlite": "strftime('%Y-%m', substr({r}received_at, 1, 19), '+8 hours')"}
_PROJECT = "COALESCE({r}project_id, 0)"
_PHONE = "COALESCE({r}phone, '')"
_HAS_CAUSE = "{r}root_cause <> ''"
# A root cause may be 1,000 characters (3,000 bytes in Chinese): more than a PostgreSQL btree entry
# takes (~2,700 bytes), so there the key is its md5 and the text rides along; SQLite has no limit.
_CAUSE_KEY = {"postgresql": "md5({r}root_cause)", "sqlite": "{r}root_cause"}
_CAUSE = (("root_cause", "{r}root_cause", sa.String(length=1000)),)

# table -> (its key: (column, ticket expression, type) ..., the tickets counted (None: all), the
# ticket columns it depends on (SQLite's UPDATE OF), columns carried beside the key (the same for
# every ticket of a row)); each table's count column is `n`.
TABLES = {
    "complaint_callers": (
        (("complainant", "{r}complainant", sa.String(length=40)), ("phone", _PHONE, sa.String(length=20))),
        None, ("complainant", "phone"), ()),
    "complaint_callers_project": (
        (("project_id", _PROJECT, sa.Integer()), ("complainant", "{r}complainant", sa.String(length=40)),
         ("phone", _PHONE, sa.String(length=20))),
        None, ("project_id", "complainant", "phone"), ()),
    "complaint_causes": (
        (("month", "MONTH", sa.String(length=7)), ("category", "{r}category", sa.String(length=12)),
         ("cause_key", "CAUSE_KEY", sa.String(length=1000))),
        _HAS_CAUSE, ("received_at", "category", "root_cause"), _CAUSE),
    "complaint_causes_project": (
        # project first: a reader of a few projects reads their rows only
        (("project_id", _PROJECT, sa.Integer()), ("month", "MONTH", sa.String(length=7)),
         ("category", "{r}category", sa.String(length=12)), ("cause_key", "CAUSE_KEY", sa.String(length=1000))),
        _HAS_CAUSE, ("received_at", "project_id", "category", "root_cause"), _CAUSE),
}
# The read's order: the callers by their count (its bound, largest first).
INDEXES = {"complaint_callers": ("ix_complaint_callers_n", ["n", "complainant", "phone"]),
           "complaint_callers_project": ("ix_complaint_callers_project_n", ["project_id", "n"])}
_EVENTS = ("insert", "delete", "update")


def _expr(dialect: str, expr: str, r: str) -> str:
    special = {"MONTH": _MONTH, "CAUSE_KEY": _CAUSE_KEY}
    return special[expr][dialect].format(r=r) if expr in special else expr.format(r=r)


def _keys(dialect: str, table: str, r: str) -> list[str]:
    """The key's values and then the carried columns' of one ticket row."""
    return [_expr(dialect, expr, r) for _name, expr, _type in TABLES[table][0] + TABLES[table][3]]


def _key_names(table: str) -> list[str]:
    return [name for name, _expr, _type in TABLES[table][0]]


def _names(table: str) -> list[str]:
    return [name for name, _expr, _type in TABLES[table][0] + TABLES[table][3]]


def _filter(table: str, r: str) -> str:
    where = TABLES[table][1]
    return "1 = 1" if where is None else where.format(r=r)


def _on_conflict(table: str) -> str:
    return f"ON CONFLICT ({', '.join(_key_names(table))}) DO UPDATE SET n = {table}.n + excluded.n"


def _row_upsert(dialect: str, table: str, r: str, sign: str) -> str:
    """SQLite row trigger: one ticket's +1 or -1 (a SELECT with a WHERE: the upsert needs one)."""
    return (f"INSERT INTO {table} ({', '.join(_names(table))}, n) "
            f"SELECT {', '.join(_keys(dialect, table, r))}, {sign}1 WHERE {_filter(table, r)} {_on_conflict(table)};")


def _grouped(dialect: str, table: str, sources: list[tuple[str, str]], having: bool) -> str:
    """The rows of `sources` ((table, sign) pairs) counted per key, in key order (one lock order)."""
    names = _names(table)
    parts = " UNION ALL ".join(
        "SELECT " + ", ".join(f"{v} AS {n}" for v, n in zip(_keys(dialect, table, ""), names))
        + f", {sign}1 AS n FROM {src} WHERE {_filter(table, '')}" for src, sign in sources)
    keys = ", ".join(names)
    filt = " HAVING SUM(n) <> 0" if having else ""   # an update that moves nothing writes nothing
    return f"SELECT {keys}, SUM(n) FROM ({parts}) AS counted GROUP BY {keys}{filt} ORDER BY {keys}"


_PG_EVENTS = {"insert": ("NEW TABLE AS new_rows", [("new_rows", "")]),
              "delete": ("OLD TABLE AS old_rows", [("old_rows", "-")]),
              "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", [("new_rows", ""), ("old_rows", "-")])}


def _create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        for event, (referencing, sources) in _PG_EVENTS.items():
            name = f"complaint_patterns_{event}"
            body = " ".join(f"INSERT INTO {table} ({', '.join(_names(table))}, n) "
                            f"{_grouped(dialect, table, sources, event == 'update')} {_on_conflict(table)};"
                            for table in TABLES)
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {body} RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER {name} AFTER {event.upper()} ON complaints REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
        return
    for table in TABLES:
        new = _row_upsert(dialect, table, "NEW.", "")
        old = _row_upsert(dialect, table, "OLD.", "-")
        # per table, so closing a ticket (its root cause set) does not touch the callers' rows
        whens = {"insert": ("INSERT", new), "delete": ("DELETE", old),
                 "update": (f"UPDATE OF {', '.join(TABLES[table][2])}", old + " " + new)}
        for event in _EVENTS:
            when, body = whens[event]
            op.execute(f"CREATE TRIGGER {table}_{event} AFTER {when} ON complaints BEGIN {body} END")


def _drop_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        for event in _EVENTS:
            op.execute(f"DROP TRIGGER complaint_patterns_{event} ON complaints")
            op.execute(f"DROP FUNCTION complaint_patterns_{event}()")
        return
    for table in TABLES:
        for event in _EVENTS:
            op.execute(f"DROP TRIGGER {table}_{event}")


def upgrade() -> None:
    for table, (key, _where, _depends, carried) in TABLES.items():
        op.create_table(
            table,
            *(sa.Column(name, type_, nullable=False) for name, _expr, type_ in key + carried),
            sa.Column('n', sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint(*(name for name, _e, _t in key), name=op.f(f'pk_{table}')),
        )
        if table in INDEXES:
            op.create_index(INDEXES[table][0], table, INDEXES[table][1], unique=False)
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        op.execute(f"INSERT INTO {table} ({', '.join(_names(table))}, n) "
                   f"{_grouped(dialect, table, [('complaints', '')], False)}")
    _create_triggers(dialect)


def downgrade() -> None:
    _drop_triggers(op.get_bind().dialect.name)
    for table in TABLES:
        if table in INDEXES:
            op.drop_index(INDEXES[table][0], table_name=table)
        op.drop_table(table)
