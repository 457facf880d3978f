"""A case's claim names the bench as well as the user: one bench works a case at a time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("claimed_bench", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("claimed_bench")
