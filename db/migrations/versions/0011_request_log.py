"""request_log: a form's request key and its result, so a write happens once per submission

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'request_log',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('actor', sa.String(length=32), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_request_log')),
    )


def downgrade() -> None:
    op.drop_table('request_log')
