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

# ---- SQLite: one trigger per event; UPDATE OF limits them to the columns the sums depend on.
_SQLITE_UPSERT = """INSERT INTO ledger_months (project_id, period, billed_cents, collected_cents)
    VALUES ({p}, {period}, {billed}, {collected})
    ON CONFLICT (project_id, period) DO UPDATE SET billed_cents = billed_cents + excluded.billed_cents,
                                                   collected_cents = collected_cents + excluded.collected_cents;"""
_SQLITE_IN_MONTH = "substr({row}.paid_on, 1, 7) <= {row}.bill_period"


def _sqlite_bill(row: str, sign: str) -> str:
    return _SQLITE_UPSERT.format(p=f"{row}.project_id", period=f"{row}.period",
                                 billed=f"{sign}({row}.amount_cents - {row}.waived_cents)", collected="0")


def _sqlite_allocation(row: str, sign: str) -> str:
    cents = f"CASE WHEN {_SQLITE_IN_MONTH.format(row=row)} THEN {sign}{row}.cents ELSE 0 END"
    return _SQLITE_UPSERT.format(p=f"{row}.project_id", period=f"{row}.bill_period", billed="0", collected=cents)


_SQLITE_TRIGGERS = {
    "ledger_months_bill_insert": f"AFTER INSERT ON bills BEGIN {_sqlite_bill('NEW', '')} END",
    "ledger_months_bill_delete": f"AFTER DELETE ON bills BEGIN {_sqlite_bill('OLD', '-')} END",
    "ledger_months_bill_update": "AFTER UPDATE OF project_id, period, amount_cents, waived_cents ON bills BEGIN "
                                 f"{_sqlite_bill('OLD', '-')} {_sqlite_bill('NEW', '')} END",
    "ledger_months_allocation_insert": f"AFTER INSERT ON allocations BEGIN {_sqlite_allocation('NEW', '')} END",
    "ledger_months_allocation_delete": f"AFTER DELETE ON allocations BEGIN {_sqlite_allocation('OLD', '-')} END",
    "ledger_months_allocation_update": "AFTER UPDATE OF project_id, bill_period, paid_on, cents ON allocations BEGIN "
                                       f"{_sqlite_allocation('OLD', '-')} {_sqlite_allocation('NEW', '')} END",
}

# ---- PostgreSQL: one function per table, handling all three events.
_PG_UPSERT = """INSERT INTO ledger_months AS m (project_id, period, billed_cents, collected_cents)
        VALUES ({p}, {period}, {billed}, {collected})
        ON CONFLICT (project_id, period) DO UPDATE SET billed_cents = m.billed_cents + EXCLUDED.billed_cents,
                                                       collected_cents = m.collected_cents + EXCLUDED.collected_cents;"""


def _pg_bill(row: str, sign: str) -> str:
    return _PG_UPSERT.format(p=f"{row}.project_id", period=f"{row}.period",
                             billed=f"{sign}({row}.amount_cents - {row}.waived_cents)", collected="0")


def _pg_allocation(row: str, sign: str) -> str:
    cents = f"CASE WHEN to_char({row}.paid_on, 'YYYY-MM') <= {row}.bill_period THEN {sign}{row}.cents ELSE 0 END"
    return _PG_UPSERT.format(p=f"{row}.project_id", period=f"{row}.bill_period", billed="0", collected=cents)


def _pg_function(name: str, old: str, new: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {old}
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {new}
        END IF;
        RETURN NULL;
    END $$"""


_PG = {  # function name: (table, columns an update must touch, its body)
    "ledger_months_from_bills": ("bills", "project_id, period, amount_cents, waived_cents",
                                 _pg_function("ledger_months_from_bills", _pg_bill("OLD", "-"), _pg_bill("NEW", ""))),
    "ledger_months_from_allocations": ("allocations", "project_id, bill_period, paid_on, cents",
                                       _pg_function("ledger_months_from_allocations", _pg_allocation("OLD", "-"),
                                                    _pg_allocation("NEW", ""))),
}


def _backfill(paid_month: str) -> str:
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_backfill("to_char(paid_on, 'YYYY-MM')"))
        for name, (table, columns, body) in _PG.items():
            op.execute(body)
            op.execute(f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {name}()")
    else:
        op.execute(_backfill("substr(paid_on, 1, 7)"))
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, _columns, _body) in _PG.items():
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_credit', sqlite_where=sa.text(_CREDIT), postgresql_where=sa.text(_CREDIT))
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_open_unit', sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
    op.drop_table('ledger_months')
