"""What the engine says about a zone: findings in words, a status, evidence.

A finding is one measured fact with what was expected and whether it passed,
phrased for the inspector ("Stitch pitch 4.6 mm, expected 3.6-4.4 mm"). A zone
is *inconclusive*, never failed, when the photo cannot support a judgement:
a wrong FAIL insults a seller, so only evidence about the item may fail it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Finding:
    metric: str                 # machine name, e.g. "aligned_ssim"
    value: float | str | None
    expected: str               # in words: ">= 0.80", "3.6-4.4 mm", "signature valid"
    passed: bool
    message: str                # one sentence an inspector understands

    def as_json(self) -> dict[str, object]:
        value = round(self.value, 4) if isinstance(self.value, float) else self.value
        return {"metric": self.metric, "value": value, "expected": self.expected,
                "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class Evidence:
    """A picture that shows the inspector why (aligned crop, heat map, matches)."""

    name: str          # "aligned", "difference", "matches", "measurements"
    caption: str
    image: np.ndarray  # RGB uint8


@dataclass(frozen=True)
class Comparison:
    """The photo and its best reference resampled into one frame: what a second opinion compares."""

    photo: np.ndarray      # RGB uint8, the photo in the reference's frame
    reference: np.ndarray  # RGB uint8, the best-matching reference in the same frame
    roi: np.ndarray        # bool, where the zone's design lies in the frame


@dataclass(frozen=True)
class ZoneAnalysis:
    status: Status
    score: float                               # 0..1, confidence the zone is authentic
    findings: tuple[Finding, ...]
    retake: str | None = None                  # set when the photo itself must be taken again
    evidence: tuple[Evidence, ...] = field(default=())
    measurements: Mapping[str, float | str] = field(default_factory=dict)  # e.g. serial, pitch_mm
    comparison: Comparison | None = None       # set by aligning analysers (logo, hardware)

    @classmethod
    def inconclusive(cls, findings: tuple[Finding, ...], retake: str | None = None,
                     evidence: tuple[Evidence, ...] = (),
                     measurements: Mapping[str, float | str] | None = None) -> ZoneAnalysis:
        return cls(Status.INCONCLUSIVE, 0.5, findings, retake, evidence, dict(measurements or {}))
