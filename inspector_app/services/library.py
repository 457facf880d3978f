"""The reference library as the workstation window uses it: list, import, export, thumbnails.

Everything here runs on worker threads (the window never calls it from the GUI
thread), takes its inputs as plain values and returns frozen data, never live
ORM objects. Changes are made as the signed-in user, whose role is checked here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from reference_library.catalog import BrandSummary, list_library
from reference_library.exporter import export_pack
from reference_library.importer import ImportResult, import_pack
from reference_library.store import ContentStore
from reports.users import Action, Role, User, require
from vision.image_io import decode_image, probe_image

from .db_faults import retry_on_disconnect
from .ledger_records import ledger_import, local_operator
from .users import import_pack_as

#: progress(stage, done, total), as the importer reports it.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportRequest:
    """One pack import, as the user asked for it."""

    path: Path
    force: bool = False


@dataclass(frozen=True)
class DemoSeedRequest:
    """Import the bundled demo packs, but only into an empty library."""

    pack_dirs: tuple[Path, ...]


class LibraryService:
    """Thin use-case layer over :mod:`reference_library` for the window."""

    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore):
        self._session_factory = session_factory
        self._store = store

    @retry_on_disconnect
    def brands(self) -> list[BrandSummary]:
        """Every brand with all its pack versions."""
        with self._session_factory() as session:
            return list_library(session)

    @retry_on_disconnect
    def brands_for(self, actor: User) -> list[BrandSummary]:
        """The brands ``actor`` works with: a brand partner its own, everyone else all of them."""
        brands = self.brands()
        if actor.role is Role.BRAND_PARTNER:
            return [b for b in brands if b.slug in actor.brands]
        return brands

    def import_pack(self, actor: User, request: ImportRequest, progress: Progress | None = None) -> list[ImportResult]:
        """Import one pack as ``actor`` (all or nothing); a refused pack raises ``PackError``,
        a pack of a brand the actor may not publish ``PermissionDenied``."""
        return [import_pack_as(actor, request.path, session_factory=self._session_factory, store=self._store,
                               force=request.force, progress=progress)]

    def export(self, actor: User, brand: str, version: str | None, out: Path) -> Path:
        """Write a pack version (the current one if ``version`` is None) to a zip that imports to the same
        digest. Whoever may publish the brand's packs may export them."""
        require(actor, Action.IMPORT_PACK, brand)
        with self._session_factory() as session:
            return export_pack(session, self._store, brand, out, version)

    def seed_demo(self, request: DemoSeedRequest, progress: Progress | None = None) -> list[ImportResult]:
        """Import the demo packs if the library holds no brand; otherwise do nothing.

        The emptiness check runs here, on the worker, so a library filled by
        another bench meanwhile is never seeded twice.
        """
        if self.brands():
            return []
        results = []
        for pack_dir in request.pack_dirs:
            def report(stage: str, done: int, total: int, name: str = pack_dir.name) -> None:
                if progress:
                    progress(f"{name}: {stage}", done, total)
            results.append(import_pack(pack_dir, session_factory=self._session_factory, store=self._store,
                                       progress=report, record=ledger_import(local_operator())))
        return results

    def thumbnail(self, sha256: str, max_side: int) -> np.ndarray:
        """A stored image decoded small: RGB uint8 with its longer side at most ``max_side``.

        JPEGs are decoded at a reduced scale first (much faster than a full
        decode), then area-resampled to the exact size.
        """
        data = self._store.read(sha256)
        info = probe_image(data)
        reduce = 1
        while reduce < 8 and max(info.width, info.height) // (reduce * 2) >= max_side:
            reduce *= 2
        rgb = decode_image(data, reduce=reduce)
        height, width = rgb.shape[:2]
        scale = max_side / max(height, width)
        if scale < 1:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(rgb)

