"""move-in hall: station mode, undo, another day's households, defects followed up

Revision ID: 0019
Revises: 0018

A household taken by a desk (station mode) keeps who took it and since when; one that came on
another day than booked keeps the booked day. Every tap is kept with the household's state before
it (movein_events), so it can be taken back and the household's timeline read. A defect gets its
deadline and, once closed, who closed it and how the owner confirmed.

Plain add_column (nullable columns): no table is rebuilt on SQLite.
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('movein_appointments', sa.Column('serving_by', sa.String(length=32), nullable=True))
    op.add_column('movein_appointments', sa.Column('serving_since', sa.DateTime(timezone=True), nullable=True))
    op.add_column('movein_appointments', sa.Column('booked_day', sa.Date(), nullable=True))
    op.add_column('movein_defects', sa.Column('due', sa.Date(), nullable=True))
    op.add_column('movein_defects', sa.Column('fixed_by', sa.String(length=32), nullable=True))
    op.add_column('movein_defects', sa.Column('closing_note', sa.String(length=200), nullable=True))
    op.create_table(
        'movein_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('station', sa.String(length=20), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by', sa.String(length=32), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by', sa.String(length=32), nullable=True),
        sa.Column('undo_reason', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['appointment_id'], ['movein_appointments.id'],
                                name=op.f('fk_movein_events_appointment_id_movein_appointments'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_events')),
    )
    op.create_index(op.f('ix_movein_events_appointment_id'), 'movein_events', ['appointment_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_movein_events_appointment_id'), table_name='movein_events')
    op.drop_table('movein_events')
    # movein tables carry no triggers: a batch rebuild on SQLite loses nothing.
    with op.batch_alter_table('movein_defects', schema=None) as batch_op:
        for column in ('closing_note', 'fixed_by', 'due'):
            batch_op.drop_column(column)
    with op.batch_alter_table('movein_appointments', schema=None) as batch_op:
        for column in ('booked_day', 'serving_since', 'serving_by'):
            batch_op.drop_column(column)
