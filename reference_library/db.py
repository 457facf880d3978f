"""Database tables of the reference library, and the one declarative base.

Pack versions are immutable once imported: past verdicts point at them and a
supervisor must be able to replay a verdict years later against exactly the
references it was judged with. A newer import adds rows; ``current_packs``
says which version a brand's inspections use now.

Images are not stored here, only their sha256 in the content store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint names, so migrations can address them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The application's single declarative base (one migration history)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class Brand(Base):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    packs: Mapped[list[Pack]] = relationship(back_populates="brand", order_by="Pack.id")


class Pack(Base):
    """One imported version of a brand's pack (a forced re-import adds a revision)."""

    __tablename__ = "packs"
    __table_args__ = (UniqueConstraint("brand_id", "version", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    version: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    brand_name: Mapped[str] = mapped_column(String(200))
    publisher: Mapped[str] = mapped_column(String(200))
    format: Mapped[int] = mapped_column(Integer)
    manifest_text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime]
    imported_by: Mapped[str | None] = mapped_column(String(200))

    brand: Mapped[Brand] = relationship(back_populates="packs")
    files: Mapped[list[PackFileRow]] = relationship(order_by="PackFileRow.path", cascade="all, delete-orphan")
    models: Mapped[list[ItemModel]] = relationship(order_by="ItemModel.position", cascade="all, delete-orphan")
    checks: Mapped[list[Check]] = relationship(order_by="Check.position", cascade="all, delete-orphan")


class CurrentPack(Base):
    """Which pack version a brand's inspections use now (one row per brand)."""

    __tablename__ = "current_packs"

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"))

    pack: Mapped[Pack] = relationship()


class PackFileRow(Base):
    """A file of a pack (image or key) by its path in the pack and its content hash."""

    __tablename__ = "pack_files"
    __table_args__ = (UniqueConstraint("pack_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)


class ItemModel(Base):
    """A product model of a brand (a bag, a shoe) within one pack version."""

    __tablename__ = "item_models"
    __table_args__ = (UniqueConstraint("pack_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)

    zones: Mapped[list[Zone]] = relationship(order_by="Zone.position", cascade="all, delete-orphan")


class Zone(Base):
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("model_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("item_models.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    critical: Mapped[bool] = mapped_column(Boolean)
    tolerances: Mapped[dict[str, Any]]
    position: Mapped[int] = mapped_column(Integer)

    images: Mapped[list[ZoneImage]] = relationship(order_by="ZoneImage.position", cascade="all, delete-orphan")


class ZoneImage(Base):
    """An authentic reference or a known counterfeit of a zone."""

    __tablename__ = "zone_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # "reference" | "counterfeit"
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)


class Check(Base):
    """One checklist item; ``zone_slug`` ties it to a zone's analysis."""

    __tablename__ = "checks"
    __table_args__ = (UniqueConstraint("pack_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    zone_slug: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    critical: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)
