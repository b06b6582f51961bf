"""complaints

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:53:06.033009
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('relayed_by', sa.String(length=100), nullable=True),
    sa.Column('complainant', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('content', sa.String(length=2000), nullable=False),
    sa.Column('wants', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('receiver', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=True),
    sa.Column('invalid_reason', sa.String(length=500), nullable=False),
    sa.Column('signoff_by', sa.String(length=32), nullable=True),
    sa.Column('reply', sa.String(length=1000), nullable=False),
    sa.Column('cause', sa.String(length=2000), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('handler', sa.String(length=40), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('agreed_steps', sa.String(length=2000), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('implementation', sa.String(length=2000), nullable=False),
    sa.Column('customer_confirmed', sa.Boolean(), nullable=False),
    sa.Column('callback_attempts', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('root_cause', sa.String(length=1000), nullable=False),
    sa.Column('prevention', sa.String(length=1000), nullable=False),
    sa.Column('red_lines', sa.JSON(), nullable=False),
    sa.Column('escalation', sa.String(length=10), nullable=False),
    sa.Column('escalation_acknowledged_by', sa.String(length=32), nullable=True),
    sa.Column('repeat_of', sa.String(length=20), nullable=True),
    sa.Column('repeat_count', sa.Integer(), nullable=False),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('stage_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pause_reason', sa.String(length=12), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_complaints_building_id_buildings')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_complaints_project_id_projects')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_complaints_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('number', name=op.f('uq_complaints_number'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_handler'), ['handler'], unique=False)
        batch_op.create_index('ix_complaints_project_stage', ['project_id', 'stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_receiver'), ['receiver'], unique=False)
        batch_op.create_index('ix_complaints_stage_deadline', ['stage', 'stage_deadline'], unique=False)
        batch_op.create_index('ix_complaints_unit_category', ['unit_id', 'category', 'received_at'], unique=False)

    op.create_table('complaint_callbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('comment', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_callbacks_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_callbacks'))
    )
    with op.batch_alter_table('complaint_callbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_callbacks_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=32), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('stage_from', sa.String(length=12), nullable=True),
    sa.Column('stage_to', sa.String(length=12), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_id'), ['complaint_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_events_complaint_id'))

    op.drop_table('complaint_events')
    with op.batch_alter_table('complaint_callbacks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_callbacks_complaint_id'))

    op.drop_table('complaint_callbacks')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_unit_category')
        batch_op.drop_index('ix_complaints_stage_deadline')
        batch_op.drop_index(batch_op.f('ix_complaints_receiver'))
        batch_op.drop_index(batch_op.f('ix_complaints_received_at'))
        batch_op.drop_index('ix_complaints_project_stage')
        batch_op.drop_index(batch_op.f('ix_complaints_handler'))
        batch_op.drop_index(batch_op.f('ix_complaints_category'))

    op.drop_table('complaints')
