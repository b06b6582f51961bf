"""complaint complainant index: frequent complainants without sorting a year of tickets

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:20:00

db.complaint_views.frequent_complainants counts a year of tickets per (complainant, phone). With
the tickets already in that order in this index, the count streams through it instead of sorting
~165,000 rows (bench/, 300,000 tickets: PostgreSQL 102 -> 39 ms, SQLite ~125 -> ~75 ms).
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_complainant', ['complainant', 'phone', 'received_at', 'project_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_complainant')
