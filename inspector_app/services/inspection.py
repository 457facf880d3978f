"""Inspecting an item: its zone photos against the brand's current pack.

The use case behind ``inspector-app inspect`` (and, later, the bench's
capture screen): check the request against the library, read and store every
photo, judge each zone with the engine (the zones side by side, on threads),
add the bench-wide clone check for serial codes, and suggest a verdict by the
documented rule. Nothing here decides for the inspector; it returns plain
frozen data.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from reference_library.catalog import NotInLibrary, PackSummary, ZoneSummary, get_pack, pack_file_sha
from reference_library.prepared import PreparedZones, UnusableReferences
from reference_library.store import ContentStore
from reports.serials import record_sighting, sightings_elsewhere
from reports.verdict import Verdict, suggest_verdict
from reference_library.model_registry import ModelSummary
from vision.engine import WORK_LONG_SIDE, PreparedZone, analyse_zone, gate_photo
from vision.findings import Evidence, Finding, Status, ZoneAnalysis
from vision.fusion import SecondOpinion
from vision.image_io import ImageError, decode_for_analysis
from vision.quality import QualityReport, assess_photo
from vision.zone import ALGORITHM_VERSION, library_versions

from .second_opinion import ModelUnavailable, SecondOpinions

#: A photo file larger than this is refused before it is read.
MAX_PHOTO_BYTES = 80 * 1024**2
#: At most this many zones of an item are judged at once. The engine spends its time in OpenCV and
#: NumPy, which release the interpreter lock, so zones run side by side on a multi-core workstation
#: (two cores: an item in 301 ms on median instead of 447, see tools/bench_vision.py); each zone's
#: photo and working images take up to 75 MB more at their peak for a 12-megapixel photo.
MAX_ZONE_WORKERS = 4


def zone_workers(zones: int, cap: int = MAX_ZONE_WORKERS) -> int:
    """Threads to judge ``zones`` zones on: one per zone, no more than the cores or ``cap``."""
    return max(1, min(zones, os.cpu_count() or 1, cap))


class InspectionError(ValueError):
    """The request cannot be inspected; the message is one line for the user."""


@dataclass(frozen=True)
class InspectRequest:
    brand: str
    model: str
    photos: Mapping[str, Path]       # zone id -> photo file
    case_ref: str | None = None      # the item's case, for clone checks across items


@dataclass(frozen=True)
class StoredEvidence:
    name: str
    caption: str
    sha256: str


@dataclass(frozen=True)
class ZoneOutcome:
    zone: ZoneSummary
    analysis: ZoneAnalysis
    photo_sha256: str | None
    evidence: tuple[StoredEvidence, ...]
    decode_ms: float
    analysis_ms: float
    opinion: SecondOpinion | None = None
    model: ModelSummary | None = None

    def as_json(self) -> dict[str, Any]:
        a, o = self.analysis, self.opinion
        opinion = None if o is None or self.model is None else {
            "model_sha256": self.model.sha256, "p_authentic": round(o.p_authentic, 4), "threshold": o.threshold}
        return {
            "zone": self.zone.id, "kind": self.zone.kind, "critical": self.zone.critical,
            "status": a.status.value, "score": round(a.score, 4),
            "findings": [f.as_json() for f in a.findings],
            "retake": a.retake, "photo_sha256": self.photo_sha256,
            "measurements": dict(a.measurements),
            "evidence": [{"name": e.name, "caption": e.caption, "sha256": e.sha256} for e in self.evidence],
            "second_opinion": opinion,
            "timings_ms": {"decode": round(self.decode_ms, 1), "analysis": round(self.analysis_ms, 1)},
        }


@dataclass(frozen=True)
class InspectionResult:
    brand: str
    model: str
    pack: PackSummary
    verdict: Verdict
    zones: tuple[ZoneOutcome, ...]
    case_ref: str | None
    timings_ms: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The documented ``inspect --json`` shape (DESIGN.md), plus what a replay needs."""
        return {
            "brand": self.brand, "model": self.model, "suggested_verdict": self.verdict.value,
            "zones": [z.as_json() for z in self.zones],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "case": self.case_ref,
            "judged_against": {
                "pack_version": self.pack.version, "pack_revision": self.pack.revision,
                "pack_digest": self.pack.digest, "algorithm_version": ALGORITHM_VERSION,
                "libraries": dict(library_versions()),
                "references": {z.zone.id: [r.sha256 for r in z.zone.references] for z in self.zones},
                "models": {m.sha256: {"name": m.name, "version": m.version, "threshold": m.threshold,
                                      "kinds": list(m.kinds)}
                           for m in {z.model.sha256: z.model for z in self.zones if z.model}.values()},
            },
        }


class InspectionService:
    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore, prepared: PreparedZones,
                 opinions: SecondOpinions | None = None, max_zone_workers: int = MAX_ZONE_WORKERS):
        self._session_factory = session_factory
        self._store = store
        self._prepared = prepared
        self._opinions = opinions
        self.max_zone_workers = max_zone_workers     # zones of an item judged at once, at most

    def inspect(self, request: InspectRequest) -> InspectionResult:
        started = time.perf_counter()
        pack, zones = self._zones_for(request)
        kinds = {z.id: z.kind for z in zones}
        # the pack's public keys are looked up here: the database is not touched from the workers
        keys = {z.id: self._public_key(pack, z) for z in zones if z.id in request.photos}
        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=zone_workers(len(zones), self.max_zone_workers)) as pool:
            # every photo read, stored and decoded before any is judged: a bad one stops the request
            read = pool.map(lambda zid: self._read_photo(zid, request.photos[zid], WORK_LONG_SIDE[kinds[zid]]),
                            list(request.photos))
            photos = dict(zip(request.photos, read))
            outcomes = list(pool.map(lambda z: self._judge_zone(z, keys.get(z.id), photos.get(z.id)), zones))
        judging_ms = (time.perf_counter() - t) * 1000
        outcomes = [self._with_clone_check(request, o) for o in outcomes]
        t = time.perf_counter()
        outcomes = self._second_opinions(outcomes)
        opinion_ms = (time.perf_counter() - t) * 1000
        outcomes = [replace(o, evidence=self._store_evidence(o.analysis)) for o in outcomes]
        verdict = suggest_verdict((o.zone.critical, o.analysis.status) for o in outcomes)
        # decode and analysis add up each zone's own times; the zones run side by side, so together
        # they may exceed "judging", the wall time from the first photo read to the last zone judged
        timings = {"total": (time.perf_counter() - started) * 1000,
                   "decode": sum(o.decode_ms for o in outcomes), "analysis": sum(o.analysis_ms for o in outcomes),
                   "judging": judging_ms, "second_opinion": opinion_ms}
        return InspectionResult(request.brand, request.model, pack, verdict, tuple(outcomes), request.case_ref,
                                timings)

    def _judge_zone(self, zone: ZoneSummary, public_key: bytes | None,
                    photo: tuple[np.ndarray, str, float] | None) -> ZoneOutcome:
        """One zone's photo through the engine (on a worker thread: no database here)."""
        if photo is None:
            missing = Finding("photo", None, "a photo of the zone", False, "No photo of this zone was taken")
            return ZoneOutcome(zone, ZoneAnalysis.inconclusive((missing,), retake=missing.message), None, (), 0.0, 0.0)
        rgb, sha, decode_ms = photo
        t = time.perf_counter()
        try:
            prepared = self._prepared.get(zone, public_key)
        except UnusableReferences as exc:
            return ZoneOutcome(zone, _references_unusable(zone, str(exc)), sha, (), decode_ms,
                               (time.perf_counter() - t) * 1000)
        analysis = analyse_zone(prepared, rgb)
        return ZoneOutcome(zone, analysis, sha, (), decode_ms, (time.perf_counter() - t) * 1000)

    def _with_clone_check(self, request: InspectRequest, outcome: ZoneOutcome) -> ZoneOutcome:
        """The bench-wide clone check added to a serial code's outcome (zones in order, one thread)."""
        if outcome.zone.kind != "code" or "serial" not in outcome.analysis.measurements:
            return outcome
        return replace(outcome, analysis=self._clone_check(request, outcome.analysis))

    def _second_opinions(self, outcomes: list[ZoneOutcome]) -> list[ZoneOutcome]:
        if self._opinions is None:
            return outcomes
        try:
            judged = self._opinions.judge([(o.zone.kind, o.analysis) for o in outcomes], self._opinions.serving())
        except ModelUnavailable as exc:
            raise InspectionError(str(exc)) from None
        return [replace(o, analysis=j.analysis, opinion=j.opinion, model=j.model) for o, j in zip(outcomes, judged)]

    def gate(self, pack: PackSummary, zone: ZoneSummary, data: bytes) -> QualityReport:
        """The quality gate for one shot as it is taken (sharpness, exposure, scale card where measured).

        An unreadable file raises :class:`InspectionError`. Where the zone's
        references cannot be prepared, the general gate applies.
        """
        try:
            rgb = decode_for_analysis(data, min_long_side=WORK_LONG_SIDE[zone.kind])
        except ImageError as exc:
            raise InspectionError(f"the photo for zone '{zone.id}' is unusable: {exc}") from None
        try:
            return gate_photo(self.prepared_zone(pack, zone), rgb)
        except UnusableReferences:
            return assess_photo(rgb)

    def prepared_zone(self, pack: PackSummary, zone: ZoneSummary) -> PreparedZone:
        """The zone's references made ready for the engine (cached)."""
        return self._prepared.get(zone, self._public_key(pack, zone))

    def _zones_for(self, request: InspectRequest) -> tuple[PackSummary, tuple[ZoneSummary, ...]]:
        try:
            with self._session_factory() as session:
                pack = get_pack(session, request.brand)
        except NotInLibrary as exc:
            raise InspectionError(str(exc)) from None
        model = next((m for m in pack.models if m.id == request.model), None)
        if model is None:
            raise InspectionError(f"brand '{request.brand}' has no model '{request.model}' "
                                  f"(models: {', '.join(m.id for m in pack.models)})")
        known = {z.id for z in model.zones}
        unknown = sorted(set(request.photos) - known)
        if unknown:
            raise InspectionError(f"model '{model.id}' has no zone '{unknown[0]}' (zones: {', '.join(sorted(known))})")
        missing = [z.id for z in model.zones if z.critical and z.id not in request.photos]
        if missing:
            raise InspectionError(f"no photo for the critical zone '{missing[0]}': give --photo {missing[0]}=PATH")
        return pack, model.zones

    def _read_photo(self, zone_id: str, path: Path, long_side: int) -> tuple[np.ndarray, str, float]:
        t = time.perf_counter()
        try:
            if path.stat().st_size > MAX_PHOTO_BYTES:
                raise InspectionError(f"photo for zone '{zone_id}' ({path}) is over {MAX_PHOTO_BYTES // 1024**2} MB")
            data = path.read_bytes()
        except OSError as exc:
            raise InspectionError(f"cannot read the photo for zone '{zone_id}' ({path}): {exc.strerror}") from None
        try:
            rgb = decode_for_analysis(data, min_long_side=long_side)
        except ImageError as exc:
            raise InspectionError(f"photo for zone '{zone_id}' ({path}) is unusable: {exc}") from None
        decode_ms = (time.perf_counter() - t) * 1000
        sha, _ = self._store.put(data)  # the captured photo is kept, whatever the verdict
        return rgb, sha, decode_ms

    def _public_key(self, pack: PackSummary, zone: ZoneSummary) -> bytes | None:
        path = zone.tolerances.get("public_key")
        if not path:
            return None
        with self._session_factory() as session:
            return self._store.read(pack_file_sha(session, pack, path))

    def _clone_check(self, request: InspectRequest, analysis: ZoneAnalysis) -> ZoneAnalysis:
        serial = str(analysis.measurements["serial"])
        with self._session_factory.begin() as session:
            earlier = sightings_elsewhere(session, request.brand, serial, request.case_ref)
            if request.case_ref is not None:
                record_sighting(session, request.brand, serial, request.case_ref)
        if not earlier:
            finding = Finding("serial_unique", serial, "not seen on another item", True,
                              "This serial has not been seen on any other item at this bench")
            return replace(analysis, findings=(*analysis.findings, finding))
        first = earlier[0]
        finding = Finding("serial_unique", serial, "not seen on another item", False,
                          f"Possible clone: serial {serial} was already seen on case {first.case_ref} "
                          f"({first.seen_at:%Y-%m-%d})" + (f" and {len(earlier) - 1} more" if len(earlier) > 1 else ""))
        if analysis.status is Status.INCONCLUSIVE:   # a shot that failed the gate: a finding, not a verdict
            return replace(analysis, findings=(*analysis.findings, finding))
        return replace(analysis, status=Status.FAIL, score=0.0, findings=(*analysis.findings, finding))

    def _store_evidence(self, analysis: ZoneAnalysis) -> tuple[StoredEvidence, ...]:
        """The analysers' pictures, plus the matched reference in the aligned photo's frame (for overlays)."""
        stored = []
        pictures = list(analysis.evidence)
        if analysis.comparison is not None:
            pictures.append(Evidence("reference", "The best-matching reference, in the same frame as the aligned "
                                     "photo", analysis.comparison.reference))
        for ev in pictures:
            ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(ev.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88])
            if ok:
                sha, _ = self._store.put(jpeg.tobytes())
                stored.append(StoredEvidence(ev.name, ev.caption, sha))
        return tuple(stored)


def _references_unusable(zone: ZoneSummary, reason: str) -> ZoneAnalysis:
    """A zone whose references cannot be prepared is judged by eye: the photo is kept, nothing fails."""
    message = (f"The brand's reference photos for this zone cannot be used by the machine ({reason}): "
               "compare the photo with the references by eye, and ask the brand for better reference shots")
    return ZoneAnalysis.inconclusive((Finding("references", reason, "references usable", False, message),))
