"""Serial sightings: serials read at the bench, per case, for clone alerts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:52:06.420244
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('serial_sightings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand', sa.String(length=64), nullable=False),
    sa.Column('serial', sa.String(length=200), nullable=False),
    sa.Column('case_ref', sa.String(length=200), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_serial_sightings')),
    sa.UniqueConstraint('brand', 'serial', 'case_ref', name=op.f('uq_serial_sightings_brand_serial_case_ref'))
    )
    with op.batch_alter_table('serial_sightings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serial_sightings_serial'), ['serial'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('serial_sightings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serial_sightings_serial'))

    op.drop_table('serial_sightings')
