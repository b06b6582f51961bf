"""movein

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:18:29.044629
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('movein_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.Column('hall_m2', sa.Float(), nullable=False),
    sa.Column('m2_per_person', sa.Float(), nullable=False),
    sa.Column('target_p90_min', sa.Float(), nullable=False),
    sa.Column('weekend_factor', sa.Float(), nullable=False),
    sa.Column('no_show_rate', sa.Float(), nullable=False),
    sa.Column('stations', sa.JSON(), nullable=False),
    sa.Column('staffing', sa.JSON(), nullable=False),
    sa.Column('zones', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_movein_batches_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_batches'))
    )
    with op.batch_alter_table('movein_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movein_batches_project_id'), ['project_id'], unique=False)

    op.create_table('movein_checklist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('owner', sa.String(length=40), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['movein_batches.id'], name=op.f('fk_movein_checklist_batch_id_movein_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_checklist')),
    sa.UniqueConstraint('batch_id', 'code', name=op.f('uq_movein_checklist_batch_id_code'))
    )
    with op.batch_alter_table('movein_checklist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movein_checklist_batch_id'), ['batch_id'], unique=False)

    op.create_table('movein_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot_hour', sa.Integer(), nullable=False),
    sa.Column('stations_done', sa.Integer(), nullable=False),
    sa.Column('no_show', sa.Boolean(), nullable=False),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['movein_batches.id'], name=op.f('fk_movein_appointments_batch_id_movein_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_movein_appointments_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_appointments')),
    sa.UniqueConstraint('batch_id', 'unit_id', name=op.f('uq_movein_appointments_batch_id_unit_id'))
    )
    with op.batch_alter_table('movein_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movein_appointments_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_movein_appointments_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_movein_appointments_unit_id'), ['unit_id'], unique=False)

    op.create_table('movein_defects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('responsible', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['movein_batches.id'], name=op.f('fk_movein_defects_batch_id_movein_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_movein_defects_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_defects'))
    )
    with op.batch_alter_table('movein_defects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movein_defects_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_movein_defects_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_movein_defects_unit_id'), ['unit_id'], unique=False)

    op.create_table('movein_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['movein_batches.id'], name=op.f('fk_movein_disputes_batch_id_movein_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_movein_disputes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_disputes'))
    )
    with op.batch_alter_table('movein_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movein_disputes_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_movein_disputes_unit_id'), ['unit_id'], unique=False)

    op.create_table('movein_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=20), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['movein_appointments.id'], name=op.f('fk_movein_steps_appointment_id_movein_appointments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_steps')),
    sa.UniqueConstraint('appointment_id', 'station', name=op.f('uq_movein_steps_appointment_id_station'))
    )
    with op.batch_alter_table('movein_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movein_steps_appointment_id'), ['appointment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('movein_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movein_steps_appointment_id'))

    op.drop_table('movein_steps')
    with op.batch_alter_table('movein_disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movein_disputes_unit_id'))
        batch_op.drop_index(batch_op.f('ix_movein_disputes_batch_id'))

    op.drop_table('movein_disputes')
    with op.batch_alter_table('movein_defects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movein_defects_unit_id'))
        batch_op.drop_index(batch_op.f('ix_movein_defects_status'))
        batch_op.drop_index(batch_op.f('ix_movein_defects_batch_id'))

    op.drop_table('movein_defects')
    with op.batch_alter_table('movein_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movein_appointments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_movein_appointments_day'))
        batch_op.drop_index(batch_op.f('ix_movein_appointments_batch_id'))

    op.drop_table('movein_appointments')
    with op.batch_alter_table('movein_checklist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movein_checklist_batch_id'))

    op.drop_table('movein_checklist')
    with op.batch_alter_table('movein_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movein_batches_project_id'))

    op.drop_table('movein_batches')
