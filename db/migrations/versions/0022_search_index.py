"""search index of cases, units and complaints (segmented words)

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# The index starts empty: the first search catches up the records already stored (db/search_index.py).


def upgrade() -> None:
    op.create_table(
        'search_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('term', sa.String(length=32), nullable=False),
        sa.Column('weight', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_terms')),
    )
    op.create_index('ix_search_terms_lookup', 'search_terms', ['kind', 'term', 'project_id', 'ref_id', 'weight'],
                    unique=False)
    op.create_index('ix_search_terms_ref', 'search_terms', ['ref_id', 'kind'], unique=False)
    op.create_table(
        'search_state',
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('indexed_upto', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', name=op.f('pk_search_state')),
    )


def downgrade() -> None:
    op.drop_table('search_state')
    op.drop_index('ix_search_terms_ref', table_name='search_terms')
    op.drop_index('ix_search_terms_lookup', table_name='search_terms')
    op.drop_table('search_terms')
