"""Classifier model registry: installed models, their zone kinds, versions and hashes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 06:35:40.737698
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('classifier_models',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('card_text', sa.Text(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('installed_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_classifier_models'))
    )


def downgrade() -> None:
    op.drop_table('classifier_models')
