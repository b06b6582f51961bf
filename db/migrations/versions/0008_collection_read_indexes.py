"""collection read indexes: arrears from the unpaid bills only, recoveries by payment date

Revision ID: 0008
Revises: 0007

With 2.4 million bills, the arrears at the start of a period were summed over every earlier bill.
A partial index holds only the unpaid ones (a few percent), and an index by payment date finds the
money received since a date without reading the paid history.
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_OPEN = "amount_cents > paid_cents + waived_cents"


def upgrade() -> None:
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('ix_bills_open', ['project_id', 'period', 'due', 'unit_id', 'amount_cents',
                                                'paid_cents', 'waived_cents'], unique=False,
                              sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index('ix_allocations_paid_period', ['paid_on', 'bill_period', 'project_id', 'cents'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index('ix_allocations_paid_period')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_open')
