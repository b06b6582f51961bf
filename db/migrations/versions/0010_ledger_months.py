"""ledger months: billed and collected per project and bill month, kept by the database itself

Revision ID: 0010
Revises: 0009

The 24-month trend on the collections page summed every bill and every allocation of two years
(5 million rows at 100,000 units: 1.5-3 s on a cold cache). `ledger_months` holds those two sums
per project and bill month. Triggers on `bills` and `allocations` keep it, so every writer
(payments, imports, waivers, the demo and bench loaders, a hand-made SQL fix) keeps it right
without knowing it exists. "Collected" is what was paid by the end of the bill's own month, the
definition of the current-period rate.

Two partial indexes join it: the unpaid bills by unit (the dunning ladder's debts without reading
the paid history) and the payments with credit left (prepayments without reading every payment).
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_OPEN = "amount_cents > paid_cents + waived_cents"
_CREDIT = "credit_cents > 0"

# What a row of each source table adds to its month: `sign` is "" for a new row and "-" for an old one.
# (No table alias: SQLite refuses one inside a trigger.)
_UPSERT = """INSERT INTO ledger_months (project_id, period, billed_cents, collected_cents)
    VALUES ({p}, {period}, {billed}, {collected})
    ON CONFLICT (project_id, period) DO UPDATE
    SET billed_cents = ledger_months.billed_cents + excluded.billed_cents,
        collected_cents = ledger_months.collected_cents + excluded.collected_cents;"""
_PAID_MONTH = {"postgresql": "to_char({}, 'YYYY-MM')", "sqlite": "substr({}, 1, 7)"}   # 'YYYY-MM' of a date


def _bill(row: str, sign: str, _paid_month: str) -> str:
    return _UPSERT.format(p=f"{row}.project_id", period=f"{row}.period",
                          billed=f"{sign}({row}.amount_cents - {row}.waived_cents)", collected="0")


def _allocation(row: str, sign: str, paid_month: str) -> str:
    in_month = f"{paid_month.format(f'{row}.paid_on')} <= {row}.bill_period"
    return _UPSERT.format(p=f"{row}.project_id", period=f"{row}.bill_period", billed="0",
                          collected=f"CASE WHEN {in_month} THEN {sign}{row}.cents ELSE 0 END")


# table: (the columns an update must touch to change the sums, what a row adds)
_SOURCES = {"bills": ("project_id, period, amount_cents, waived_cents", _bill),
            "allocations": ("project_id, bill_period, paid_on, cents", _allocation)}
_SQLITE_EVENTS = ("insert", "delete", "update")


def _create_triggers(dialect: str) -> None:
    """PostgreSQL: one plpgsql function per table for all three events; SQLite: a trigger per event."""
    for table, (columns, adds) in _SOURCES.items():
        name = f"ledger_months_from_{table}"
        old, new = adds("OLD", "-", _PAID_MONTH[dialect]), adds("NEW", "", _PAID_MONTH[dialect])
        if dialect == "postgresql":
            op.execute(f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') THEN {old} END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN {new} END IF;
                    RETURN NULL;
                END $$""")
            op.execute(f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            whens = {"insert": ("INSERT", new), "delete": ("DELETE", old),
                     "update": (f"UPDATE OF {columns}", old + new)}
            for event in _SQLITE_EVENTS:
                when, body = whens[event]
                op.execute(f"CREATE TRIGGER {name}_{event} AFTER {when} ON {table} BEGIN {body} END")


def _drop_triggers(dialect: str) -> None:
    for table in _SOURCES:
        name = f"ledger_months_from_{table}"
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            for event in _SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER {name}_{event}")


def _backfill(dialect: str) -> str:
    paid_month = _PAID_MONTH[dialect].format("paid_on")
    return f"""INSERT INTO ledger_months (project_id, period, billed_cents, collected_cents)
        SELECT project_id, period, SUM(billed), SUM(collected) FROM (
            SELECT project_id, period, amount_cents - waived_cents AS billed, 0 AS collected FROM bills
            UNION ALL
            SELECT project_id, bill_period, 0, cents FROM allocations WHERE {paid_month} <= bill_period
        ) AS money GROUP BY project_id, period"""


def upgrade() -> None:
    op.create_table(
        'ledger_months',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('billed_cents', sa.BigInteger(), nullable=False),
        sa.Column('collected_cents', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_ledger_months_project_id_projects')),
        sa.PrimaryKeyConstraint('project_id', 'period', name=op.f('pk_ledger_months')),
    )
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('ix_bills_open_unit', ['unit_id', 'due', 'amount_cents', 'paid_cents', 'waived_cents'],
                              unique=False, sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_credit', ['project_id', 'credit_cents'], unique=False,
                              sqlite_where=sa.text(_CREDIT), postgresql_where=sa.text(_CREDIT))
    dialect = op.get_bind().dialect.name
    op.execute(_backfill(dialect))
    _create_triggers(dialect)


def downgrade() -> None:
    _drop_triggers(op.get_bind().dialect.name)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_credit', sqlite_where=sa.text(_CREDIT), postgresql_where=sa.text(_CREDIT))
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_open_unit', sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
    op.drop_table('ledger_months')
