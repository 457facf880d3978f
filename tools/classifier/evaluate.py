"""Validation metrics and the decision threshold, on pairs of designs the network never saw."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

#: At most this share of authentic validation pairs may fall below the threshold.
MAX_FALSE_REJECT = 0.01


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Probability that an authentic pair scores above a counterfeit one (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([pos, neg]))
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def calibrate_threshold(authentic_scores: np.ndarray, max_false_reject: float = MAX_FALSE_REJECT) -> float:
    """The highest threshold with at most ``max_false_reject`` of authentic scores strictly below it."""
    s = np.sort(authentic_scores)
    return float(s[int(np.floor(max_false_reject * len(s)))])


def metrics(scores: np.ndarray, labels: np.ndarray, kinds: tuple[str, ...], tells: tuple[str, ...],
            threshold: float) -> dict[str, object]:
    """AUC, false reject rate and catch rate per kind and per tell at ``threshold`` (below = counterfeit)."""
    kinds_a, tells_a = np.array(kinds), np.array(tells)
    rejected = scores < threshold
    out: dict[str, object] = {
        "pairs": int(len(scores)), "authentic_pairs": int((labels == 1).sum()),
        "counterfeit_pairs": int((labels == 0).sum()),
        "roc_auc": round(roc_auc(scores, labels), 4),
        "false_reject_rate": round(float(rejected[labels == 1].mean()), 4),
        "catch_rate": round(float(rejected[labels == 0].mean()), 4),
    }
    per_kind: dict[str, dict[str, object]] = {}
    for kind in sorted(set(kinds)):
        k = kinds_a == kind
        entry: dict[str, object] = {
            "roc_auc": round(roc_auc(scores[k], labels[k]), 4),
            "false_reject_rate": round(float(rejected[k & (labels == 1)].mean()), 4),
            "catch_rate": round(float(rejected[k & (labels == 0)].mean()), 4),
            "catch_rate_per_tell": {},
        }
        for tell in sorted(set(tells_a[k & (labels == 0)])):
            t = k & (tells_a == tell)
            entry["catch_rate_per_tell"][tell] = {  # type: ignore[index]
                "caught": int(rejected[t].sum()), "pairs": int(t.sum()),
                "rate": round(float(rejected[t].mean()), 4)}
        per_kind[kind] = entry
    out["per_kind"] = per_kind
    return out
