"""complaint months: what the analysis page adds up, per project and China-time month of receipt,
one table per grouping (category, building, department), kept by the database itself

Revision ID: 0026
Revises: 0025

The analysis page summed a year of tickets on every cache expiry (200-400 ms at 300,000 tickets,
growing with history). One table keyed by all five dimensions at once had more rows than a small
company has tickets; one table per grouping the page offers stays at projects x months x groups.
Each row holds the sums the page shows: received, closed, hours to close, closed after the overall
deadline, called back, satisfaction sum, closed as unreachable. An open ticket past its deadline
depends on "now", so those are counted live from the open tickets (the partial index below).

Kept as `ledger_months` is (0010, 0013): SQLite with row-level triggers per event; PostgreSQL with
statement-level triggers over transition tables, so a bulk insert updates each month's row once per
statement rather than once per ticket (see 0013 for the cost of the other way). Any later migration
that rebuilds `complaints` on SQLite (batch "move and copy") drops these triggers: add columns in place.
"""
from alembic import op
import sqlalchemy as sa

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# grouping: (table, the grouping column in it, the ticket expression it is taken from, its type).
# No NULL in a primary key: a ticket of no project or building is kept under 0.
DIMENSIONS = {
    "category": ("complaint_months_category", "category", "{r}category", sa.String(length=12)),
    "building": ("complaint_months_building", "building_id", "COALESCE({r}building_id, 0)", sa.Integer()),
    "department": ("complaint_months_department", "department", "{r}department", sa.String(length=100)),
}
_MONTH = {"postgresql": "to_char(timezone('Asia/Shanghai', {r}received_at), 'YYYY-MM')",
          # the stored text cut to whole seconds: SQLite rounds '23:59:59.9999995' up to the next day
          "sqlite": "strftime('%Y-%m', substr({r}received_at, 1, 19), '+8 hours')"}
_HOURS = {"postgresql": "extract(epoch from ({r}closed_at - {r}received_at)) / 3600.0",
          "sqlite": "(julianday({r}closed_at) - julianday({r}received_at)) * 24.0"}
# What one ticket adds ({s}: "" or "-"), the same definitions as the live query had.
SUMS = {
    "received": "{s}1",
    "closed": "CASE WHEN {r}closed_at IS NOT NULL THEN {s}1 ELSE 0 END",
    "hours": "CASE WHEN {r}closed_at IS NOT NULL THEN {s}({h}) ELSE 0 END",
    "closed_late": "CASE WHEN {r}closed_at IS NOT NULL AND {r}closed_at > {r}due_at THEN {s}1 ELSE 0 END",
    "called_back": "CASE WHEN {r}satisfaction IS NOT NULL THEN {s}1 ELSE 0 END",
    "satisfaction_sum": "{s}COALESCE({r}satisfaction, 0)",
    "unreachable": "CASE WHEN {r}closed_as = 'unreachable' THEN {s}1 ELSE 0 END",
}
_COUNTED = "project_id, received_at, category, department, building_id, closed_at, due_at, satisfaction, closed_as"
_EVENTS = ("insert", "delete", "update")


def _row_values(dialect: str, table_dim: str, r: str, s: str) -> list[str]:
    """The key and sum expressions of one ticket row (`r`: "NEW.", "OLD." or "" for a plain FROM)."""
    _table, _col, expr, _type = DIMENSIONS[table_dim]
    keys = [f"COALESCE({r}project_id, 0)", _MONTH[dialect].format(r=r), expr.format(r=r)]
    h = _HOURS[dialect].format(r=r)
    return keys + [e.format(r=r, s=s, h=h) for e in SUMS.values()]


def _columns(dim: str) -> list[str]:
    return ["project_id", "month", DIMENSIONS[dim][1], *SUMS]


def _on_conflict(dim: str) -> str:
    table = DIMENSIONS[dim][0]
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in SUMS)
    return f"ON CONFLICT (month, project_id, {DIMENSIONS[dim][1]}) DO UPDATE SET {sets}"


def _row_upsert(dialect: str, dim: str, r: str, s: str) -> str:
    """SQLite row trigger: one ticket's contribution to its row."""
    values = ", ".join(_row_values(dialect, dim, r, s))
    return (f"INSERT INTO {DIMENSIONS[dim][0]} ({', '.join(_columns(dim))}) VALUES ({values}) "
            f"{_on_conflict(dim)};")


def _grouped(dialect: str, dim: str, sources: list[tuple[str, str]], having: bool) -> str:
    """The rows of `sources` ((table, sign) pairs) summed per key: for the backfill and for
    PostgreSQL's statement triggers. Ordered by key, so concurrent writers lock rows in one order."""
    names = _columns(dim)
    parts = " UNION ALL ".join(
        "SELECT " + ", ".join(f"{v} AS {n}" for v, n in zip(_row_values(dialect, dim, "", sign), names))
        + f" FROM {table}" for table, sign in sources)
    keys = ", ".join(names[:3])
    sums = ", ".join(f"SUM({c})" for c in SUMS)
    # an update that changes nothing counted (most stage changes) writes nothing
    filt = (" HAVING " + " OR ".join(f"SUM({c}) <> 0" for c in SUMS)) if having else ""
    return f"SELECT {keys}, {sums} FROM ({parts}) AS counted GROUP BY {keys}{filt} ORDER BY {keys}"


_PG_EVENTS = {"insert": ("NEW TABLE AS new_rows", [("new_rows", "")]),
              "delete": ("OLD TABLE AS old_rows", [("old_rows", "-")]),
              "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", [("new_rows", ""), ("old_rows", "-")])}


def _create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        for event, (referencing, sources) in _PG_EVENTS.items():
            name = f"complaint_months_{event}"
            body = " ".join(f"INSERT INTO {DIMENSIONS[d][0]} ({', '.join(_columns(d))}) "
                            f"{_grouped(dialect, d, sources, event == 'update')} {_on_conflict(d)};"
                            for d in DIMENSIONS)
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {body} RETURN NULL; END $$")
            # (a column list is not allowed with transition tables: every update runs it, and
            # the HAVING above makes one that touches no counted column write nothing)
            op.execute(f"CREATE TRIGGER {name} AFTER {event.upper()} ON complaints REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
        return
    new = " ".join(_row_upsert(dialect, d, "NEW.", "") for d in DIMENSIONS)
    old = " ".join(_row_upsert(dialect, d, "OLD.", "-") for d in DIMENSIONS)
    whens = {"insert": ("INSERT", new), "delete": ("DELETE", old), "update": (f"UPDATE OF {_COUNTED}", old + " " + new)}
    for event in _EVENTS:
        when, body = whens[event]
        op.execute(f"CREATE TRIGGER complaint_months_{event} AFTER {when} ON complaints BEGIN {body} END")


def _drop_triggers(dialect: str) -> None:
    for event in _EVENTS:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER complaint_months_{event} ON complaints")
            op.execute(f"DROP FUNCTION complaint_months_{event}()")
        else:
            op.execute(f"DROP TRIGGER complaint_months_{event}")


_UNCLOSED = "closed_at IS NULL"


def upgrade() -> None:
    for dim, (table, column, _expr, type_) in DIMENSIONS.items():
        op.create_table(
            table,
            sa.Column('month', sa.String(length=7), nullable=False),
            sa.Column('project_id', sa.Integer(), nullable=False),
            sa.Column(column, type_, nullable=False),
            *(sa.Column(c, sa.Float() if c == "hours" else sa.Integer(), nullable=False) for c in SUMS),
            sa.PrimaryKeyConstraint('month', 'project_id', column, name=op.f(f'pk_{table}')),
        )
    # The open tickets past their deadline, counted live: a few percent of the tickets. (closed_at,
    # always NULL in it, makes it covering: SQLite does not see that the WHERE implies it.)
    # (op.create_index, not a batch: a batch would rebuild `complaints` on SQLite.)
    op.create_index('ix_complaints_unclosed_due', 'complaints',
                    ['due_at', 'received_at', 'project_id', 'building_id', 'category', 'department', 'closed_at'],
                    unique=False, sqlite_where=sa.text(_UNCLOSED), postgresql_where=sa.text(_UNCLOSED))
    dialect = op.get_bind().dialect.name
    for dim, (table, *_rest) in DIMENSIONS.items():
        op.execute(f"INSERT INTO {table} ({', '.join(_columns(dim))}) "
                   f"{_grouped(dialect, dim, [('complaints', '')], False)}")
    _create_triggers(dialect)


def downgrade() -> None:
    _drop_triggers(op.get_bind().dialect.name)
    op.drop_index('ix_complaints_unclosed_due', table_name='complaints',
                  sqlite_where=sa.text(_UNCLOSED), postgresql_where=sa.text(_UNCLOSED))
    for table, *_rest in DIMENSIONS.values():
        op.drop_table(table)
