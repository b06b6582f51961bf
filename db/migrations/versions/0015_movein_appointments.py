"""movein appointments: what the hall does with households it cannot seat

Revision ID: 0015
Revises: 0014

The slots themselves need no new table: a household's appointment already holds its day and slot
hour, and the quotas per day and slot are the counts of those. What a batch now also knows is its
overflow policy: beyond the waiting zone's seats people wait outside ("outside", every batch so
far) or are asked to come back ("come_back").
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('movein_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overflow', sa.String(length=10), nullable=False, server_default='outside'))


def downgrade() -> None:
    with op.batch_alter_table('movein_batches', schema=None) as batch_op:
        batch_op.drop_column('overflow')
