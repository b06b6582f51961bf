"""complaint read indexes: the analysis scan and the board's category filter

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00

Measured with bench/ on 300,000 tickets (SQLite):
- ix_complaints_received_cover holds every column db.complaint_views.analysis and
  frequent_complainants read, so a year of tickets is read from the index alone instead of from
  the wide ticket rows (analysis by category 208 -> ~100 ms). No long text in it: a PostgreSQL
  b-tree entry must stay under ~2.7 kB.
- ix_complaints_stage_category serves the board filtered by category (open tickets of one
  category) instead of every ticket of the category (81 -> ~19 ms).
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

RECEIVED_COVER = ['received_at', 'project_id', 'building_id', 'category', 'department', 'closed_at', 'due_at',
                  'satisfaction', 'complainant', 'phone']


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_received_cover', RECEIVED_COVER, unique=False)
        batch_op.create_index('ix_complaints_stage_category', ['stage', 'category'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_stage_category')
        batch_op.drop_index('ix_complaints_received_cover')
