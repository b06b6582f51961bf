"""outbox inbox and channels: deliveries written with the change that caused them, the in-app
inbox, channel settings, users' routes and quiet hours, owner templates and opt-outs, the
scheduler's last runs

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'notification_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_key', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('recipient', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.String(length=2000), nullable=False),
        sa.Column('link', sa.String(length=200), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_at', TZ, nullable=False),
        sa.Column('lease_until', TZ, nullable=True),
        sa.Column('lease_owner', sa.String(length=40), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('sent_at', TZ, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_outbox')),
        sa.UniqueConstraint('event_key', 'recipient', 'channel',
                            name=op.f('uq_notification_outbox_event_key_recipient_channel')),
    )
    op.create_index('ix_notification_outbox_state_next', 'notification_outbox', ['state', 'next_at'])
    op.create_table(
        'notification_inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=32), nullable=False),
        sa.Column('event_key', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('link', sa.String(length=200), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('read_at', TZ, nullable=True),
        sa.Column('needs_ack', sa.Boolean(), nullable=False),
        sa.Column('acknowledged_at', TZ, nullable=True),
        sa.Column('acknowledged_by', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_inbox')),
        sa.UniqueConstraint('event_key', 'username', name=op.f('uq_notification_inbox_event_key_username')),
    )
    op.create_index('ix_notification_inbox_user_read', 'notification_inbox', ['username', 'read_at'])
    op.create_index(op.f('ix_notification_inbox_created_at'), 'notification_inbox', ['created_at'])
    op.create_table(
        'notification_channels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('config', sa.JSON(), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('updated_by', sa.String(length=32), nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_channels')),
    )
    op.create_table(
        'notification_prefs',
        sa.Column('username', sa.String(length=32), nullable=False),
        sa.Column('email', sa.String(length=120), nullable=False),
        sa.Column('quiet', sa.String(length=11), nullable=False),
        sa.Column('routes', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('username', name=op.f('pk_notification_prefs')),
    )
    op.create_table(
        'owner_templates',
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('body', sa.String(length=500), nullable=False),
        sa.Column('approved_body', sa.String(length=500), nullable=True),
        sa.Column('provider_code', sa.String(length=40), nullable=False),
        sa.Column('edited_by', sa.String(length=32), nullable=False),
        sa.Column('edited_at', TZ, nullable=False),
        sa.Column('approved_by', sa.String(length=32), nullable=True),
        sa.Column('approved_at', TZ, nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', name=op.f('pk_owner_templates')),
    )
    op.create_table(
        'owner_optouts',
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('at', TZ, nullable=False),
        sa.Column('recorded_by', sa.String(length=32), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_owner_optouts_owner_id_owners'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('owner_id', name=op.f('pk_owner_optouts')),
    )
    op.create_table(
        'scheduled_jobs',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('last_slot', sa.String(length=20), nullable=False),
        sa.Column('ran_at', TZ, nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_jobs')),
    )


def downgrade() -> None:
    op.drop_table('scheduled_jobs')
    op.drop_table('owner_optouts')
    op.drop_table('owner_templates')
    op.drop_table('notification_prefs')
    op.drop_table('notification_channels')
    op.drop_index(op.f('ix_notification_inbox_created_at'), table_name='notification_inbox')
    op.drop_index('ix_notification_inbox_user_read', table_name='notification_inbox')
    op.drop_table('notification_inbox')
    op.drop_index('ix_notification_outbox_state_next', table_name='notification_outbox')
    op.drop_table('notification_outbox')
