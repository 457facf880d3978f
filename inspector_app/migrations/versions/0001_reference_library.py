"""Reference library: brands, immutable pack versions, models, zones, images, checks.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 04:24:58.515714
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('brands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_brands')),
    sa.UniqueConstraint('slug', name=op.f('uq_brands_slug'))
    )
    op.create_table('packs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('brand_name', sa.String(length=200), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('manifest_text', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_packs_brand_id_brands')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packs')),
    sa.UniqueConstraint('brand_id', 'version', 'revision', name=op.f('uq_packs_brand_id_version_revision'))
    )
    with op.batch_alter_table('packs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packs_brand_id'), ['brand_id'], unique=False)

    op.create_table('checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('zone_slug', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pack_id'], ['packs.id'], name=op.f('fk_checks_pack_id_packs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checks')),
    sa.UniqueConstraint('pack_id', 'slug', name=op.f('uq_checks_pack_id_slug'))
    )
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checks_pack_id'), ['pack_id'], unique=False)

    op.create_table('current_packs',
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_current_packs_brand_id_brands')),
    sa.ForeignKeyConstraint(['pack_id'], ['packs.id'], name=op.f('fk_current_packs_pack_id_packs')),
    sa.PrimaryKeyConstraint('brand_id', name=op.f('pk_current_packs'))
    )
    op.create_table('item_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pack_id'], ['packs.id'], name=op.f('fk_item_models_pack_id_packs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_models')),
    sa.UniqueConstraint('pack_id', 'slug', name=op.f('uq_item_models_pack_id_slug'))
    )
    with op.batch_alter_table('item_models', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_models_pack_id'), ['pack_id'], unique=False)

    op.create_table('pack_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['pack_id'], ['packs.id'], name=op.f('fk_pack_files_pack_id_packs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_files')),
    sa.UniqueConstraint('pack_id', 'path', name=op.f('uq_pack_files_pack_id_path'))
    )
    with op.batch_alter_table('pack_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pack_files_pack_id'), ['pack_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pack_files_sha256'), ['sha256'], unique=False)

    op.create_table('zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('tolerances', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['item_models.id'], name=op.f('fk_zones_model_id_item_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zones')),
    sa.UniqueConstraint('model_id', 'slug', name=op.f('uq_zones_model_id_slug'))
    )
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zones_model_id'), ['model_id'], unique=False)

    op.create_table('zone_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_zone_images_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone_images'))
    )
    with op.batch_alter_table('zone_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zone_images_zone_id'), ['zone_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('zone_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zone_images_zone_id'))

    op.drop_table('zone_images')
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zones_model_id'))

    op.drop_table('zones')
    with op.batch_alter_table('pack_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pack_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_pack_files_pack_id'))

    op.drop_table('pack_files')
    with op.batch_alter_table('item_models', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_models_pack_id'))

    op.drop_table('item_models')
    op.drop_table('current_packs')
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checks_pack_id'))

    op.drop_table('checks')
    with op.batch_alter_table('packs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packs_brand_id'))

    op.drop_table('packs')
    op.drop_table('brands')
