"""attachments on complaints

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'complaint_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('stage', sa.String(length=12), nullable=False),
        sa.Column('thumb', sa.LargeBinary(), nullable=True),
        sa.Column('uploaded_by', sa.String(length=32), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('removed_by', sa.String(length=32), nullable=True),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('removed_reason', sa.String(length=300), nullable=False),
        # the file last: SQLite then lists the other columns (thumbnails included) without walking
        # the file's overflow pages (12 photos of 6 MB: 205 ms a list with it in the middle)
        sa.Column('data', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                                name=op.f('fk_complaint_attachments_complaint_id_complaints'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_attachments')),
    )
    op.create_index(op.f('ix_complaint_attachments_complaint_id'), 'complaint_attachments', ['complaint_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_complaint_attachments_complaint_id'), table_name='complaint_attachments')
    op.drop_table('complaint_attachments')
