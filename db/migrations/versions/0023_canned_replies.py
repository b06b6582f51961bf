"""canned replies: approved wordings per category and situation

Revision ID: 0023
Revises: 0022

A new table only, empty (a migration invents no data): the demo command adds a few of our own
wordings (demo/replies.py); a company writes its own on the replies page.
"""
from alembic import op
import sqlalchemy as sa

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'canned_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('situation', sa.String(length=20), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=True),
        sa.Column('title', sa.String(length=60), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_by', sa.String(length=32), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_replies')),
    )
    op.create_index('ix_canned_replies_situation_category', 'canned_replies', ['situation', 'category'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_canned_replies_situation_category', table_name='canned_replies')
    op.drop_table('canned_replies')
