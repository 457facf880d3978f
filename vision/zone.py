"""The contract between the engine and the per-kind analysers.

Every zone kind has an analyser module with two functions:

``prepare(references, counterfeits, tolerances) -> Prepared``
    Everything that depends only on the pack: reference features, regions of
    interest, measurements of the references, and the acceptance thresholds
    calibrated from the spread among the authentic references and their
    distance to the known counterfeits. Slow-ish; the caller caches the result
    per set of reference hashes and :data:`ALGORITHM_VERSION`.

``analyse(prepared, photo) -> ZoneAnalysis``
    One photo against the prepared references. Fast: this runs while the
    inspector waits.

Images are RGB ``uint8`` arrays (H, W, 3). Nothing here knows about packs,
databases or Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Protocol

import numpy as np

from .findings import ZoneAnalysis

#: Bumped whenever a default, a threshold rule or a metric changes: a verdict
#: records it, so a supervisor can tell which engine judged an item.
ALGORITHM_VERSION = "2026.12.49.1"

#: The libraries whose numerics shape a verdict: a different OpenCV alone turned a counterfeit's
#: decisive logo difference into an inconclusive one (5.0 -> 5.1), so a replay needs them too.
NUMERIC_LIBRARIES = ("opencv-python-headless", "numpy", "scikit-image", "scipy")


@cache
def library_versions() -> dict[str, str]:
    """The installed versions of :data:`NUMERIC_LIBRARIES`, recorded with every verdict (read once:
    they do not change while the process runs)."""
    found = {}
    for name in NUMERIC_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


@dataclass(frozen=True)
class Tolerances:
    """A zone's bounds from its pack, by kind (DESIGN.md, pack format v1)."""

    pitch_mm: tuple[float, float] | None = None     # stitching
    angle_deg: tuple[float, float] | None = None    # stitching
    max_delta_e: float | None = None                # hardware
    pattern: str | None = None                      # code
    public_key_pem: bytes | None = None             # code: the brand's Ed25519 key

    @classmethod
    def from_mapping(cls, data: dict[str, Any], public_key_pem: bytes | None = None) -> Tolerances:
        def pair(v: Any) -> tuple[float, float] | None:
            return None if v is None else (float(v[0]), float(v[1]))

        return cls(pair(data.get("pitch_mm")), pair(data.get("angle_deg")),
                   None if data.get("max_delta_e") is None else float(data["max_delta_e"]),
                   data.get("pattern"), public_key_pem)


class Prepared(Protocol):
    """Whatever an analyser keeps from its references (a frozen dataclass)."""


class Analyser(Protocol):
    def prepare(self, references: tuple[np.ndarray, ...], counterfeits: tuple[np.ndarray, ...],
                tolerances: Tolerances) -> Any: ...

    def analyse(self, prepared: Any, photo: np.ndarray) -> ZoneAnalysis: ...
