"""payment-plan instalments and approval; waiver requests and their approval

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# Plain added columns on payment_plans (SQLite adds them without rebuilding the table). Rows of
# before 0021 were approved when entered: the server default says so.
PLAN_COLUMNS = (
    sa.Column('status', sa.String(length=10), server_default='approved', nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=300), nullable=True),
)


def upgrade() -> None:
    for column in PLAN_COLUMNS:
        op.add_column('payment_plans', column.copy())
    op.create_index(op.f('ix_payment_plans_status'), 'payment_plans', ['status'], unique=False)
    op.create_table(
        'payment_plan_instalments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['payment_plans.id'],
                                name=op.f('fk_payment_plan_instalments_plan_id_payment_plans'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_plan_instalments')),
        sa.UniqueConstraint('plan_id', 'seq', name=op.f('uq_payment_plan_instalments_plan_id_seq')),
    )
    op.create_index(op.f('ix_payment_plan_instalments_plan_id'), 'payment_plan_instalments', ['plan_id'],
                    unique=False)
    op.create_table(
        'waiver_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bill_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('requested_by', sa.String(length=32), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=32), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], name=op.f('fk_waiver_requests_bill_id_bills')),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_waiver_requests_project_id_projects')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_waiver_requests_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waiver_requests')),
    )
    op.create_index(op.f('ix_waiver_requests_bill_id'), 'waiver_requests', ['bill_id'], unique=False)
    op.create_index(op.f('ix_waiver_requests_unit_id'), 'waiver_requests', ['unit_id'], unique=False)
    op.create_index('ix_waiver_requests_project_status', 'waiver_requests', ['project_id', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_waiver_requests_project_status', table_name='waiver_requests')
    op.drop_index(op.f('ix_waiver_requests_unit_id'), table_name='waiver_requests')
    op.drop_index(op.f('ix_waiver_requests_bill_id'), table_name='waiver_requests')
    op.drop_table('waiver_requests')
    op.drop_index(op.f('ix_payment_plan_instalments_plan_id'), table_name='payment_plan_instalments')
    op.drop_table('payment_plan_instalments')
    op.drop_index(op.f('ix_payment_plans_status'), table_name='payment_plans')
    # payment_plans is small and has no triggers: dropping its columns through a batch is safe.
    with op.batch_alter_table('payment_plans', schema=None) as batch_op:
        for column in reversed(PLAN_COLUMNS):
            batch_op.drop_column(column.name)
