"""Read side of the library: frozen summaries, never live ORM objects.

The CLI's ``library list``, the workstation's library browser and (later) the
inspection services all read the library through these plain values, so no
caller holds a session open or depends on the table layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from packaging.version import Version
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from .db import Brand, CurrentPack, ItemModel, Pack, PackFileRow, Zone


class NotInLibrary(LookupError):
    """A brand, version, model or zone the library does not hold."""


@dataclass(frozen=True)
class ImageRef:
    role: str      # "reference" | "counterfeit"
    path: str      # path inside the pack
    sha256: str    # name in the content store


@dataclass(frozen=True)
class ZoneSummary:
    id: str
    kind: str
    title: str
    critical: bool
    tolerances: dict[str, Any]
    references: tuple[ImageRef, ...]
    counterfeits: tuple[ImageRef, ...]


@dataclass(frozen=True)
class ModelSummary:
    id: str
    name: str
    zones: tuple[ZoneSummary, ...]


@dataclass(frozen=True)
class CheckSummary:
    id: str
    text: str
    critical: bool
    zone: str | None


@dataclass(frozen=True)
class PackSummary:
    brand: str
    brand_name: str
    version: str
    revision: int
    publisher: str
    digest: str
    imported_at: datetime
    current: bool
    models: tuple[ModelSummary, ...]
    checks: tuple[CheckSummary, ...]

    @property
    def label(self) -> str:
        return self.version if self.revision == 1 else f"{self.version} (revision {self.revision})"


@dataclass(frozen=True)
class BrandSummary:
    slug: str
    name: str
    packs: tuple[PackSummary, ...]   # newest version first

    @property
    def current(self) -> PackSummary | None:
        return next((p for p in self.packs if p.current), None)


def _pack_query() -> Select[tuple[Pack]]:
    return select(Pack).options(
        selectinload(Pack.brand),
        selectinload(Pack.checks),
        selectinload(Pack.models).selectinload(ItemModel.zones).selectinload(Zone.images),
    )


def list_library(session: Session) -> list[BrandSummary]:
    """Every brand with every imported pack version, brands by slug."""
    current_ids = set(session.scalars(select(CurrentPack.pack_id)))
    by_brand: dict[str, list[PackSummary]] = {}
    names: dict[str, str] = {}
    for pack in session.scalars(_pack_query()):
        by_brand.setdefault(pack.brand.slug, []).append(_summarise(pack, pack.id in current_ids))
        names[pack.brand.slug] = pack.brand.name
    return [
        BrandSummary(slug, names[slug], tuple(sorted(packs, key=lambda p: (Version(p.version), p.revision),
                                                     reverse=True)))
        for slug, packs in sorted(by_brand.items())
    ]


def get_pack(session: Session, brand: str, version: str | None = None) -> PackSummary:
    """A brand's current pack, or a given version's latest revision."""
    return _summarise(*find_pack_row(session, brand, version))


def find_pack_row(session: Session, brand: str, version: str | None = None) -> tuple[Pack, bool]:
    """The pack row (and whether it is current); :class:`NotInLibrary` if absent."""
    brand_row = session.scalar(select(Brand).where(Brand.slug == brand))
    if brand_row is None:
        known = ", ".join(session.scalars(select(Brand.slug).order_by(Brand.slug))) or "none"
        raise NotInLibrary(f"brand '{brand}' is not in the library (brands: {known})")
    current = session.get(CurrentPack, brand_row.id)
    query = _pack_query().where(Pack.brand_id == brand_row.id)
    if version is None:
        pack = session.scalar(query.where(Pack.id == current.pack_id)) if current else None
    else:
        pack = session.scalar(query.where(Pack.version == version).order_by(Pack.revision.desc()).limit(1))
    if pack is None:
        raise NotInLibrary(f"brand '{brand}' has no pack version {version}" if version
                           else f"brand '{brand}' has no current pack")
    return pack, current is not None and current.pack_id == pack.id


def _summarise(pack: Pack, current: bool) -> PackSummary:
    models = tuple(
        ModelSummary(m.slug, m.name, tuple(
            ZoneSummary(
                z.slug, z.kind, z.title, z.critical, dict(z.tolerances),
                tuple(ImageRef(i.role, i.path, i.sha256) for i in z.images if i.role == "reference"),
                tuple(ImageRef(i.role, i.path, i.sha256) for i in z.images if i.role == "counterfeit"),
            ) for z in m.zones))
        for m in pack.models
    )
    checks = tuple(CheckSummary(c.slug, c.text, c.critical, c.zone_slug) for c in pack.checks)
    return PackSummary(pack.brand.slug, pack.brand_name, pack.version, pack.revision, pack.publisher,
                       pack.digest, pack.imported_at, current, models, checks)


def pack_file_sha(session: Session, pack: PackSummary, path: str) -> str:
    """Content hash of one file of an imported pack (a key, an image) by its pack path."""
    sha = session.scalar(
        select(PackFileRow.sha256).join(Pack, PackFileRow.pack_id == Pack.id).join(Brand)
        .where(Brand.slug == pack.brand, Pack.version == pack.version, Pack.revision == pack.revision,
               PackFileRow.path == path))
    if sha is None:
        raise NotInLibrary(f"pack {pack.brand} {pack.label} has no file {path}")
    return sha
