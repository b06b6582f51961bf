"""collections: payments voided on the day (who, when, why; the receipt kept), receipt numbers
counted per project and year, fee rates and the monthly billing runs (bills.run_id)

Revision ID: 0013
Revises: 0012

Columns are added with plain ADD COLUMN (nullable, no constraint): on SQLite a batch "move and
copy" would rebuild `payments` for nothing (and a rebuilt `bills` or `allocations` would lose the
ledger_months triggers of 0010).

On PostgreSQL the ledger_months triggers of 0010 become statement-level triggers over transition
tables: a billing run inserts 100,000 bills of one month in one transaction, and a row-level
trigger updated that month's one ledger_months row 100,000 times; PostgreSQL keeps every version
of a row updated within a transaction and walks them all on the next update, so the run took
8 minutes (and its undo 6). Summed per statement, the row is updated once per statement. SQLite
updates in place: its row-level triggers of 0010 stay as they are.
"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_VOID = (("voided_at", sa.DateTime(timezone=True)), ("voided_by", sa.String(length=32)), ("void_reason", sa.String(length=300)))


_UPSERT = """INSERT INTO ledger_months (project_id, period, billed_cents, collected_cents)
    SELECT project_id, period, SUM(billed), SUM(collected) FROM ({rows}) AS money
    GROUP BY project_id, period {having} ORDER BY project_id, period
    ON CONFLICT (project_id, period) DO UPDATE
    SET billed_cents = ledger_months.billed_cents + excluded.billed_cents,
        collected_cents = ledger_months.collected_cents + excluded.collected_cents;"""
# What the rows of a transition table add to their months ({t}: the table, {sign}: "" or "-"),
# written as 0010 writes it for one row.
_ADDS = {"bills": "SELECT project_id, period, {sign}(amount_cents - waived_cents) AS billed, 0 AS collected FROM {t}",
         "allocations": "SELECT project_id, bill_period AS period, 0 AS billed, CASE WHEN to_char(paid_on, 'YYYY-MM') "
                        "<= bill_period THEN {sign}cents ELSE 0 END AS collected FROM {t}"}
# event: (the transition tables it has, the rows it adds: new ones added, old ones taken away)
_EVENTS = {"insert": ("NEW TABLE AS new_rows", (("new_rows", ""),)),
           "delete": ("OLD TABLE AS old_rows", (("old_rows", "-"),)),
           "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", (("new_rows", ""), ("old_rows", "-")))}


def _statement_triggers() -> None:
    for table, adds in _ADDS.items():
        for event, (referencing, parts) in _EVENTS.items():
            name = f"ledger_months_{table}_{event}"
            rows = " UNION ALL ".join(adds.format(t=t, sign=sign) for t, sign in parts)
            # An update that moves no money (a payment's paid_cents on a bill) writes nothing; an
            # insert makes its month's row even when it adds 0, as 0010's trigger does.
            having = "HAVING SUM(billed) <> 0 OR SUM(collected) <> 0" if event == "update" else ""
            op.execute(f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN {_UPSERT.format(rows=rows, having=having)} RETURN NULL; END $$""")
            op.execute(f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")


def _drop_statement_triggers() -> None:
    for table in _ADDS:
        for event in _EVENTS:
            op.execute(f"DROP TRIGGER ledger_months_{table}_{event} ON {table}")
            op.execute(f"DROP FUNCTION ledger_months_{table}_{event}()")


def _revision_0010():
    """0010's own trigger code (its file name is no module name), to drop and restore its triggers."""
    path = Path(__file__).with_name("0010_ledger_months.py")
    spec = importlib.util.spec_from_file_location("_ledger_months_0010", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _revision_0010()._drop_triggers("postgresql")
        _statement_triggers()
    for name, type_ in _VOID:
        op.add_column('payments', sa.Column(name, type_, nullable=True))
    op.create_table(
        'receipt_counters',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_receipt_counters_project_id_projects')),
        sa.PrimaryKeyConstraint('project_id', 'year', name=op.f('pk_receipt_counters')),
    )


    op.create_table(
        'fee_rates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(length=12), nullable=False),
        sa.Column('basis', sa.String(length=8), nullable=False),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('developer_bp', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_fee_rates_project_id_projects')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_rates')),
        sa.UniqueConstraint('project_id', 'item', 'effective_from', name=op.f('uq_fee_rates_project_id_item_effective_from')),
    )
    op.create_index(op.f('ix_fee_rates_project_id'), 'fee_rates', ['project_id'], unique=False)
    op.create_table(
        'billing_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('bills', sa.Integer(), nullable=False),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.Column('credit_settled', sa.BigInteger(), nullable=False),
        sa.Column('created_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('undone_by', sa.String(length=32), nullable=True),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_billing_runs_project_id_projects')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_runs')),
    )
    op.create_index('ix_billing_runs_project_period', 'billing_runs', ['project_id', 'period'], unique=False)
    op.add_column('bills', sa.Column('run_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_bills_run_id'), 'bills', ['run_id'], unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_statement_triggers()
        _revision_0010()._create_triggers("postgresql")
    op.drop_index(op.f('ix_bills_run_id'), table_name='bills')
    # In place on SQLite (3.35+): no batch rebuild, so the ledger_months triggers on bills stay.
    op.drop_column('bills', 'run_id')
    op.drop_index('ix_billing_runs_project_period', table_name='billing_runs')
    op.drop_table('billing_runs')
    op.drop_index(op.f('ix_fee_rates_project_id'), table_name='fee_rates')
    op.drop_table('fee_rates')
    op.drop_table('receipt_counters')
    # SQLite drops a column in place since 3.35 (no constraint or index on these).
    for name, _ in reversed(_VOID):
        op.drop_column('payments', name)
