"""The documented fusion rule (vision.fusion), case by case."""

from __future__ import annotations

import pytest

from vision.findings import Finding, Status, ZoneAnalysis
from vision.fusion import METRIC, SecondOpinion, fuse

MEASURED = Finding("shape_iou", 0.9, ">= 0.80", True, "Letter and emblem shapes match")
AUTHENTIC = SecondOpinion(0.93, 0.30, "pair-classifier 1")
COUNTERFEIT = SecondOpinion(0.04, 0.30, "pair-classifier 1")


def zone(status: Status, retake: str | None = None) -> ZoneAnalysis:
    decision = (Finding("decision", "not decisive", "", False, "a little outside"),) if status is Status.INCONCLUSIVE else ()
    return ZoneAnalysis(status, 0.8 if status is Status.PASS else 0.4, (MEASURED, *decision), retake)


@pytest.mark.parametrize("geometric, opinion, retake, fused", [
    (Status.FAIL, AUTHENTIC, None, Status.FAIL),             # measured evidence stands
    (Status.FAIL, COUNTERFEIT, None, Status.FAIL),
    (Status.PASS, AUTHENTIC, None, Status.PASS),
    (Status.PASS, COUNTERFEIT, None, Status.INCONCLUSIVE),   # held back: compare closely
    (Status.INCONCLUSIVE, COUNTERFEIT, None, Status.FAIL),   # two checks agree
    (Status.INCONCLUSIVE, AUTHENTIC, None, Status.INCONCLUSIVE),
    (Status.INCONCLUSIVE, COUNTERFEIT, "photograph it squarely", Status.INCONCLUSIVE),  # a retake says nothing
])
def test_rule(geometric: Status, opinion: SecondOpinion, retake: str | None, fused: Status) -> None:
    result = fuse(zone(geometric, retake), opinion)
    assert result.status is fused
    finding = next(f for f in result.findings if f.metric == METRIC)
    assert finding.value == opinion.p_authentic and finding.passed is opinion.authentic
    assert finding.expected == ">= 0.30" and "pair-classifier 1" in finding.message
    assert result.retake == retake


def test_disagreement_and_agreement_are_explained() -> None:
    held = fuse(zone(Status.PASS), COUNTERFEIT)
    assert "learned comparison disagrees" in held.findings[-1].message and held.score <= 0.5
    failed = fuse(zone(Status.INCONCLUSIVE), COUNTERFEIT)
    decisions = [f for f in failed.findings if f.metric == "decision"]
    assert len(decisions) == 1 and "Two independent checks agree" in decisions[0].message
    assert failed.score <= COUNTERFEIT.p_authentic


def test_threshold_is_inclusive() -> None:
    assert fuse(zone(Status.PASS), SecondOpinion(0.30, 0.30, "m 1")).status is Status.PASS
