"""unreachable closing and incidents grouping complaints

Revision ID: 0025
Revises: 0024
"""
from alembic import op
import sqlalchemy as sa

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


COVER = ['received_at', 'project_id', 'building_id', 'category', 'department', 'closed_at', 'due_at',
         'satisfaction', 'complainant', 'phone']


def upgrade() -> None:
    # The closing reason; the analysis counts it from the covering index, so it joins the index.
    op.add_column('complaints', sa.Column('closed_as', sa.String(length=12), nullable=True))
    op.drop_index('ix_complaints_received_cover', table_name='complaints')
    op.create_index('ix_complaints_received_cover', 'complaints', COVER + ['closed_as'], unique=False)
    op.create_table(
        'complaint_incidents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('category', sa.String(length=12), nullable=False),
        sa.Column('cause', sa.String(length=1000), nullable=False),
        sa.Column('fix', sa.String(length=1000), nullable=False),
        sa.Column('prevention', sa.String(length=1000), nullable=False),
        sa.Column('opened_by', sa.String(length=32), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fixed_by', sa.String(length=32), nullable=True),
        sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by', sa.String(length=32), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_complaint_incidents_project_id_projects')),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'],
                                name=op.f('fk_complaint_incidents_building_id_buildings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_incidents')),
    )
    op.create_index(op.f('ix_complaint_incidents_project_id'), 'complaint_incidents', ['project_id'], unique=False)
    op.create_table(
        'complaint_incident_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('added_by', sa.String(length=32), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['complaint_incidents.id'],
                                name=op.f('fk_complaint_incident_members_incident_id_complaint_incidents'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                                name=op.f('fk_complaint_incident_members_complaint_id_complaints'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_incident_members')),
        sa.UniqueConstraint('complaint_id', name=op.f('uq_complaint_incident_members_complaint_id')),
    )
    op.create_index(op.f('ix_complaint_incident_members_incident_id'), 'complaint_incident_members',
                    ['incident_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_complaint_incident_members_incident_id'), table_name='complaint_incident_members')
    op.drop_table('complaint_incident_members')
    op.drop_index(op.f('ix_complaint_incidents_project_id'), table_name='complaint_incidents')
    op.drop_table('complaint_incidents')
    op.drop_index('ix_complaints_received_cover', table_name='complaints')
    op.create_index('ix_complaints_received_cover', 'complaints', COVER, unique=False)
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('closed_as')
