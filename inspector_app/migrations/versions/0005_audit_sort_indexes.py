"""Indexes for sorting the audit browser by any column (ties broken by decision time).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:55:00
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_verdicts_brand_model_decided_at": ["brand", "model", "decided_at"],
    "ix_verdicts_suggested_decided_at": ["suggested", "decided_at"],
    "ix_verdicts_intake_at": ["intake_at"],
    "ix_verdicts_tag_number_decided_at": ["tag_number", "decided_at"],
    "ix_verdicts_reason_kinds_decided_at": ["reason_kinds", "decided_at"],
}


def upgrade() -> None:
    with op.batch_alter_table("verdicts") as batch:
        for name, columns in INDEXES.items():
            batch.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verdicts") as batch:
        for name in INDEXES:
            batch.drop_index(name)
