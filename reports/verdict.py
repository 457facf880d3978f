"""The verdict rule (DESIGN.md): the machine's suggestion from its zone results.

A critical zone that fails makes the item FAIL; all zones passing makes it
PASS; anything else (an unusable photo, a zone the machine cannot decide, a
non-critical zone that fails) is INCONCLUSIVE. The machine only suggests; the
inspector decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from vision.findings import Status


class Verdict(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"


def suggest_verdict(zones: Iterable[tuple[bool, Status]]) -> Verdict:
    """``zones`` as (critical, status) pairs; an item with no zones is inconclusive."""
    pairs = list(zones)
    if any(critical and status is Status.FAIL for critical, status in pairs):
        return Verdict.FAIL
    if pairs and all(status is Status.PASS for _, status in pairs):
        return Verdict.PASS
    return Verdict.INCONCLUSIVE
