"""org setup: the company's name, projects' address and collection target, owners over time
(several per unit, transfers that keep the history), the special-needs ledger, and the project of
every audit row (for the audit viewer's filters)

Revision ID: 0014
Revises: 0013

Data: every unit's owner becomes its first `unit_owners` row (since unknown); every owner's note
(owners.special_needs) becomes an entry of the ledger of that owner's units, kind "other", dated the
day of the upgrade; the audit rows already written get the project of the record they name.
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CHINA = timezone(timedelta(hours=8))
_CHUNK = 500


def upgrade() -> None:
    op.create_table(
        'company',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_company')),
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('collection_target_bp', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.create_table(
        'unit_owners',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('since', sa.Date(), nullable=True),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('ended_by', sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_unit_owners_owner_id_owners')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_owners_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_owners')),
    )
    op.create_index('ix_unit_owners_unit_until', 'unit_owners', ['unit_id', 'until'], unique=False)
    op.create_index(op.f('ix_unit_owners_owner_id'), 'unit_owners', ['owner_id'], unique=False)
    op.create_table(
        'special_needs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('noted_on', sa.Date(), nullable=False),
        sa.Column('entered_by', sa.String(length=32), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('ended_by', sa.String(length=32), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_special_needs_owner_id_owners')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_special_needs_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_special_needs')),
    )
    op.create_index('ix_special_needs_unit_ended', 'special_needs', ['unit_id', 'ended_on'], unique=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_log_actor_at', ['actor', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index('ix_audit_log_project_at', ['project_id', 'at'], unique=False)
    bind = op.get_bind()
    _owners_over_time(bind)
    _needs_ledger(bind)
    _audit_projects(bind)


def _owners_over_time(bind) -> None:
    bind.execute(sa.text("INSERT INTO unit_owners (unit_id, owner_id) "
                         "SELECT id, owner_id FROM units WHERE owner_id IS NOT NULL ORDER BY id"))


def _needs_ledger(bind) -> None:
    now = datetime.now(timezone.utc)
    if bind.dialect.name == "sqlite":   # as the models' UTC type stores it there: naive UTC
        now = now.replace(tzinfo=None)
    stmt = sa.text(
        "INSERT INTO special_needs (unit_id, owner_id, kind, note, noted_on, entered_by, entered_at, version) "
        "SELECT u.id, o.id, 'other', o.special_needs, :today, 'migration', :now, 1 "
        "FROM units u JOIN owners o ON o.id = u.owner_id "
        "WHERE o.special_needs IS NOT NULL AND TRIM(o.special_needs) <> '' ORDER BY u.id"
    ).bindparams(sa.bindparam("today", type_=sa.Date()), sa.bindparam("now", type_=sa.DateTime(timezone=True)))
    bind.execute(stmt, {"today": datetime.now(CHINA).date(), "now": now})


# entity -> (table, key column, project column); two-step ones through a batch or a unit.
_DIRECT = {"unit": ("units", "id"), "building": ("buildings", "id"), "complaint": ("complaints", "number"),
           "bill": ("bills", "id"), "movein_batch": ("movein_batches", "id")}
_VIA = {"movein_appointment": ("movein_appointments", "batch_id", "movein_batch"),
        "movein_checklist": ("movein_checklist", "batch_id", "movein_batch"),
        "movein_defect": ("movein_defects", "unit_id", "unit"),
        "movein_dispute": ("movein_disputes", "unit_id", "unit")}
_SELF = ("project", "units", "bills", "payments", "working_hours")


def _lookup(bind, table: str, key: str, column: str, ids: list) -> dict:
    numeric = key != "number"
    wanted = [int(i) for i in ids if str(i).isdigit()] if numeric else list(ids)
    found = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        rows = bind.execute(sa.text(f"SELECT {key}, {column} FROM {table} WHERE {key} IN :ids")
                            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk}).all()
        found.update({str(k): v for k, v in rows if v is not None})
    return found


def _audit_projects(bind) -> None:
    tables = set(sa.inspect(bind).get_table_names())
    entities = list(_DIRECT) + list(_VIA) + list(_SELF)
    rows = bind.execute(sa.text("SELECT DISTINCT entity, entity_id FROM audit_log "
                                "WHERE entity IN :e AND entity_id IS NOT NULL")
                        .bindparams(sa.bindparam("e", expanding=True)), {"e": entities}).all()
    ids: dict[str, list] = {}
    for entity, entity_id in rows:
        ids.setdefault(entity, []).append(entity_id)
    projects = {str(p) for p in bind.execute(sa.text("SELECT id FROM projects")).scalars()}
    found = {e: {i: int(i) for i in ids.get(e, []) if i in projects} for e in _SELF}
    for entity, (table, key) in _DIRECT.items():
        if table in tables:
            found[entity] = _lookup(bind, table, key, "project_id", ids.get(entity, []))
    for entity, (table, column, parent) in _VIA.items():
        if table in tables:
            step = _lookup(bind, table, "id", column, ids.get(entity, []))
            pt, pk = _DIRECT[parent]
            parents = _lookup(bind, pt, pk, "project_id", sorted({str(v) for v in step.values()}))
            found[entity] = {i: parents[str(p)] for i, p in step.items() if str(p) in parents}
    update = sa.text("UPDATE audit_log SET project_id = :p WHERE entity = :e AND entity_id = :i")
    params = [{"p": p, "e": e, "i": i} for e, by_id in found.items() for i, p in by_id.items()]
    for start in range(0, len(params), _CHUNK):
        bind.execute(update, params[start:start + _CHUNK])


def _drop_columns(table: str, *columns: str) -> None:
    """In place on both databases: SQLite (3.35+) drops a plain column itself, where a batch
    "move and copy" of `projects` would have to drop a table other rows point at."""
    for column in columns:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def downgrade() -> None:
    op.drop_index('ix_audit_log_project_at', table_name='audit_log')
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.drop_index('ix_audit_log_actor_at', table_name='audit_log')
    _drop_columns('audit_log', 'project_id')
    op.drop_index('ix_special_needs_unit_ended', table_name='special_needs')
    op.drop_table('special_needs')
    op.drop_index(op.f('ix_unit_owners_owner_id'), table_name='unit_owners')
    op.drop_index('ix_unit_owners_unit_until', table_name='unit_owners')
    op.drop_table('unit_owners')
    _drop_columns('projects', 'version', 'collection_target_bp', 'address')
    op.drop_table('company')
