"""letter templates and documents: every document issued (receipts, notices, letters, handover
papers, handouts) with its number, what it belongs to, who printed it and, for a reprint, the first
print; the saved versions of the letter templates; how to pay, per project, for the notices.

Revision ID: 0016
Revises: 0015

New tables only: nothing of bills or allocations is touched (their ledger_months triggers stay).
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('record_ref', sa.String(length=60), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('template_version', sa.Integer(), nullable=True),
        sa.Column('reprint_of', sa.Integer(), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('issued_by', sa.String(length=32), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_documents_project_id_projects')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_documents_unit_id_units')),
        sa.ForeignKeyConstraint(['reprint_of'], ['documents.id'], name=op.f('fk_documents_reprint_of_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
        sa.UniqueConstraint('number', name=op.f('uq_documents_number')),
    )
    op.create_index('ix_documents_kind_ref', 'documents', ['kind', 'record_ref'], unique=False)
    op.create_index(op.f('ix_documents_unit_id'), 'documents', ['unit_id'], unique=False)
    op.create_table(
        'letter_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=60), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('saved_by', sa.String(length=32), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_templates')),
        sa.UniqueConstraint('kind', 'version', name=op.f('uq_letter_templates_kind_version')),
    )
    op.create_table(
        'document_settings',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('how_to_pay', sa.Text(), nullable=True),
        sa.Column('updated_by', sa.String(length=32), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_document_settings_project_id_projects')),
        sa.PrimaryKeyConstraint('project_id', name=op.f('pk_document_settings')),
    )


def downgrade() -> None:
    op.drop_table('document_settings')
    op.drop_table('letter_templates')
    op.drop_index(op.f('ix_documents_unit_id'), table_name='documents')
    op.drop_index('ix_documents_kind_ref', table_name='documents')
    op.drop_table('documents')
