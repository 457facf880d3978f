"""The engine's front door: prepare a zone's references once, then judge photos.

Every photo first passes the quality gate (:mod:`vision.quality`), against
the allowance the zone's own references call for; only a usable photo reaches
the kind's analyser. Analysers are looked up by zone kind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

import numpy as np

from . import code, hardware, logo, shape_compare, stitching, texture
from .findings import Finding, ZoneAnalysis
from .quality import GateBaseline, QualityReport, assess_photo, baseline_from_references
from .scale_card import ScaleCardMissing, find_scale_card
from .zone import ALGORITHM_VERSION, Tolerances

ANALYSERS: dict[str, ModuleType] = {
    "logo": logo, "stitching": stitching, "hardware": hardware, "code": code, "texture": texture,
}


#: The long side each analyser works at: photos need not be decoded any larger.
WORK_LONG_SIDE: dict[str, int] = {
    "logo": shape_compare.WORK_LONG_SIDE, "hardware": shape_compare.WORK_LONG_SIDE,
    "stitching": stitching.WORK_LONG_SIDE, "code": code.WORK_LONG_SIDE, "texture": texture.WORK_LONG_SIDE,
}


@dataclass(frozen=True)
class PreparedZone:
    """A zone's references, ready to judge photos against (picklable, cacheable)."""

    kind: str
    baseline: GateBaseline
    state: Any
    algorithm_version: str = ALGORITHM_VERSION


def prepare_zone(kind: str, references: tuple[np.ndarray, ...], counterfeits: tuple[np.ndarray, ...] = (),
                 tolerances: Tolerances = Tolerances()) -> PreparedZone:
    """Measure and calibrate from the references; slow-ish, so callers cache it."""
    if kind not in ANALYSERS:
        raise ValueError(f"unknown zone kind {kind!r}; expected one of {', '.join(ANALYSERS)}")
    if not references:
        raise ValueError("a zone needs at least one authentic reference image")
    state = ANALYSERS[kind].prepare(references, counterfeits, tolerances)
    return PreparedZone(kind, baseline_from_references(references), state)


def gate_photo(prepared: PreparedZone, photo: np.ndarray) -> QualityReport:
    """What a shot must pass the moment it is taken, so a bad photo is retaken at the bench, not found later.

    The quality gate of :func:`analyse_zone`, plus the scale card for zones measured in millimetres.
    """
    gate = assess_photo(photo, prepared.baseline)
    if prepared.kind != "stitching" or not gate.usable:
        return gate
    card = find_scale_card(photo)
    if not isinstance(card, ScaleCardMissing):
        return gate
    missing = Finding("scale_card", "missing", "bench scale card in the photo", False,
                      "No scale card in the photo: lay the 20 mm card flat beside the seam and retake")
    return replace(gate, findings=(*gate.findings, missing), retake=missing.message)


def analyse_zone(prepared: PreparedZone, photo: np.ndarray) -> ZoneAnalysis:
    """Gate the photo, then judge it; a bad photo is inconclusive with its retake reason."""
    gate = assess_photo(photo, prepared.baseline)
    if not gate.usable:
        failed = tuple(f for f in gate.findings if not f.passed)
        if prepared.kind == "code":
            return _serial_despite_gate(prepared, photo, failed, gate.retake)
        return ZoneAnalysis.inconclusive(failed, retake=gate.retake)
    result: ZoneAnalysis = ANALYSERS[prepared.kind].analyse(prepared.state, photo)
    usable = Finding("photo_quality", round(gate.blur_px, 2), "sharp and well exposed", True,
                     f"Photo usable: sharp (edges {gate.blur_px:.1f} px) and well exposed")
    return replace(result, findings=(usable, *result.findings))


def _serial_despite_gate(prepared: PreparedZone, photo: np.ndarray, failed: tuple[Finding, ...],
                         retake: str | None) -> ZoneAnalysis:
    """A code zone whose photo failed the gate, with the serial all the same where the tag reads.

    A QR code either decodes, error-corrected, or does not, and its signature verifies or not:
    a read serial is a fact about the item even on an overexposed shot. The zone stays
    inconclusive (a failed gate never fails a zone), but the serial is in its measurements, so the
    bench records where it was seen: a clone of this item is caught even if this shot was bad."""
    read = code.analyse(prepared.state, photo)
    if "serial" not in read.measurements:
        return ZoneAnalysis.inconclusive(failed, retake=retake)
    return ZoneAnalysis.inconclusive((*failed, *read.findings), retake, read.evidence, read.measurements)
