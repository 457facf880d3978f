"""Zones made ready for the engine, cached by what they were made from.

Preparing a zone (measuring and calibrating from its references) takes far
longer than judging a photo, and depends only on the reference images, the
tolerances and the engine's algorithm version. The cache key hashes exactly
those, so a new pack version, a changed tolerance or a new engine never reuses
a stale preparation. Entries live in memory and in the data home (pickles
written by this application into its own directory, atomically).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
import threading
from pathlib import Path

from vision.engine import WORK_LONG_SIDE, PreparedZone, prepare_zone
from vision.image_io import decode_for_analysis
from vision.zone import ALGORITHM_VERSION, Tolerances

from .catalog import ZoneSummary
from .store import ContentStore

log = logging.getLogger(__name__)


class UnusableReferences(ValueError):
    """The zone's references cannot be measured (e.g. they cannot be aligned with each other)."""


class PreparedZones:
    """Get-or-prepare for zones, shared by every inspection in the process."""

    def __init__(self, store: ContentStore, cache_dir: Path | None = None):
        self._store = store
        self._dir = cache_dir
        self._memory: dict[str, PreparedZone | UnusableReferences] = {}
        self._lock = threading.Lock()

    def get(self, zone: ZoneSummary, public_key_pem: bytes | None = None) -> PreparedZone:
        """The prepared zone; :class:`UnusableReferences` if its references cannot be prepared
        (remembered, so a failing preparation is not repeated for every item)."""
        key = cache_key(zone, public_key_pem)
        with self._lock:
            known = self._memory.get(key)
        if known is None:
            known = self._load(key) or self._prepare(zone, public_key_pem, key)
            with self._lock:
                self._memory[key] = known
        if isinstance(known, UnusableReferences):
            raise UnusableReferences(str(known))   # a fresh one each time: tracebacks do not pile up
        return known

    def _prepare(self, zone: ZoneSummary, public_key_pem: bytes | None,
                 key: str) -> PreparedZone | UnusableReferences:
        size = WORK_LONG_SIDE[zone.kind]
        refs = tuple(decode_for_analysis(self._store.read(r.sha256), min_long_side=size) for r in zone.references)
        fakes = tuple(decode_for_analysis(self._store.read(r.sha256), min_long_side=size) for r in zone.counterfeits)
        try:
            prepared = prepare_zone(zone.kind, refs, fakes, Tolerances.from_mapping(zone.tolerances, public_key_pem))
        except ValueError as exc:   # the analysers' word for references they cannot measure
            return UnusableReferences(str(exc))
        self._save(key, prepared)
        return prepared

    def _path(self, key: str) -> Path | None:
        return self._dir / f"{key}.pickle" if self._dir else None

    def _load(self, key: str) -> PreparedZone | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            with open(path, "rb") as fh:
                prepared = pickle.load(fh)  # our own file, in our own data home
        except Exception:  # a damaged cache entry is rebuilt, never fatal
            log.warning("discarding unreadable cache entry %s", path)
            path.unlink(missing_ok=True)
            return None
        return prepared if isinstance(prepared, PreparedZone) else None

    def _save(self, key: str, prepared: PreparedZone) -> None:
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".prep.")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(prepared, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except Exception:
            Path(tmp).unlink(missing_ok=True)
            log.warning("could not cache a prepared %s zone in %s", prepared.kind, path.parent)


def cache_key(zone: ZoneSummary, public_key_pem: bytes | None) -> str:
    """Hash of everything a preparation depends on."""
    material = {
        "algorithm": ALGORITHM_VERSION, "kind": zone.kind, "tolerances": zone.tolerances,
        "references": [r.sha256 for r in zone.references], "counterfeits": [r.sha256 for r in zone.counterfeits],
        "key": hashlib.sha256(public_key_pem).hexdigest() if public_key_pem else None,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
