"""working calendar: opening hours per scope (company, project), entered official years, and the
calendar each ticket's deadlines were set on

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'working_hours',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('preset', sa.String(length=20), nullable=False),
        sa.Column('week', sa.JSON(), nullable=False),
        sa.Column('open_on_holidays', sa.Boolean(), nullable=False),
        sa.Column('updated_by', sa.String(length=32), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_working_hours_project_id_projects'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_working_hours')),
        sa.UniqueConstraint('scope', name=op.f('uq_working_hours_scope')),
    )
    op.create_table(
        'official_years',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('holidays', sa.JSON(), nullable=False),
        sa.Column('makeup_workdays', sa.JSON(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('entered_by', sa.String(length=32), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_official_years')),
    )
    # Tickets timed before this migration keep NULL: their deadlines were set on the office week.
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_version', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('calendar_version')
    op.drop_table('official_years')
    op.drop_table('working_hours')
