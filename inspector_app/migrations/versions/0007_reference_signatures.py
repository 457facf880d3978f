"""Reference signatures: compact visual features of each logo reference, for brand/model suggestion.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:25:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_signatures",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "method", name=op.f("pk_reference_signatures")),
    )


def downgrade() -> None:
    op.drop_table("reference_signatures")
