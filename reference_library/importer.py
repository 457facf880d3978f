"""Import of a pack: all or nothing, in one transaction.

Order matters for the all-or-nothing promise. Everything is validated first;
then files go to the content store (blobs nobody references yet are harmless);
then one database transaction records the pack. If that transaction fails, the
blobs this import created are removed again, so a failed import leaves the
database and the store as they were.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from packaging.version import Version
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .db import Brand, Check, CurrentPack, ItemModel, Pack, PackFileRow, Zone, ZoneImage
from .problems import PackError, Problem
from .signatures import default_vocabulary, logo_reference_shas, method_name, save_signatures, sign_blobs, unsigned
from .source import PackSource, SourceLimits, open_pack_source
from .store import ContentStore
from .validation import Progress, ValidatedPack, validate_pack


@dataclass(frozen=True)
class ImportResult:
    brand: str
    version: str
    revision: int
    digest: str
    became_current: bool
    previous_current: str | None
    models: int
    zones: int
    references: int
    counterfeits: int
    checks: int
    new_blobs: int
    warnings: tuple[Problem, ...]
    seconds: float


@dataclass(frozen=True)
class Recorded:
    """What an import records, handed to the ``record`` hook inside the import's transaction."""

    brand: str
    version: str
    revision: int
    digest: str
    became_current: bool


#: Writes beside the import in its own transaction (the application's ledger entry), so both commit or neither.
RecordHook = Callable[[Session, Recorded], None]


def import_pack(path: str | os.PathLike[str], *, session_factory: sessionmaker[Session], store: ContentStore,
                force: bool = False, limits: SourceLimits = SourceLimits(), progress: Progress | None = None,
                imported_by: str | None = None, record: RecordHook | None = None) -> ImportResult:
    """Validate and import a pack directory or zip; raise :class:`PackError` if refused.

    Importing a newer version than the brand's current one makes it current;
    an older one is kept but does not replace the current one. The same
    version again is refused unless ``force``, which records a new revision.
    """
    started = time.perf_counter()
    with open_pack_source(path, limits) as source:
        pack = validate_pack(source, limits=limits, progress=progress)
        # logo signatures for brand suggestion: the missing ones computed before the transaction, written inside it
        method = method_name(default_vocabulary())
        with session_factory() as session:
            revision = _next_revision(session, pack, force)
            to_sign = unsigned(session, logo_reference_shas(pack), method)
        created = _store_files(source, pack, store, progress)
    try:
        signatures = sign_blobs(store, to_sign, default_vocabulary())
        with session_factory.begin() as session:
            previous, became_current = _record(session, pack, revision, imported_by)
            save_signatures(session, signatures, method)
            if record is not None:
                record(session, Recorded(pack.brand, pack.version, revision, pack.digest, became_current))
    except IntegrityError:
        _discard(store, created)
        raise PackError([Problem(f"{pack.brand} {pack.version}",
                                 "another import of this version finished at the same time; try again")],
                        "import refused") from None
    except BaseException:
        _discard(store, created)
        raise
    return ImportResult(
        brand=pack.brand, version=pack.version, revision=revision, digest=pack.digest,
        became_current=became_current, previous_current=previous,
        models=len(pack.manifest.models), zones=len(pack.manifest.zones),
        references=sum(len(i.references) for i in pack.zone_images.values()),
        counterfeits=sum(len(i.counterfeits) for i in pack.zone_images.values()),
        checks=len(pack.manifest.checks), new_blobs=len(created), warnings=pack.warnings,
        seconds=time.perf_counter() - started,
    )


def _next_revision(session: Session, pack: ValidatedPack, force: bool) -> int:
    existing = session.scalar(
        select(func.max(Pack.revision)).join(Brand).where(Brand.slug == pack.brand, Pack.version == pack.version))
    if existing is None:
        return 1
    if not force:
        raise PackError([Problem(f"{pack.brand} {pack.version}",
                                 "this version is already in the library; import with --force to record "
                                 "it again as a new revision")], "import refused")
    return existing + 1


def _store_files(source: PackSource, pack: ValidatedPack, store: ContentStore,
                 progress: Progress | None) -> list[str]:
    """Copy the pack's files into the store; return the blobs this call created."""
    created: list[str] = []
    try:
        for done, (path, expected) in enumerate(sorted(pack.files.items()), start=1):
            data = source.read(path)
            if hashlib.sha256(data).hexdigest() != expected.sha256:
                raise PackError([Problem(f"{source.label}/{path}", "file changed after it was validated")],
                                "import refused")
            sha, new = store.put(data)
            if new:
                created.append(sha)
            if progress:
                progress("storing", done, len(pack.files))
    except BaseException:
        _discard(store, created)
        raise
    return created


def _discard(store: ContentStore, created: list[str]) -> None:
    for sha in created:
        store.discard(sha)


def _record(session: Session, pack: ValidatedPack, revision: int,
            imported_by: str | None) -> tuple[str | None, bool]:
    """Add the pack's rows; return (previous current version, whether this one became current)."""
    info = pack.manifest.pack
    brand = session.scalar(select(Brand).where(Brand.slug == info.brand))
    if brand is None:
        brand = Brand(slug=info.brand, name=info.brand_name)
        session.add(brand)
        session.flush()
    row = Pack(brand=brand, version=info.version, revision=revision, brand_name=info.brand_name,
               publisher=info.publisher, format=info.format, manifest_text=pack.manifest_text,
               digest=pack.digest, imported_at=datetime.now(UTC), imported_by=imported_by)
    row.files = [PackFileRow(path=f.path, sha256=f.sha256, size=f.size, width=f.width, height=f.height)
                 for f in pack.files.values()]
    for m_pos, model in enumerate(pack.manifest.models):
        item = ItemModel(slug=model.id, name=model.name, position=m_pos)
        zones = [z for z in pack.manifest.zones if z.model == model.id]
        for z_pos, zone in enumerate(zones):
            images = pack.zone_images[(model.id, zone.id)]
            zone_row = Zone(slug=zone.id, kind=zone.kind, title=zone.title, critical=zone.critical,
                            tolerances=zone.tolerances.as_dict(), position=z_pos)
            zone_row.images = [
                ZoneImage(role=role, path=p, sha256=pack.files[p].sha256, position=i)
                for role, paths in (("reference", images.references), ("counterfeit", images.counterfeits))
                for i, p in enumerate(paths)
            ]
            item.zones.append(zone_row)
        row.models.append(item)
    row.checks = [Check(slug=c.id, zone_slug=c.zone, text=c.text, critical=c.critical, position=i)
                  for i, c in enumerate(pack.manifest.checks)]
    session.add(row)
    session.flush()

    current = session.get(CurrentPack, brand.id)
    previous = current.pack.version if current else None
    became_current = current is None or Version(info.version) >= Version(previous)
    if became_current:
        if current is None:
            session.add(CurrentPack(brand_id=brand.id, pack_id=row.id))
        else:
            current.pack_id = row.id
        brand.name = info.brand_name
    return previous, became_current
