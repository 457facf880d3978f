"""How the classifier's second opinion combines with the geometric findings.

The rule (docs/engine.md, "Second opinion"), for a zone the geometric checks
aligned with a reference:

=====================  =====================  ==============================
geometric status       classifier             fused status
=====================  =====================  ==============================
FAIL                   either                 FAIL (measured evidence stands)
PASS                   authentic (p >= t)     PASS
PASS                   counterfeit (p < t)    INCONCLUSIVE: compare closely
INCONCLUSIVE, photo    counterfeit (p < t)    FAIL: two independent checks
usable, not decisive                          agree the design is off
INCONCLUSIVE           authentic, or photo    INCONCLUSIVE
                       needs a retake
=====================  =====================  ==============================

The classifier alone never fails an item and never passes one: it holds back
a PASS the measurements gave (a wrong PASS ships a fake) and it confirms a
measurement that was outside the authentic range but not decisively so. A
photo that must be retaken stays inconclusive: a poorly aligned pair says
nothing about the item. ``t`` is the model's threshold, calibrated on designs
it was not trained on (see the model card).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .findings import Finding, Status, ZoneAnalysis

METRIC = "classifier_p_authentic"


@dataclass(frozen=True)
class SecondOpinion:
    """One model's probability for one zone, with the threshold it is judged by."""

    p_authentic: float
    threshold: float
    model: str             # "name version", for the inspector

    @property
    def authentic(self) -> bool:
        return self.p_authentic >= self.threshold


def opinion_finding(opinion: SecondOpinion) -> Finding:
    p, t = opinion.p_authentic, opinion.threshold
    if opinion.authentic:
        message = (f"The learned comparison ({opinion.model}) finds the photo consistent with the reference "
                   f"(probability authentic {p:.2f}, at least {t:.2f})")
    else:
        message = (f"The learned comparison ({opinion.model}) finds the photo unlike the reference "
                   f"(probability authentic {p:.2f}, below {t:.2f})")
    return Finding(METRIC, float(p), f">= {t:.2f}", opinion.authentic, message)


def fuse(analysis: ZoneAnalysis, opinion: SecondOpinion) -> ZoneAnalysis:
    """The zone's analysis with the second opinion listed and the rule above applied."""
    finding = opinion_finding(opinion)
    findings = (*analysis.findings, finding)
    status = analysis.status
    if status is Status.PASS and not opinion.authentic:
        note = Finding("decision", "checks disagree", "measurements and learned comparison agree", False,
                       "The measurements are within the authentic range but the learned comparison disagrees: "
                       "compare the photo closely with the reference before passing it")
        return replace(analysis, status=Status.INCONCLUSIVE, score=min(analysis.score, 0.5),
                       findings=(*findings, note))
    if status is Status.INCONCLUSIVE and analysis.retake is None and not opinion.authentic:
        findings = tuple(f for f in findings if f.metric != "decision")
        note = Finding("decision", "checks agree", "within the authentic range", False,
                       "Two independent checks agree that the design is not the brand's: the measurements "
                       "outside the authentic range and the learned comparison")
        return replace(analysis, status=Status.FAIL, score=min(analysis.score, opinion.p_authentic),
                       findings=(*findings, note))
    return replace(analysis, findings=findings)
