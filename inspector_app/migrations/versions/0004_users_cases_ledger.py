"""Users, organisation, ledger, cases, verdicts and reviews.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 06:50:20.460609
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False),
    sa.Column('brand', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=64), nullable=False),
    sa.Column('pack_version', sa.String(length=64), nullable=False),
    sa.Column('pack_revision', sa.Integer(), nullable=False),
    sa.Column('order_ref', sa.String(length=200), nullable=True),
    sa.Column('declared_value', sa.String(length=64), nullable=True),
    sa.Column('intake_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('case_number', name=op.f('uq_cases_case_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_ledger_entries'))
    )
    ledger_head = op.create_table('ledger_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_ledger_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_head'))
    )
    # The head row writers lock on; the empty ledger's head names the genesis hash.
    op.bulk_insert(ledger_head, [{'id': 1, 'seq': 0, 'hash': '0' * 64}])
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('ca_cert_pem', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_organisation_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('brands', sa.JSON(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('signing_p12', sa.LargeBinary(), nullable=True),
    sa.Column('cert_serial', sa.String(length=64), nullable=True),
    sa.Column('cert_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('inspector', 'supervisor', 'brand-partner', 'admin')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('case_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('suggested', sa.String(length=16), nullable=False),
    sa.Column('judged_against', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_analyses_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_analyses'))
    )
    with op.batch_alter_table('case_analyses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_analyses_case_id'), ['case_id'], unique=False)

    op.create_table('case_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_photos_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_photos'))
    )
    with op.batch_alter_table('case_photos', schema=None) as batch_op:
        batch_op.create_index('ix_case_photos_case_zone', ['case_id', 'zone'], unique=False)

    op.create_table('checklist_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('answered_by', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_checklist_answers_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_answers'))
    )
    with op.batch_alter_table('checklist_answers', schema=None) as batch_op:
        batch_op.create_index('uq_checklist_answers_case_check', ['case_id', 'check_id'], unique=True)

    op.create_table('verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('brand', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('suggested', sa.String(length=16), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('reason_kinds', sa.String(length=64), nullable=False),
    sa.Column('judged_against', sa.JSON(), nullable=False),
    sa.Column('inspector', sa.String(length=64), nullable=False),
    sa.Column('intake_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tag_number', sa.String(length=32), nullable=True),
    sa.Column('report_pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('report_json_sha256', sa.String(length=64), nullable=False),
    sa.Column('ledger_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_verdicts_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdicts')),
    sa.UniqueConstraint('case_id', name=op.f('uq_verdicts_case_id')),
    sa.UniqueConstraint('tag_number', name=op.f('uq_verdicts_tag_number'))
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index('ix_verdicts_brand_decided_at', ['brand', 'decided_at'], unique=False)
        batch_op.create_index('ix_verdicts_model_decided_at', ['model', 'decided_at'], unique=False)
        batch_op.create_index('ix_verdicts_decided_at', ['decided_at'], unique=False)
        batch_op.create_index('ix_verdicts_decision_decided_at', ['decision', 'decided_at'], unique=False)
        batch_op.create_index('ix_verdicts_inspector_decided_at', ['inspector', 'decided_at'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('verdict_id', sa.Integer(), nullable=False),
    sa.Column('supervisor', sa.String(length=64), nullable=False),
    sa.Column('agree', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['verdict_id'], ['verdicts.id'], name=op.f('fk_reviews_verdict_id_verdicts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_verdict_id'), ['verdict_id'], unique=False)

    op.create_table('zone_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('analysis', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['case_analyses.id'], name=op.f('fk_zone_results_analysis_id_case_analyses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone_results'))
    )
    with op.batch_alter_table('zone_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zone_results_analysis_id'), ['analysis_id'], unique=False)


def downgrade() -> None:
    for table in ('zone_results', 'reviews', 'verdicts', 'checklist_answers', 'case_photos', 'case_analyses',
                  'users', 'organisation', 'ledger_head', 'ledger_entries', 'cases'):
        op.drop_table(table)
