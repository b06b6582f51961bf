"""proof of delivery for demands

Revision ID: 0017
Revises: 0016

Adds the proof to each dunning action (its kind; courier and tracking number; two witnesses) and
a table for the photo or scan of a signed copy.

The rows there were: a demand ticked "delivered" before this revision has no proof the company
could show in court (a tick box is the desk's word, not a courier's record, a signature or two
witnesses). Those rows keep `delivered` as they were, so the record still says what was ticked,
but get no proof kind: from this revision on they no longer restart the limitation clock, and a
unit whose only "delivered" demands are such rows counts its three years from the due date again.
The unit's ledger labels them as ticked without proof. Downgrading drops the proofs and their
files (the clock goes back to trusting the tick box).
"""
from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PROOF_COLUMNS = (('proof_kind', 20), ('courier', 12), ('tracking_no', 30), ('witness_1', 32), ('witness_2', 32))


def upgrade() -> None:
    # Nullable columns: a plain ADD COLUMN on SQLite, no table rebuild.
    for name, length in PROOF_COLUMNS:
        op.add_column('dunning_actions', sa.Column(name, sa.String(length=length), nullable=True))
    op.create_table(
        'delivery_proof_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['dunning_actions.id'],
                                name=op.f('fk_delivery_proof_files_action_id_dunning_actions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_proof_files')),
        sa.UniqueConstraint('action_id', name=op.f('uq_delivery_proof_files_action_id')),
    )
    op.create_index(op.f('ix_delivery_proof_files_sha256'), 'delivery_proof_files', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_delivery_proof_files_sha256'), table_name='delivery_proof_files')
    op.drop_table('delivery_proof_files')
    with op.batch_alter_table('dunning_actions', schema=None) as batch_op:
        for name, _ in reversed(PROOF_COLUMNS):
            batch_op.drop_column(name)
