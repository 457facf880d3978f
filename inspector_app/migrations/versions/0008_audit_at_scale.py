"""Indexes for the audit screens on a million verdicts (issue 7).

The tag sort index gains the id (the many NULL tags of failed items made a
large sort per page); statistics over a period read a covering index alone;
the escalation queue reads a partial index of the INCONCLUSIVE verdicts;
sorting by "overridden" reads an index on that expression (PostgreSQL only).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

STATISTICS = ["decided_at", "intake_at", "brand", "decision", "suggested", "id"]
OVERRIDDEN = sa.text("(decision != suggested)")
INCONCLUSIVE = sa.text("decision = 'INCONCLUSIVE'")


def upgrade() -> None:
    with op.batch_alter_table("verdicts") as batch:
        batch.drop_index("ix_verdicts_tag_number_decided_at")
        batch.create_index("ix_verdicts_tag_number_decided_at_id", ["tag_number", "decided_at", "id"], unique=False)
        batch.create_index("ix_verdicts_statistics", STATISTICS, unique=False)
        if op.get_bind().dialect.name == "postgresql":   # SQLite's schema check cannot read expression indexes
            batch.create_index("ix_verdicts_overridden_decided_at_id", [OVERRIDDEN, "decided_at", "id"], unique=False)
        batch.create_index("ix_verdicts_inconclusive", ["decided_at", "id"], unique=False,
                           postgresql_where=INCONCLUSIVE, sqlite_where=INCONCLUSIVE)


def downgrade() -> None:
    with op.batch_alter_table("verdicts") as batch:
        batch.drop_index("ix_verdicts_inconclusive")
        if op.get_bind().dialect.name == "postgresql":
            batch.drop_index("ix_verdicts_overridden_decided_at_id")
        batch.drop_index("ix_verdicts_statistics")
        batch.drop_index("ix_verdicts_tag_number_decided_at_id")
        batch.create_index("ix_verdicts_tag_number_decided_at", ["tag_number", "decided_at"], unique=False)
